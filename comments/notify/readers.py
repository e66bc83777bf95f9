"""The mails readers get: address confirmation, replies in a thread, their comment approved.

Every reader mail carries `List-Unsubscribe` (one-click, RFC 8058) for its thread, and links
to leave the thread or the whole site.
"""

from django.urls import reverse

from comments.models import Comment, Status
from comments.notify.models import MailAddress
from comments.notify.outbox import mail_queue
from comments.notify.render import mail_parts, site_url


def confirm_mail_queue(*, address: MailAddress) -> bool:
    """Queue the one confirmation mail an address ever gets (unique key per address)."""
    from comments.notify.services import reader_link

    link = site_url(
        reverse("notify-confirm", kwargs={"token": reader_link(address=address, action="confirm")})
    )
    context = {"confirm_url": link, **_unsubscribe_links(address, None)}
    text, html = mail_parts("notify/confirm", context)
    return _queue(f"confirm:{address.pk}", "confirm", address, "Confirm your address", text, html)


def approved_mail_queue(*, comment: Comment, address: MailAddress) -> bool:
    """Queue the mail telling an author their held comment is now published."""
    context = {"comment": comment, "url": comment_url(comment)}
    context |= _unsubscribe_links(address, comment.post_id)
    text, html = mail_parts("notify/approved", context)
    subject = f"Your comment on “{comment.post.title}” is published"
    return _queue(
        f"approved:{comment.pk}", "approved", address, subject, text, html, comment.post_id
    )


def reply_mail(stream: str, comment_ids: list[int], key: str) -> bool:
    """Renderer of `reply:<address>:<post>`: the replies approved since the last mail."""
    from comments.notify.services import deliverable

    _, address_id, post_id = stream.split(":")
    address = MailAddress.objects.filter(pk=int(address_id)).first()
    if address is None or not deliverable(address, int(post_id)):
        return False
    replies = [
        reply
        for reply in Comment.objects.filter(pk__in=comment_ids, status=Status.APPROVED)
        .select_related("post", "parent")
        .order_by("created_at", "pk")
        if reply.author_email.strip().lower() != address.email
    ]
    if not replies:
        return False
    post = replies[0].post
    items = [{"reply": reply, "url": comment_url(reply)} for reply in replies]
    context = {"items": items, "post": post} | _unsubscribe_links(address, post.pk)
    text, html = mail_parts("notify/replies", context)
    if len(replies) == 1:
        subject = f"{replies[0].author_name} replied to you on “{post.title}”"
    else:
        subject = f"{len(replies)} new replies to you on “{post.title}”"
    return _queue(key, "reply", address, subject, text, html, post.pk)


def comment_url(comment: Comment) -> str:
    """The public address of a comment: its post page, at the comment."""
    page = reverse("blog:post-detail", kwargs={"slug": comment.post.slug})
    return site_url(f"{page}#tk-comment-{comment.pk}")


def _unsubscribe_links(address: MailAddress, post_id: int | None) -> dict[str, str]:
    from comments.notify.services import reader_link

    def link(post: int | None) -> str:
        token = reader_link(address=address, action="unsubscribe", post_id=post)
        return site_url(reverse("notify-unsubscribe", kwargs={"token": token}))

    links = {"unsubscribe_site_url": link(None)}
    if post_id is not None:
        links["unsubscribe_thread_url"] = link(post_id)
    return links


def _queue(
    key: str,
    kind: str,
    address: MailAddress,
    subject: str,
    text: str,
    html: str,
    post_id: int | None = None,
) -> bool:
    links = _unsubscribe_links(address, post_id)
    one_click = links.get("unsubscribe_thread_url", links["unsubscribe_site_url"])
    headers = {
        "List-Unsubscribe": f"<{one_click}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    mail = mail_queue(
        key=key,
        kind=kind,
        to=address.email,
        subject=subject,
        text=text,
        html=html,
        headers=headers,
    )
    return mail is not None
