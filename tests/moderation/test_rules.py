"""Each spam signal on its own: what it notices, how strongly, and the reason it gives."""

import pytest

from moderation.scoring import Facts, rules
from moderation.scoring.classifier import TokenCounts, learn
from moderation.scoring.text import tokens


def facts(text: str = "Nice post, thanks.", **fields: object) -> Facts:
    """Return facts about a comment with `text` and any other fields."""
    return Facts(text=text, raw=text, **fields)


def trained_model() -> TokenCounts:
    """Return a tiny classifier model that knows promotion from praise."""
    model = TokenCounts()
    for text in ["subscribe to my channel", "check my channel and subscribe", "free money"]:
        learn(model, tokens(text), is_spam=True)
    for text in ["lovely song", "great post about django", "this song is lovely"]:
        learn(model, tokens(text), is_spam=False)
    return model


def test_links_count_distinct_sites_and_say_how_many():
    """Three different linked sites weigh three times one, and the reason says '3 links'."""
    one = rules.links(facts("there is a good write-up of this at https://a.example/x"))
    three = rules.links(facts("https://a.example https://b.example/1 https://c.example"))
    assert one.reason == "1 link"
    assert three.reason == "3 links (mostly links)"
    assert three.weight == pytest.approx(3 * one.weight)


def test_no_links_is_no_finding():
    """A comment without links says nothing about links."""
    assert rules.links(facts("just words here")) is None


def test_links_to_the_page_itself_do_not_count():
    """A link back to the post (a timestamp, a quote) is not promotion."""
    own = ("blog.example/posts/hello",)
    found = facts("see https://blog.example/posts/hello#c3 for context", own_urls=own)
    assert rules.links(found) is None
    assert "url:blog.example" not in found.tokens


def test_shorteners_are_named_but_youtube_short_links_are_not():
    """bit.ly hides where a link goes; youtu.be is how readers share videos."""
    assert rules.shorteners(facts("win at https://bit.ly/abc")).reason == "URL shortener: bit.ly"
    assert rules.shorteners(facts("the live version https://youtu.be/abc")) is None


def test_self_promotion_quotes_the_pitch():
    """'Check out my channel' is a spammer's pitch in any topic."""
    found = rules.self_promotion(facts("Hey everyone check out my new channel"))
    assert found.reason == "self-promotion: 'check out my'"
    assert rules.self_promotion(facts("I checked out the repository")) is None


def test_engagement_bait_quotes_the_request():
    """'Like this comment if...' and 'subscribe for...' ask for clicks, not conversation."""
    found = rules.engagement_bait(facts("Like this comment if you are watching in 2015"))
    assert found.reason == "asks for likes or subscribers: 'like this comment'"
    assert rules.engagement_bait(facts("please subscribe for more")).weight > 0
    assert rules.engagement_bait(facts("I like this post a lot")) is None


def test_capitals_only_speak_up_when_shouting():
    """Mostly capitals are shown as a reason; normal writing weighs little and says nothing."""
    assert rules.capitals(facts("BUY NOW CHEAP PILLS TODAY")).reason == "100% capital letters"
    assert rules.capitals(facts("A normal Sentence with Names")).reason == ""
    assert rules.capitals(facts("OK")) is None


def test_length_counts_a_little_and_explains_only_very_long_comments():
    """Length nudges the score up; only a very long comment gets a visible reason."""
    short, long = rules.length(facts("short")), rules.length(facts("word " * 400))
    assert 0 < short.weight < long.weight
    assert short.reason == ""
    assert long.reason.startswith("long comment (")


def test_classifier_gives_its_probability_and_the_words_behind_it():
    """The classifier reason names the tokens that weighed most."""
    found = rules.text_classifier(facts("subscribe to my channel", model=trained_model()))
    assert found.weight > 0
    assert found.reason.startswith("classifier 0.")
    assert "'subscribe'" in found.reason or "'channel'" in found.reason
    praise = rules.text_classifier(facts("what a lovely song", model=trained_model()))
    assert praise.weight < 0


