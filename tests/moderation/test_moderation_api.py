"""The moderation API: queue, full detail, decisions one by one or in bulk; moderators only."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from comments.models import Comment, Status
from tests.contract import MODERATION_COMMENT_FIELDS, POST_FIELDS
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "/api/v1/moderation/comments/"
BULK = "/api/v1/moderation/comments/bulk/"
# Beyond the contract's list: the post by slug, the type and the import source (it may grow).
EXTRA_FIELDS = {"post", "type", "source"}


def detail(comment: Comment | int) -> str:
    return f"{QUEUE}{getattr(comment, 'pk', comment)}/"


def action(comment: Comment | int, name: str) -> str:
    return f"{detail(comment)}{name}/"


def ids(answer) -> list[int]:
    return [item["id"] for item in answer.json()["results"]]


def learning(published: list[tuple[str, tuple]]) -> list[tuple]:
    """The comment ids of every learning message sent to the broker."""
    return [args for name, args in published if name == "moderation.learn_from_comment"]


@pytest.fixture
def pending(post) -> Comment:
    return CommentFactory(
        post=post,
        status=Status.PENDING,
        author_email="ann@example.org",
        ip_address="198.51.100.7",
        user_agent="Firefox/140",
        body_source="Buy **now**",
        body_html="<p>Buy <strong>now</strong></p>",
        spam_score=0.42,
        spam_reasons=["2 links", "new author"],
    )


# --- who may use it


def every_endpoint(comment: Comment) -> list[tuple[str, str, dict]]:
    return [
        ("get", QUEUE, {}),
        ("get", detail(comment), {}),
        *[("post", action(comment, name), {}) for name in ("approve", "reject", "spam", "ham")],
        ("post", BULK, {"ids": [comment.pk], "action": "approve"}),
    ]


def test_anonymous_callers_get_401_everywhere(api, pending):
    """Without credentials every moderation endpoint answers 401 and changes nothing."""
    for method, path, data in every_endpoint(pending):
        answer = getattr(api, method)(path, data, format="json")
        assert answer.status_code == 401, (method, path)
        assert answer["WWW-Authenticate"].startswith("Token")
    assert Comment.objects.get(pk=pending.pk).status == Status.PENDING


def test_ordinary_users_get_403_everywhere(user_api, pending):
    """A signed-in reader who is not a moderator gets 403 with a reason."""
    for method, path, data in every_endpoint(pending):
        answer = getattr(user_api, method)(path, data, format="json")
        assert answer.status_code == 403, (method, path)
        assert answer.json()["detail"] == "Only moderators may do this."
    assert Comment.objects.get(pk=pending.pk).status == Status.PENDING


def test_a_bad_token_is_401(api, pending):
    """A token that does not exist is refused with 401."""
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert api.get(QUEUE).status_code == 401


def test_a_moderator_uses_the_api_with_a_token(moderator_api, pending):
    """A member of the moderators group with a DRF token reads the queue (200)."""
    assert moderator_api.get(QUEUE).status_code == 200


def test_a_moderator_uses_the_api_with_a_session(moderator, pending):
    """A moderator signed in to the site uses the API with their session and CSRF token."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(moderator)
    assert client.get(QUEUE).status_code == 200
    assert client.post(action(pending, "approve")).status_code == 403  # no CSRF token
    client.get("/admin/login/")
    csrf = client.cookies["csrftoken"].value
    answer = client.post(action(pending, "approve"), HTTP_X_CSRFTOKEN=csrf)
    assert answer.status_code == 200
    assert answer.json()["status"] == "approved"


def test_staff_users_are_moderators_too(pending):
    """Staff accounts moderate without being in the group."""
    client = APIClient()
    client.force_authenticate(UserFactory(username="editor", is_staff=True))
    assert client.get(QUEUE).status_code == 200


def test_leaving_the_group_takes_the_right_away(moderator, pending):
    """A user removed from `moderators` is refused at once."""
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=moderator)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    moderator.groups.remove(Group.objects.get(name="moderators"))
    assert client.get(QUEUE).status_code == 403


# --- the queue


