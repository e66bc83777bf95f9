"""GDPR erasure forgets a person's reputation: e-mail and IP rows, and their lesson keys."""

import io

import pytest
from django.core.management import call_command

from comments.models import Comment, Status
from moderation.models import Lesson, Reputation
from moderation.services import comment_learn
from moderation.tasks import forget_person
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

EMAIL = "Person.To.Forget@example.net"
IP = "198.51.100.7"
NEIGHBOUR_IP = "198.51.100.8"


def learned(status: str, **fields: object) -> Comment:
    """Return a comment whose label the scorer has learned (as after a moderator's decision)."""
    body = "Subscribe to my channel https://promo.example/now"
    comment = CommentFactory(
        status=status,
        body_source=body,
        body_html=f"<p>{body}</p>",
        ip_network="198.51.100.0/24",
        **fields,
    )
    comment_learn(comment_id=comment.pk)
    return comment


def keys() -> set[tuple[str, str]]:
    return set(Reputation.objects.values_list("kind", "key"))


def test_forget_person_deletes_their_email_and_ip_reputation_and_keeps_shared_rows():
    """The person's e-mail and IP rows go; the network, link domains and others' rows stay."""
    learned(Status.SPAM, author_email=EMAIL, ip_address=IP)
    learned(Status.SPAM, author_email="other@example.org", ip_address=NEIGHBOUR_IP)
    assert forget_person(EMAIL) == 2
    assert ("email", EMAIL.lower()) not in keys()
    assert ("ip", IP) not in keys()
    assert {("email", "other@example.org"), ("ip", NEIGHBOUR_IP)} <= keys()
    assert {("network", "198.51.100.0/24"), ("domain", "promo.example")} <= keys()


def test_unlearning_after_forgetting_neither_recreates_nor_underflows_rows():
    """A moderator changing their mind later unlearns the rest, without the forgotten keys."""
    comment = learned(Status.SPAM, author_email=EMAIL, ip_address=IP)
    forget_person(EMAIL)
    lesson_keys = {tuple(k) for k in Lesson.objects.get(comment=comment).reputation_keys}
    assert lesson_keys == {("network", "198.51.100.0/24"), ("domain", "promo.example")}
    Comment.objects.filter(pk=comment.pk).update(status=Status.APPROVED)
    assert comment_learn(comment_id=comment.pk) == "ham"
    assert ("email", EMAIL.lower()) in keys()  # relearned as ham from the comment itself
    assert Reputation.objects.get(kind="network").spam == 0
    assert Reputation.objects.get(kind="domain").spam == 0


def test_a_shared_ip_key_leaves_every_lesson_that_held_it():
    """Another person's lesson with the same IP loses the key too, so its unlearn is safe."""
    learned(Status.SPAM, author_email=EMAIL, ip_address=IP)
    housemate = learned(Status.SPAM, author_email="housemate@example.org", ip_address=IP)
    forget_person(EMAIL)
    housemate_keys = {tuple(k) for k in Lesson.objects.get(comment=housemate).reputation_keys}
    assert ("ip", IP) not in housemate_keys
    Comment.objects.filter(pk=housemate.pk).update(status=Status.REJECTED)
    assert comment_learn(comment_id=housemate.pk) is None
    assert ("ip", IP) not in keys()
    assert Reputation.objects.get(kind="email", key="housemate@example.org").spam == 0


def test_erase_personal_data_forgets_the_reputation_too():
    """The erase command leaves no reputation row naming the person's e-mail or IP."""
    comment = learned(Status.SPAM, author_email=EMAIL, ip_address=IP)
    out = io.StringIO()
    call_command("erase_personal_data", EMAIL, "--yes", stdout=out)
    assert "Erased" in out.getvalue()
    assert ("email", EMAIL.lower()) not in keys()
    assert ("ip", IP) not in keys()
    comment.refresh_from_db()
    assert comment.author_email == ""
    assert comment.ip_address is None
    Comment.objects.filter(pk=comment.pk).update(status=Status.APPROVED)
    comment_learn(comment_id=comment.pk)
    assert not {k for k in keys() if k[0] in ("email", "ip")}