def test_an_untrained_classifier_stays_silent():
    """With no model (or one side never seen) the classifier says nothing."""
    assert rules.text_classifier(facts("subscribe")) is None
    assert rules.text_classifier(facts("subscribe", model=TokenCounts(spam_docs=3))) is None


def test_link_domains_seen_in_spam_are_named():
    """A link to a domain moderators marked spam weighs heavily."""
    found = rules.spam_link_domains(facts(spam_link_domains=("pills.example",)))
    assert found.weight >= 3
    assert found.reason == "links to a domain seen in spam: pills.example"


def test_author_history_trusts_staff_and_approved_authors_and_distrusts_spammers():
    """Staff weigh most toward ham, approved authors less, earlier spam weighs toward spam."""
    staff = rules.author_history(facts(is_staff=True))
    regular = rules.author_history(facts(approved_by_author=3))
    spammer = rules.author_history(facts(spam_by_author=2, approved_by_author=5))
    assert staff.weight < regular.weight < 0 < spammer.weight
    assert staff.reason == "staff member"
    assert regular.reason == "author has 3 approved comment(s)"
    assert spammer.reason == "author had 2 comment(s) marked spam"
    assert rules.author_history(facts()) is None


def test_ip_history_reports_the_address_then_the_network_this_week():
    """Spam from the same address outweighs spam from the same /24 or /64 this week."""
    same_ip = rules.ip_history(facts(spam_by_ip=2))
    network = rules.ip_history(
        facts(spam_by_network=4, spam_by_network_week=4, ip_network="198.51.100.0/24")
    )
    v6 = rules.ip_history(facts(spam_by_network=2, ip_network="2001:db8::/64"))
    assert same_ip.reason == "IP address had 2 spam comment(s)"
    assert network.reason == "IP /24 had 4 spam this week"
    assert v6.reason == "IP /64 had 2 spam comment(s)"
    assert same_ip.weight > network.weight > 0
    assert rules.ip_history(facts(spam_by_network=1, ham_by_network=5)) is None


def test_blocklist_entries_force_their_action():
    """Each blocklist hit is a reason and forces hold or spam."""
    found = rules.blocklist(
        facts(blocked=(("word", "casino*", "hold"), ("domain", "pills.example", "spam")))
    )
    assert [(f.reason, f.force) for f in found] == [
        ("blocklisted word: casino*", "hold"),
        ("blocklisted domain: pills.example", "spam"),
    ]


@pytest.mark.parametrize(
    ("pattern", "text", "hit"),
    [
        ("casino", "Best CASINO bonus", True),
        ("casino", "casinos", False),
        ("casino*", "casinos online", True),
        ("cheap pills", "buy cheap   pills now", True),
        ("cheap pills", "cheap blue pills", False),
    ],
)
def test_blocked_words_match_whole_words_with_wildcards(pattern, text, hit):
    """Blocked words match as whole words; '*' stands for any letters."""
    assert rules.word_matches(pattern, text) is hit


def test_blocked_domains_include_their_subdomains():
    """A blocked domain covers its subdomains but not look-alikes."""
    assert rules.domain_matches("pills.example", "shop.pills.example")
    assert not rules.domain_matches("pills.example", "notpills.example")
    assert rules.domain_matches("*@spam.example", "bot@spam.example")


def _model(pairs):
    counts = TokenCounts()
    for text, spam in pairs:
        learn(counts, Facts(text=text).tokens, is_spam=spam)
    return counts


@pytest.mark.parametrize(
    ("text", "capped"),
    [
        ("check out my channel and subscribe please", False),  # familiar spam: may be spam
        ("Vielen Dank für die ausführliche Erklärung, wunderbar", True),  # unknown words
        ("lovely voice", True),  # two known tokens are too little evidence
        ("lovely song voice, merci beaucoup pour la chanson", False),  # enough known
    ],
)
def test_a_spam_verdict_needs_evidence_the_model_knows(text, capped):
    """Text the classifier knows too few tokens or words of is capped at hold."""
    model = _model(
        [("check out my channel and subscribe please now", True), ("lovely song voice", False)] * 5
    )
    finding = rules.text_classifier(Facts(text=text, model=model))
    assert finding is not None
    assert (finding.cap == "hold") is capped
