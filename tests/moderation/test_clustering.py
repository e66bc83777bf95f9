"""MinHash near-duplicates (pure): small changes stay alike, different texts do not."""

from moderation import clustering

WAVE = "Earn $500 a day from home with this one simple trick, click the link to start today"


def test_a_text_is_identical_to_itself():
    """The same text gives the same signature: similarity 1."""
    assert clustering.similarity(clustering.signature(WAVE), clustering.signature(WAVE)) == 1.0


def test_small_changes_stay_near_duplicates():
    """A changed word, case, punctuation and another link keep the texts well above 0.5."""
    changed = "earn $500 a DAY from home with this 1 simple trick!! click the link to begin today"
    one, other = clustering.signature(WAVE), clustering.signature(changed + " https://x.example")
    assert clustering.similarity(one, other) >= 0.5
    assert set(clustering.band_keys(one)) & set(clustering.band_keys(other))


def test_different_comments_are_not_alike():
    """Two ordinary, different comments share almost nothing."""
    one = clustering.signature("Thanks, this fixed my build on Debian; step two was it.")
    other = clustering.signature("I disagree with the conclusion, but the benchmark is clear.")
    assert clustering.similarity(one, other) < 0.2


def test_empty_text_has_a_signature_that_matches_nothing_real():
    """A comment of only a link has no shingles; its signature is not like a real text's."""
    assert clustering.shingles("https://only.example/link") == set()
    assert clustering.similarity(clustering.signature(""), clustering.signature(WAVE)) == 0.0


def test_signatures_are_the_same_in_every_process():
    """The permutations are seeded: a stored signature stays comparable after a restart."""
    assert clustering.signature("hello world")[:3] == clustering.signature("hello world")[:3]
    assert len(clustering.band_keys(clustering.signature(WAVE))) == clustering.BANDS
