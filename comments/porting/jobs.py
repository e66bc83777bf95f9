"""Imports started from the admin, run by the worker: progress on the job row, then the report.

Safe to run twice (a redelivered task): a finished job is left alone, and the import
itself skips what an interrupted run already saved.
"""

import logging
from pathlib import Path

from django.utils import timezone

from comments.comment_rows import ImportedComment
from comments.models import ImportJob
from comments.porting.importer import ImportOptions, comments_import_file
from comments.porting.learning import queue_learning
from comments.porting.records import FileError

logger = logging.getLogger(__name__)


def import_job_run(*, job_id: int) -> str | None:
    """Run the job's import and store its report; return its final state."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.state in (ImportJob.State.DONE, ImportJob.State.FAILED):
        return None
    ImportJob.objects.filter(pk=job_id).update(state=ImportJob.State.RUNNING)
    learned: list[int] = []

    def progress(comments: int, fraction: float) -> None:
        ImportJob.objects.filter(pk=job_id).update(comments_read=comments, progress=fraction)

    def on_saved(saved: list[ImportedComment]) -> None:
        learned.extend(queue_learning(saved))

    try:
        report = comments_import_file(
            path=Path(job.file.path),
            options=ImportOptions(
                format=job.format,
                dry_run=job.dry_run,
                create_posts=job.create_posts,
                site=job.site.strip(),
            ),
            progress=progress,
            on_saved=on_saved if job.learn else None,
        )
    except FileError as exc:
        return _finish(job, state=ImportJob.State.FAILED, error=str(exc))
    report.learned = len(learned)
    job.report, job.report_text = report.as_json(), report.as_text()
    job.comments_read = report.comments
    if report.error:
        return _finish(job, state=ImportJob.State.FAILED, error=report.error)
    job.file.delete(save=False)  # the export holds readers' addresses: not kept once imported
    return _finish(job, state=ImportJob.State.DONE, error="")


def _finish(job: ImportJob, *, state: str, error: str) -> str:
    job.state, job.error, job.finished_at, job.progress = state, error, timezone.now(), 1.0
    job.save(
        update_fields=[
            "state",
            "error",
            "finished_at",
            "progress",
            "report",
            "report_text",
            "comments_read",
        ]
    )
    logger.info("import job %s: %s", job.pk, state)
    return state
