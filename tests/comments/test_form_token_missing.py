"""An anonymous submit without a form token: allowed, scored toward holding, or refused."""

import time

import pytest
from django.core import signing

from comments.models import Comment, Status
from moderation.policy import Decision, Thresholds, decide
from moderation.scoring import Facts, combine, rules
from moderation.services import comment_score

pytestmark = pytest.mark.django_db

URL = "/api/v1/posts/hello-world/comments/"
VALID = {"author_name": "Ann", "author_email": "ann@example.org", "body": "Thanks, it helped."}
REASON = "sent without a form token (not through the widget)"


def form_token() -> str:
    return signing.dumps({"t": time.time() - 30}, salt="comments.form-token", compress=False)


def submitted(client, **change: object) -> Comment:
    answer = client.post(URL, {**VALID, **change}, format="json")
    assert answer.status_code == 201, answer.content
    return Comment.objects.get(pk=answer.json()["id"])


def test_by_default_an_omitted_form_token_is_accepted_and_remembered(api, post):
    """The default ("score") accepts the comment and marks it for the scorer."""
    assert submitted(api).sent_without_form_token is True
    assert submitted(api, body="Another.", form_token=form_token()).sent_without_form_token is False


def test_clients_with_an_api_token_are_never_marked(user_api, post):
    """A token-authenticated client needs no form token: nothing counts against it."""
    assert submitted(user_api).sent_without_form_token is False


def test_allow_ignores_the_omission(api, post, settings):
    """With "allow" an omitted form token counts for nothing, as before."""
    settings.COMMENTS = {"FORM_TOKEN_MISSING": "allow"}
    assert submitted(api).sent_without_form_token is False


def test_require_refuses_the_submit_saying_how_to_get_a_token(api, user_api, post, settings):
    """With "require" an anonymous submit without a form token is a 400 on form_token."""
    settings.COMMENTS = {"FORM_TOKEN_MISSING": "require"}

    answer = api.post(URL, VALID, format="json")

    assert answer.status_code == 400
    assert "/api/v1/form-token/" in answer.json()["form_token"][0]
    assert not Comment.objects.exists()
    assert submitted(api, form_token=form_token()).status == Status.PENDING
    assert submitted(user_api, body="From a client with a token.").status == Status.PENDING


def test_the_scorer_shows_the_reason_and_the_score_stays_the_same(api, post):
    """The omission is a reason moderators see; the stored spam score does not change."""
    flagged = submitted(api)
    clean = submitted(api, author_email="bo@example.org", form_token=form_token())

    for comment in (flagged, clean):
        comment_score(comment_id=comment.pk, revision=comment.revision)
        comment.refresh_from_db()

    assert REASON in flagged.spam_reasons
    assert REASON not in clean.spam_reasons
    assert flagged.spam_score == pytest.approx(clean.spam_score)


def test_the_omission_can_hold_a_comment_but_never_mark_it_spam():
    """A hold-only finding lifts the hold score, never the score that decides spam."""
    facts = Facts(text="x", without_form_token=True)
    found = rules.form_token_missing(facts)
    assert found is not None
    assert found.hold_only
    base = combine([], prior=-1.2)  # about 0.23: approved at hold 0.25
    score = combine([found], prior=-1.2)
    limits = Thresholds(hold=0.25, spam=0.9)

    assert score.value == base.value
    assert decide(score=base.value, mode="post", thresholds=limits) == Decision.APPROVE
    assert (
        decide(score=score.value, mode="post", thresholds=limits, hold_score=score.hold_value)
        == Decision.HOLD
    )
    high = combine([found], prior=2.0)  # 0.88, just under spam 0.9 without the finding
    assert (
        decide(score=high.value, mode="post", thresholds=limits, hold_score=high.hold_value)
        == Decision.HOLD
    )
    assert rules.form_token_missing(Facts(text="x")) is None