def test_the_queue_is_paginated_with_counts(moderator_api, post):
    """The queue pages like DRF's page-number pagination: count, next, previous, results."""
    for _ in range(55):
        CommentFactory(post=post, status=Status.PENDING)
    first = moderator_api.get(QUEUE).json()
    assert first["count"] == 55
    assert len(first["results"]) == 50
    assert first["previous"] is None
    second = moderator_api.get(first["next"]).json()
    assert len(second["results"]) == 5
    assert moderator_api.get(f"{QUEUE}?page=99").status_code == 404


def test_the_queue_filters_by_status_and_post(moderator_api, post):
    """`?status=` and `?post=` narrow the queue, alone or together."""
    other = PostFactory(slug="other")
    waiting = CommentFactory(post=post, status=Status.PENDING)
    CommentFactory(post=post, status=Status.APPROVED)
    elsewhere = CommentFactory(post=other, status=Status.PENDING)
    spam = CommentFactory(post=other, status=Status.SPAM)
    assert sorted(ids(moderator_api.get(f"{QUEUE}?status=pending"))) == [waiting.pk, elsewhere.pk]
    assert ids(moderator_api.get(f"{QUEUE}?status=spam")) == [spam.pk]
    assert sorted(ids(moderator_api.get(f"{QUEUE}?post=other"))) == [elsewhere.pk, spam.pk]
    assert ids(moderator_api.get(f"{QUEUE}?post=other&status=pending")) == [elsewhere.pk]
    assert ids(moderator_api.get(f"{QUEUE}?post=nope")) == []
    assert len(ids(moderator_api.get(QUEUE))) == 4


def test_the_queue_orders_by_score_or_by_age(moderator_api, post):
    """`?ordering=-spam_score` puts the likeliest spam first; `created_at` the oldest first."""
    low = CommentFactory(post=post, status=Status.PENDING, spam_score=0.1)
    high = CommentFactory(post=post, status=Status.PENDING, spam_score=0.9)
    mid = CommentFactory(post=post, status=Status.PENDING, spam_score=0.5)
    assert ids(moderator_api.get(f"{QUEUE}?ordering=-spam_score")) == [high.pk, mid.pk, low.pk]
    assert ids(moderator_api.get(f"{QUEUE}?ordering=spam_score")) == [low.pk, mid.pk, high.pk]
    assert ids(moderator_api.get(f"{QUEUE}?ordering=created_at")) == [low.pk, high.pk, mid.pk]
    assert ids(moderator_api.get(QUEUE)) == [mid.pk, high.pk, low.pk]


@pytest.mark.parametrize(
    "query",
    [
        "status=published",
        "status=",
        "ordering=author_email",
        "ordering=-ip_address",
        "ordering=",
        "page=abc",
    ],
)
def test_a_bad_filter_or_ordering_is_a_400_naming_the_choices(moderator_api, post, query):
    """Unknown statuses and orderings are refused with the allowed values (bad page: 404)."""
    CommentFactory(post=post, status=Status.PENDING)
    answer = moderator_api.get(f"{QUEUE}?{query}")
    if query.startswith("page"):
        assert answer.status_code == 404
        return
    assert answer.status_code == 400
    [(field, [message])] = answer.json().items()
    assert field in query
    assert "Choose one of" in message


@pytest.mark.parametrize("query", ["post=%00", "status=pending&post=a%00", "ordering=%00"])
def test_a_nul_in_a_filter_is_a_400(moderator_api, post, query):
    """A NUL character in a queue filter answers 400 in every database, never a 500."""
    assert moderator_api.get(f"{QUEUE}?{query}").status_code == 400


# --- one comment in full


def test_the_detail_shows_everything_a_moderator_needs(moderator_api, pending):
    """The record holds the public fields plus status, private data, score, reasons, history."""
    answer = moderator_api.get(detail(pending))
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == MODERATION_COMMENT_FIELDS | EXTRA_FIELDS
    assert body["status"] == "pending"
    assert body["author_email"] == "ann@example.org"
    assert body["ip_address"] == "198.51.100.7"
    assert body["user_agent"] == "Firefox/140"
    assert body["body_source"] == "Buy **now**"
    assert body["body_html"] == "<p>Buy <strong>now</strong></p>"
    assert isinstance(body["spam_score"], float)
    assert 0 <= body["spam_score"] <= 1
    assert body["spam_reasons"] == ["2 links", "new author"]
    assert body["moderated_by"] is None
    assert body["moderated_at"] is None
    assert body["history"] == []
    assert body["post"] == "hello-world"


