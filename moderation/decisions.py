"""Decision links in alert mail: signed, expiring, single-use, bound to one moderator.

A link never acts when opened (mail scanners and link previewers open links): it leads to
a confirm page, and only that page's POST decides, as the moderator the mail was sent to,
recorded in the comment's history as coming from e-mail.
"""

import secrets
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse

from comments.models import Comment
from comments.notify.render import site_url
from comments.permissions import is_moderator
from moderation.conf import moderation_setting
from moderation.models import UsedDecisionLink
from moderation.services import comment_moderate

SALT = "moderation.decision-link"
LINK_ACTIONS = ("approve", "reject", "spam")


class DecisionLinkError(Exception):
    """The link cannot decide anything; the message tells the moderator what to do."""


@dataclass(frozen=True)
class Decision:
    moderator: User
    comment: Comment
    action: str
    nonce: str


def decision_url(*, moderator: User, comment_id: int, action: str) -> str:
    """Return the absolute address of the confirm page for one decision by one moderator."""
    token = signing.dumps(
        {"u": moderator.pk, "c": comment_id, "a": action, "n": secrets.token_urlsafe(16)},
        salt=SALT,
        compress=True,
    )
    return site_url(reverse("moderation-decide", kwargs={"token": token}))


def decision_read(token: str) -> Decision:
    """Check the link (signature, age, unused, still a moderator) and say what it decides."""
    max_age = moderation_setting("DECISION_LINK_MAX_AGE_SECONDS")
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise DecisionLinkError(
            "This link has expired. Open the comment in the moderation queue instead."
        ) from error
    except signing.BadSignature as error:
        raise DecisionLinkError(
            "This link is not valid (it may have been cut off by the mail program). "
            "Open the comment in the moderation queue instead."
        ) from error
    moderator = User.objects.filter(pk=data.get("u")).first()
    if moderator is None or not is_moderator(moderator):
        raise DecisionLinkError("This link was sent to someone who is no longer a moderator.")
    comment = Comment.objects.select_related("post").filter(pk=data.get("c")).first()
    if comment is None or data.get("a") not in LINK_ACTIONS:
        raise DecisionLinkError("The comment this link was about no longer exists.")
    if UsedDecisionLink.objects.filter(nonce=data["n"]).exists():
        raise DecisionLinkError("This link has already been used; each link works once.")
    return Decision(moderator=moderator, comment=comment, action=data["a"], nonce=data["n"])


def decision_apply(token: str) -> Decision:
    """Apply the link's decision as its moderator, once; raise DecisionLinkError otherwise."""
    decision = decision_read(token)
    try:
        with transaction.atomic():
            UsedDecisionLink.objects.create(nonce=decision.nonce, comment=decision.comment)
            comment = comment_moderate(
                comment=decision.comment,
                action=decision.action,
                actor=decision.moderator,
                reason=f"moderator: {decision.action} (from e-mail)",
            )
    except IntegrityError as error:  # the same link, posted twice at the same moment
        raise DecisionLinkError("This link has already been used; each link works once.") from error
    return Decision(decision.moderator, comment, decision.action, decision.nonce)
