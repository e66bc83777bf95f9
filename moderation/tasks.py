"""Celery tasks: thin wrappers that take ids, and call the moderation services."""

from celery import shared_task

from comments.tasks import TASK_OPTIONS


@shared_task(name="moderation.score_comment", **TASK_OPTIONS)
def score_comment(comment_id: int, revision: int) -> str | None:
    """Score one revision of a comment and apply the policy (no-op if already done)."""
    from moderation.services import comment_score

    return comment_score(comment_id=comment_id, revision=revision)


@shared_task(name="moderation.learn_from_comment", **TASK_OPTIONS)
def learn_from_comment(comment_id: int) -> str | None:
    """Teach the scorer the label a moderator gave this comment (exactly once)."""
    from moderation.services import comment_learn

    return comment_learn(comment_id=comment_id)


@shared_task(
    name="moderation.learn_imported", **{**TASK_OPTIONS, "soft_time_limit": 600, "time_limit": 660}
)
def learn_imported(comment_ids: list[int]) -> int:
    """Teach the scorer the decisions imported comments came with (Akismet is not told,
    and they are not the site's moderators' evidence about links: `live=False`)."""
    from moderation.services import comment_learn

    for comment_id in comment_ids:
        comment_learn(comment_id=comment_id, tell_akismet=False, live=False)
    return len(comment_ids)


@shared_task(
    name="moderation.import_comments",
    **{**TASK_OPTIONS, "soft_time_limit": 6 * 3600, "time_limit": 6 * 3600 + 60},
)
def import_comments(job_id: int) -> str | None:
    """Run an import started from the admin (a re-run skips what is already saved)."""
    from comments.porting.jobs import import_job_run

    return import_job_run(job_id=job_id)


@shared_task(name="moderation.sweep_unscored", **TASK_OPTIONS)
def sweep_unscored() -> int:
    """Queue again every pending comment that no worker has scored in time."""
    from moderation.services import comments_sweep

    return comments_sweep()


@shared_task(name="moderation.forget_person", **TASK_OPTIONS)
def forget_person(email: str, ips: list[str] | None = None) -> int:
    """Delete a person's e-mail and IP reputation, and those keys from their lessons (GDPR)."""
    from moderation.services import person_forget

    return person_forget(email=email, ips=ips or ())


@shared_task(name="moderation.sanction_follow_up", **TASK_OPTIONS)
def sanction_follow_up(comment_id: int) -> int:
    """Shadow-ban a spammer's e-mail or network once their spam decisions reach the rule."""
    from moderation.sanctions import bans_follow_up

    return len(bans_follow_up(comment_id=comment_id))


@shared_task(name="moderation.cluster_comment", **TASK_OPTIONS)
def cluster_comment(comment_id: int) -> int | None:
    """Put a held comment in its wave's cluster (the queue's clusters page reads them)."""
    from moderation.clusters import comment_cluster

    cluster = comment_cluster(comment_id=comment_id)
    return cluster.pk if cluster is not None else None


@shared_task(name="moderation.comment_event", **TASK_OPTIONS)
def comment_event(comment_id: int, event: str) -> int:
    """Hand one comment event (created, held, approved, ...) to every receiver."""
    from moderation.events import event_fan_out

    return event_fan_out(comment_id=comment_id, event=event)


@shared_task(name="moderation.alerts_digest", **TASK_OPTIONS)
def alerts_digest() -> int:
    """Mail each moderator who chose the digest the comments still waiting for a decision."""
    from moderation.alerts import alerts_digest_send

    return alerts_digest_send()