def test_an_unscored_comment_has_a_null_score(moderator_api, post):
    """Until the worker scores it, spam_score and scored_at are null and reasons empty."""
    comment = CommentFactory(post=post, status=Status.PENDING)
    body = moderator_api.get(detail(comment)).json()
    assert body["spam_score"] is None
    assert body["scored_at"] is None
    assert body["spam_reasons"] == []


def test_the_detail_of_an_unknown_comment_is_404(moderator_api, db):
    """An id that names no comment answers 404."""
    assert moderator_api.get(detail(987654)).status_code == 404
    assert moderator_api.get(detail(10**25)).status_code == 404


# --- decisions


@pytest.mark.parametrize(
    ("name", "status"),
    [("approve", "approved"), ("reject", "rejected"), ("spam", "spam"), ("ham", "approved")],
)
def test_each_action_sets_the_status_records_it_and_queues_learning(
    moderator_api,
    moderator,
    pending,
    name,
    status,
    django_capture_on_commit_callbacks,
    published_tasks,
):
    """approve, reject, spam and ham answer the new record, with history and moderator."""
    with django_capture_on_commit_callbacks(execute=True):
        answer = moderator_api.post(action(pending, name), {"reason": "checked"}, format="json")
        assert learning(published_tasks) == []
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert set(body) == MODERATION_COMMENT_FIELDS | EXTRA_FIELDS
    assert body["status"] == status
    assert body["moderated_by"] == moderator.username
    assert body["moderated_at"] is not None
    [entry] = body["history"]
    assert entry["actor"] == moderator.username
    assert entry["from_status"] == "pending"
    assert entry["to"] == status
    assert entry["reason"] == "checked"
    assert entry["at"]
    assert Comment.objects.get(pk=pending.pk).status == status
    assert learning(published_tasks) == [(pending.pk,)]


def test_an_approved_comment_appears_publicly(moderator_api, api, pending):
    """After approve, the comment is in the public thread and counts."""
    moderator_api.post(action(pending, "approve"))
    assert [c["id"] for c in api.get("/api/v1/posts/hello-world/comments/").json()["results"]] == [
        pending.pk
    ]
    assert api.get("/api/v1/counts/?post=hello-world").json() == {"hello-world": 1}


def test_a_moderator_can_change_their_mind(moderator_api, pending):
    """Spam, then ham: the comment ends approved and both decisions are in its history."""
    moderator_api.post(action(pending, "spam"))
    body = moderator_api.post(action(pending, "ham")).json()
    assert body["status"] == "approved"
    assert [(h["from_status"], h["to"]) for h in body["history"]] == [
        ("pending", "spam"),
        ("spam", "approved"),
    ]


def test_an_action_without_a_reason_records_a_default_one(moderator_api, pending):
    """A decision with no reason is recorded as 'moderator: <action>'."""
    body = moderator_api.post(action(pending, "reject")).json()
    assert body["history"][-1]["reason"] == "moderator: reject"


@pytest.mark.parametrize("name", ["publish", "delete", "APPROVE", "approve2"])
def test_an_unknown_action_is_404(moderator_api, pending, name):
    """Only approve, reject, spam and ham exist; anything else answers 404."""
    answer = moderator_api.post(action(pending, name))
    assert answer.status_code == 404
    assert Comment.objects.get(pk=pending.pk).status == Status.PENDING


def test_an_action_on_an_unknown_comment_is_404(moderator_api, db):
    """Deciding on an id that names no comment answers 404."""
    assert moderator_api.post(action(987654, "approve")).status_code == 404


