"""The admin's import page: upload, the worker imports, the page shows the report; --learn."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from comments.models import Comment, ImportJob, Status
from moderation.models import Lesson
from moderation.tasks import import_comments, learn_imported
from tests.comments.porting.conftest import FIXTURES, run_import
from tests.factories import PostFactory, UserFactory
from tests.workers import wait_for

ADD = "/admin/comments/importjob/add/"


@pytest.fixture
def staff_client(db: None) -> Client:
    user = UserFactory(username="importer", is_staff=True)
    group, _ = Group.objects.get_or_create(name="moderators")
    group.permissions.add(Permission.objects.get(codename="moderate_comment"))
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    return client


def upload(client: Client, **options: object) -> ImportJob:
    data = {"file": SimpleUploadedFile("export.xml", (FIXTURES / "wordpress.xml").read_bytes())}
    response = client.post(ADD, {"format": "auto", **data, **options}, follow=True)
    assert response.status_code == 200, response.content
    return ImportJob.objects.get()


def test_an_upload_is_queued_for_the_worker_after_commit(
    staff_client: Client, django_capture_on_commit_callbacks: object
) -> None:
    """Saving the form stores the file and queues one import task, once committed."""
    PostFactory(slug="moderating-without-burnout", extra={"wordpress_id": 4127})
    with django_capture_on_commit_callbacks() as callbacks:  # type: ignore[operator]
        job = upload(staff_client)
    assert len(callbacks) == 1
    assert job.state == ImportJob.State.QUEUED
    assert Path(job.file.path).is_file()


def test_the_job_imports_and_the_page_shows_the_report(staff_client: Client) -> None:
    """The task runs the import, keeps the report, drops the upload; the page shows it."""
    PostFactory(slug="moderating-without-burnout", extra={"wordpress_id": 4127})
    job = upload(staff_client, create_posts="on")
    path = Path(job.file.path)
    assert import_comments(job.pk) == ImportJob.State.DONE
    job.refresh_from_db()
    assert job.report["comments"] == 12
    assert Comment.objects.count() == 12
    assert not path.exists()
    page = staff_client.get(f"/admin/comments/importjob/{job.pk}/change/").content.decode()
    assert "12 comments read (wxr)" in page
    assert 'value="1.000" max="1"></progress> 12 comments read' in page
    assert import_comments(job.pk) is None  # a redelivered task changes nothing


def test_the_site_field_keeps_a_second_blogs_ids_apart(staff_client: Client) -> None:
    """The form's Site field reaches the import: ids taken by another blog do not clash."""
    PostFactory(slug="moderating-without-burnout", extra={"wordpress_id": 4127})
    run_import(FIXTURES / "wordpress.xml")
    Comment.objects.update(post=PostFactory(slug="first-blog"))  # the first blog's post
    job = upload(staff_client, site="oldblog")
    assert import_comments(job.pk) == ImportJob.State.DONE
    job.refresh_from_db()
    assert (job.report["created"], job.report["clashes"]) == (10, 0)
    assert Comment.objects.filter(source_id__startswith="oldblog:").count() == 10


def test_a_broken_upload_fails_with_the_reason(staff_client: Client) -> None:
    """A file that is no export ends the job as failed, saying why."""
    response = staff_client.post(
        ADD, {"format": "auto", "file": SimpleUploadedFile("x.txt", b"hello")}, follow=True
    )
    assert response.status_code == 200
    job = ImportJob.objects.get()
    assert import_comments(job.pk) == ImportJob.State.FAILED
    job.refresh_from_db()
    assert "not a format this importer knows" in job.error


def test_readers_cannot_open_the_import_page(db: None) -> None:
    """A logged-in user who is not a moderator (not staff, not in the group) is refused."""
    client = Client()
    client.force_login(UserFactory(username="reader"))
    assert client.get(ADD).status_code in (302, 403)


def test_learn_teaches_the_imported_decisions_without_telling_akismet(
    db: None, django_capture_on_commit_callbacks: object, settings: object
) -> None:
    """Imported spam and approved comments (not pingbacks) become lessons, exactly once."""
    settings.MODERATION = {"AKISMET_API_KEY": "key-that-must-not-be-used"}  # type: ignore[attr-defined]
    PostFactory(slug="moderating-without-burnout", extra={"wordpress_id": 4127})
    with django_capture_on_commit_callbacks() as callbacks:  # type: ignore[operator]
        report = run_import(FIXTURES / "wordpress.xml", "--learn")
    assert report["learned"] == 3
    assert callbacks  # queued once each saved batch commits, never before
    learned = list(
        Comment.objects.filter(
            status__in=[Status.SPAM, Status.APPROVED], type="comment"
        ).values_list("pk", flat=True)
    )
    with django_capture_on_commit_callbacks() as akismet:  # type: ignore[operator]
        learn_imported(learned)
        learn_imported(learned)
    assert akismet == []
    labels = sorted(Lesson.objects.values_list("label", flat=True))
    assert labels == ["ham", "ham", "spam"]


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_uploaded_import(celery_worker: object) -> None:
    """Through the broker: the page's upload is imported by a separate worker process."""
    PostFactory(slug="moderating-without-burnout", extra={"wordpress_id": 4127})
    user = UserFactory(username="boss", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    job = upload(client)
    done = wait_for(
        lambda: ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.DONE).first(),
        timeout=60,
        message=f"import never finished; worker log:\n{celery_worker.log()}",  # type: ignore[attr-defined]
    )
    assert done.report["created"] == 10
