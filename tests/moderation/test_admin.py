"""The admin moderation queue, used as a moderator (staff + group) through the Django client."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from comments.models import Comment, Status
from moderation.models import Reputation
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/moderation/queuedcomment/"


def change_page(comment: Comment) -> str:
    return f"{QUEUE}{comment.pk}/change/"


@pytest.fixture
def queued(post) -> Comment:
    return CommentFactory(
        post=post,
        status=Status.PENDING,
        author_name="Sam Spammer",
        author_email="sam@spam.example",
        body_source="Cheap watches at https://watches.example, best prices on the web today",
        body_html="<p>Cheap watches</p>",
        spam_score=0.83,
        spam_reasons=["link to watches.example", "new author"],
    )


def run_action(client: Client, name: str, comments: list[Comment], view: str = ""):
    """Tick `comments` in the queue (as filtered by `view`) and run an action on them."""
    return client.post(
        QUEUE + view,
        {"action": f"action_{name}", "_selected_action": [c.pk for c in comments], "index": 0},
        follow=True,
    )


def test_the_queue_lists_score_reasons_post_excerpt_and_author_history(admin_client_, queued):
    """Each row shows what a decision needs: score, why, post, excerpt and the author's record."""
    Reputation.objects.create(kind="email", key="sam@spam.example", ham=2, spam=5)
    page = admin_client_.get(QUEUE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "0.83" in html
    assert "<li>link to watches.example</li>" in html
    assert "<li>new author</li>" in html
    assert "Hello, world" in html
    assert "Cheap watches at https://watches.example" in html
    assert "Sam Spammer" in html
    assert "2 approved, 5 spam" in html


def test_a_first_time_author_is_labelled_as_such(admin_client_, queued):
    """Without earlier decisions, the author column says it is their first comment."""
    assert "first comment" in admin_client_.get(QUEUE).content.decode()


def test_an_unscored_comment_says_so(admin_client_, post):
    """A comment the worker has not reached yet shows 'not scored yet', not a blank."""
    CommentFactory(post=post, status=Status.PENDING, spam_score=None)
    assert "not scored yet" in admin_client_.get(QUEUE).content.decode()


def test_the_queue_opens_on_pending_comments(admin_client_, post, queued):
    """By default only pending comments are listed; other statuses are one filter away."""
    approved = CommentFactory(post=post, body_source="An approved remark about gardens")
    spam = CommentFactory(post=post, status=Status.SPAM, body_source="Spammy remark on casinos")
    default = admin_client_.get(QUEUE).content.decode()
    assert "Cheap watches" in default
    assert "gardens" not in default
    assert "casinos" not in default
    assert "casinos" in admin_client_.get(f"{QUEUE}?status=spam").content.decode()
    everything = admin_client_.get(f"{QUEUE}?status=all").content.decode()
    assert all(word in everything for word in ("Cheap watches", "gardens", "casinos"))
    assert {approved.status, spam.status} == {Status.APPROVED, Status.SPAM}


def test_search_finds_comments_by_text_author_and_email(admin_client_, post, queued):
    """The search box matches the body, the author's name and e-mail."""
    CommentFactory(
        post=post,
        status=Status.PENDING,
        author_name="Olga",
        body_source="A kind note about tomatoes",
    )
    for term, hit, miss in [
        ("tomatoes", "Olga", "Sam Spammer"),
        ("spam.example", "Sam Spammer", "Olga"),
        ("Olga", "tomatoes", "Cheap watches"),
    ]:
        html = admin_client_.get(QUEUE, {"q": term}).content.decode()
        assert hit in html, term
        assert miss not in html, term


def test_the_queue_filters_by_post(admin_client_, queued):
    """The post filter narrows the queue to one post."""
    other = PostFactory(slug="other", title="Another post")
    CommentFactory(post=other, status=Status.PENDING, body_source="About the other post only")
    html = admin_client_.get(QUEUE, {"post__id__exact": other.pk}).content.decode()
    assert "About the other post only" in html
    assert "Cheap watches" not in html


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("approve", Status.APPROVED),
        ("reject", Status.REJECTED),
        ("spam", Status.SPAM),
        ("ham", Status.APPROVED),
    ],
)
def test_bulk_actions_decide_through_comment_moderate(
    admin_client_,
    staff_moderator,
    post,
    name,
    status,
    django_capture_on_commit_callbacks,
    published_tasks,
):
    """Each admin action sets the status, records the moderator and queues learning."""
    comments = [CommentFactory(post=post, status=Status.PENDING) for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        answer = run_action(admin_client_, name, comments)
    assert answer.status_code == 200
    assert "2 comment(s)" in answer.content.decode()
    for comment in comments:
        comment.refresh_from_db()
        assert comment.status == status
        assert comment.moderated_by == staff_moderator
        event = comment.history.get()
        assert (event.actor, event.actor_label, event.from_status, event.to_status) == (
            staff_moderator,
            "mod",
            "pending",
            status,
        )
        assert event.reason == f"moderator: {name}"
    learned = sorted(
        args for task, args in published_tasks if task == "moderation.learn_from_comment"
    )
    assert learned == [(c.pk,) for c in comments]


def test_the_change_page_shows_the_comment_and_its_history_inline(admin_client_, queued):
    """Opening a comment shows its details and every status change, read-only."""
    run_action(admin_client_, "spam", [queued])
    run_action(admin_client_, "ham", [queued], view="?status=spam")
    page = admin_client_.get(change_page(queued))
    assert page.status_code == 200
    html = page.content.decode()
    assert "sam@spam.example" in html
    assert 'id="history-group"' in html
    assert html.count('<td class="field-actor_label">') == 2
    assert "moderator: spam" in html
    assert "moderator: ham" in html
    assert "<div class='comment-body'><p>Cheap watches</p></div>" in html
    assert 'name="body_source"' not in html  # read-only: shown, not editable
    assert 'name="history-0-reason"' not in html


def test_an_action_applies_only_to_comments_in_the_current_view(admin_client_, post, queued):
    """Running ham from the default (pending) view leaves a spam comment untouched."""
    spam = CommentFactory(post=post, status=Status.SPAM)
    run_action(admin_client_, "ham", [spam])
    assert Comment.objects.get(pk=spam.pk).status == Status.SPAM
    run_action(admin_client_, "ham", [spam], view="?status=spam")
    assert Comment.objects.get(pk=spam.pk).status == Status.APPROVED


def test_reasons_and_names_are_escaped_in_the_queue(admin_client_, post):
    """Text that came from a reader is shown as text in the admin, never as markup."""
    CommentFactory(
        post=post,
        status=Status.PENDING,
        author_name="<script>alert(1)</script>",
        spam_reasons=["blocklisted word: <img src=x onerror=alert(1)>"],
        body_source="<b>bold?</b>",
    )
    html = admin_client_.get(QUEUE).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x onerror=alert(1)>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_nobody_can_add_comments_in_the_admin(admin_client_):
    """Comments come from readers: the admin has no add page for them."""
    assert admin_client_.get(f"{QUEUE}add/").status_code == 403


@pytest.mark.parametrize("who", ["anonymous", "group member, not staff", "staff, no group"])
def test_who_gets_into_the_admin_queue(post, queued, who):
    """Non-staff users are sent to the login page; staff are moderators by definition."""
    client = Client()
    if who == "group member, not staff":
        user = UserFactory(username="reader")
        group, _ = Group.objects.get_or_create(name="moderators")
        user.groups.add(group)
        client.force_login(user)
    elif who == "staff, no group":
        client.force_login(UserFactory(username="editor", is_staff=True))
    answer = client.get(QUEUE)
    if who == "staff, no group":
        assert answer.status_code == 200
        return
    assert answer.status_code == 302
    assert answer["Location"].startswith("/admin/login/")
    assert (
        client.post(
            QUEUE,
            {"action": "action_approve", "_selected_action": [queued.pk]},
        ).status_code
        == 302
    )
    assert Comment.objects.get(pk=queued.pk).status == Status.PENDING


@pytest.mark.parametrize("query", ["status=%00", "post__moderation_mode__exact=%00", "q=%00"])
def test_odd_filters_in_the_admin_never_fail(admin_client_, queued, query):
    """NUL characters in admin filters and search answer 400, never a server error."""
    assert admin_client_.get(f"{QUEUE}?{query}").status_code == 400


def test_the_queue_page_is_titled_for_a_moderator(admin_client_, queued):
    """The window title and heading say "Moderation queue"; the thresholds sit in the page."""
    page = admin_client_.get(QUEUE).content.decode()

    title = re.search(r"<title>(.*?)</title>", page, re.DOTALL)
    assert title
    assert title[1].startswith("Moderation queue |")
    assert "Thresholds" not in title[1]
    assert "<h1>Moderation queue</h1>" in page
    assert "to view" not in page
    assert '<p class="thresholds">Thresholds in effect: held from score' in page


def test_the_change_page_labels_ip_fields_in_capitals(admin_client_, queued):
    """The comment's IP address reads "IP address", not "Ip address"."""
    page = admin_client_.get(change_page(queued)).content.decode()

    assert "IP address" in page
    assert "Ip address" not in page


@pytest.mark.parametrize("how", ["delete page", "bulk action"])
def test_a_comment_deleted_in_the_admin_leaves_the_cached_thread_at_once(post, how):
    """A superuser's delete moves the thread's stamp: the next read neither shows it nor 304s."""
    kept = CommentFactory(post=post, body_html="<p>Kept for good.</p>")
    doomed = CommentFactory(post=post, body_html="<p>Deleted for good.</p>")
    reader = Client()
    thread = f"/api/v1/posts/{post.slug}/comments/"
    first = reader.get(thread)
    assert doomed.body_html in first.content.decode()
    admin = Client()
    admin.force_login(UserFactory(is_staff=True, is_superuser=True))
    if how == "delete page":
        answer = admin.post(f"{change_page(doomed)[: -len('change/')]}delete/", {"post": "yes"})
    else:
        answer = admin.post(
            QUEUE + "?status=approved",
            {"action": "delete_selected", "_selected_action": [doomed.pk], "post": "yes"},
        )
    assert answer.status_code == 302
    assert not Comment.objects.filter(pk=doomed.pk).exists()
    again = reader.get(thread, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert doomed.body_html not in again.content.decode()
    assert kept.body_html in again.content.decode()