@pytest.mark.parametrize("raw", [b"not json", b"[1]", b'{"reason": {"a": 1}}', b'{"reason": null}'])
def test_a_malformed_action_body_is_400(moderator_api, pending, raw):
    """An action body that is not an object with a text reason answers 400."""
    answer = moderator_api.generic(
        "POST", action(pending, "approve"), raw, content_type="application/json"
    )
    assert answer.status_code == 400
    assert Comment.objects.get(pk=pending.pk).status == Status.PENDING


def test_a_reason_over_500_characters_is_400(moderator_api, pending):
    """The reason is stored in the history; too long a reason is refused on `reason`."""
    answer = moderator_api.post(action(pending, "reject"), {"reason": "r" * 501}, format="json")
    assert answer.status_code == 400
    assert list(answer.json()) == ["reason"]


# --- bulk


def test_bulk_applies_one_action_to_many_comments(
    moderator_api, moderator, post, django_capture_on_commit_callbacks, published_tasks
):
    """{"ids": [...], "action": "spam"} marks them all, records each, answers the records."""
    comments = [CommentFactory(post=post, status=Status.PENDING) for _ in range(3)]
    wanted = [c.pk for c in comments]
    with django_capture_on_commit_callbacks(execute=True):
        answer = moderator_api.post(BULK, {"ids": wanted, "action": "spam"}, format="json")
    assert answer.status_code == 200, answer.content
    assert [c["id"] for c in answer.json()] == wanted
    assert {c["status"] for c in answer.json()} == {"spam"}
    for comment in Comment.objects.filter(pk__in=wanted):
        assert comment.status == Status.SPAM
        assert comment.moderated_by == moderator
        assert comment.history.get().to_status == Status.SPAM
    assert sorted(learning(published_tasks)) == [(pk,) for pk in wanted]


@pytest.mark.parametrize("name", ["approve", "reject", "ham"])
def test_bulk_takes_every_action(moderator_api, post, name):
    """Bulk accepts approve, reject and ham as well."""
    comment = CommentFactory(post=post, status=Status.PENDING)
    answer = moderator_api.post(BULK, {"ids": [comment.pk], "action": name}, format="json")
    assert answer.status_code == 200
    assert (
        answer.json()[0]["status"]
        == {"approve": "approved", "reject": "rejected", "ham": "approved"}[name]
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"ids": [], "action": "approve"}, "ids"),
        ({"ids": "1,2", "action": "approve"}, "ids"),
        ({"ids": ["x"], "action": "approve"}, "ids"),
        ({"ids": [0], "action": "approve"}, "ids"),
        ({"ids": [-3], "action": "approve"}, "ids"),
        ({"ids": [2**70], "action": "approve"}, "ids"),
        ({"ids": [None], "action": "approve"}, "ids"),
        ({"ids": [{"id": 1}], "action": "approve"}, "ids"),
        ({"ids": list(range(1, 502)), "action": "approve"}, "ids"),
        ({"ids": [987654], "action": "approve"}, "ids"),
        ({"action": "approve"}, "ids"),
        ({"ids": [1]}, "action"),
        ({"ids": [1], "action": "publish"}, "action"),
        ({"ids": [1], "action": None}, "action"),
    ],
)
def test_bad_bulk_requests_are_400_on_the_field(moderator_api, pending, payload, field):
    """Bad or unknown ids and unknown actions are refused, and nothing changes."""
    payload = {**payload}
    if payload.get("ids") == [1]:
        payload["ids"] = [pending.pk]
    answer = moderator_api.post(BULK, payload, format="json")
    assert answer.status_code == 400, answer.content
    assert field in answer.json()
    assert Comment.objects.get(pk=pending.pk).status == Status.PENDING


def test_bulk_with_one_unknown_id_changes_nothing(moderator_api, pending):
    """If any id names no comment, the answer lists it and no comment is decided."""
    answer = moderator_api.post(
        BULK, {"ids": [pending.pk, 987654], "action": "approve"}, format="json"
    )
    assert answer.status_code == 400
    assert "987654" in answer.json()["ids"][0]
    assert Comment.objects.get(pk=pending.pk).status == Status.PENDING


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[1, 2]",
        b"null",
        b'"approve"',
        b'{"ids": [1], "action": "\\ud800"}',
        b'{"ids": ["\\udfff"], "action": "approve"}',
        b'{"\\ud800": 1}',
    ],
)
def test_a_malformed_bulk_body_is_400(moderator_api, pending, raw):
    """A bulk body that is not a JSON object answers 400."""
    answer = moderator_api.generic("POST", BULK, raw, content_type="application/json")
    assert answer.status_code == 400


# --- posts: readers list them, moderators create and close them


def test_published_posts_are_listed_for_everyone(api):
    """GET /api/v1/posts/ lists published posts, paginated, without drafts."""
    PostFactory(slug="live")
    PostFactory(slug="draft", is_draft=True)
    body = api.get("/api/v1/posts/").json()
    assert body["count"] == 1
    assert [p["slug"] for p in body["results"]] == ["live"]


def test_a_post_shows_its_comment_state(api, post):
    """GET /api/v1/posts/{slug}/ gives exactly the contract's fields with its approved count."""
    CommentFactory(post=post)
    CommentFactory(post=post, status=Status.PENDING)
    body = api.get("/api/v1/posts/hello-world/").json()
    assert set(body) == POST_FIELDS
    assert body["comment_count"] == 1
    assert body["comments_open"] is True
    assert body["url"] == "http://testserver/posts/hello-world/"
    assert api.get("/api/v1/posts/nope/").status_code == 404


def test_a_moderator_creates_a_post(moderator_api, api, user_api, db):
    """POST /api/v1/posts/ creates a post (201, Location); readers get 401/403."""
    new = {"title": "Fresh", "slug": "fresh", "body": "Hello *there*", "comments_enabled": True}
    assert api.post("/api/v1/posts/", new, format="json").status_code == 401
    assert user_api.post("/api/v1/posts/", new, format="json").status_code == 403
    answer = moderator_api.post("/api/v1/posts/", new, format="json")
    assert answer.status_code == 201, answer.content
    assert answer["Location"] == "http://testserver/api/v1/posts/fresh/"
    assert answer.json()["slug"] == "fresh"
    assert moderator_api.post("/api/v1/posts/", new, format="json").status_code == 400
    bad = moderator_api.post("/api/v1/posts/", {**new, "slug": "no spaces!"}, format="json")
    assert bad.status_code == 400
    assert "slug" in bad.json()


@pytest.mark.parametrize(
    "raw",
    [
        b'{"title": "T", "slug": "t", "body": "b", "moderation_mode": "\\ud800"}',
        b'{"title": "\\ud800", "slug": "t\\u0000", "body": null}',
        b'{"title": "T", "slug": "t", "body": "b", "published_at": "2026-13-45"}',
        b'{"title": "T", "slug": "t", "body": "b", "close_comments_after_days": -1}',
        b"[]",
        b"not json",
    ],
)
def test_a_bad_post_is_400_never_500(moderator_api, db, raw):
    """Bad values for a new post, even ones DRF echoes back, answer 400."""
    answer = moderator_api.generic("POST", "/api/v1/posts/", raw, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()


def test_a_moderator_closes_and_reopens_comments(moderator_api, api, user_api, post):
    """PATCH comments_enabled closes the post to new comments (403) and opens it again."""
    path = "/api/v1/posts/hello-world/"
    assert api.patch(path, {"comments_enabled": False}, format="json").status_code == 401
    assert user_api.patch(path, {"comments_enabled": False}, format="json").status_code == 403
    closed = moderator_api.patch(path, {"comments_enabled": False}, format="json")
    assert closed.status_code == 200
    assert closed.json()["comments_open"] is False
    comment = {"author_name": "Ann", "author_email": "ann@example.org", "body": "Hi there."}
    assert api.post(f"{path}comments/", comment, format="json").status_code == 403
    assert moderator_api.patch(path, {"comments_enabled": True}, format="json").json()[
        "comments_open"
    ]
    assert api.post(f"{path}comments/", comment, format="json").status_code == 201
    assert moderator_api.patch("/api/v1/posts/nope/", {}, format="json").status_code == 404
