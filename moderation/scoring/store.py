"""The classifier's counts in the database, cached per worker process.

Every worker shares one model: ``ClassifierToken`` rows plus the one ``ClassifierState``
row, whose ``version`` every change bumps. A process keeps the whole model in memory and
reloads it when a cheap ``SELECT version`` says it changed. Writers lock the state row, so
concurrent learners apply their changes one after another.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from moderation.models import ClassifierState, ClassifierToken
from moderation.scoring.classifier import TokenCounts

logger = logging.getLogger(__name__)

BATCH = 500


@dataclass
class _Cached:
    stamp: tuple[int, datetime] | None = None
    counts: TokenCounts | None = None


_cache = _Cached()


def model_current() -> TokenCounts:
    """Return the shared model, reloading it only when its version changed.

    The stamp is (version, updated_at), so a database restored from a backup (or rolled
    back by a test) is not mistaken for the cached model of the same version number.
    """
    stamp = ClassifierState.objects.filter(pk=1).values_list("version", "updated_at").first()
    if _cache.counts is None or _cache.stamp != stamp:
        _cache.counts = _load()
        _cache.stamp = stamp
        logger.info("classifier model %s loaded: %d tokens", stamp, len(_cache.counts.counts))
    return _cache.counts


def model_forget_cache() -> None:
    """Drop this process's cached copy (tests; after a bulk import in the same process)."""
    _cache.counts, _cache.stamp = None, None
    _calibrated.clear()


def model_add(*, token_deltas: Mapping[str, tuple[int, int]], spam_docs: int, ham_docs: int) -> int:
    """Add per-token (spam, ham) changes and document counts; return the new version.

    Deltas may be negative (unlearning); rows that fall to zero are deleted.
    """
    with transaction.atomic():
        state = _locked_state()
        if state.spam_docs + spam_docs < 0 or state.ham_docs + ham_docs < 0:
            raise ValueError("unlearning more comments than the classifier has learned")
        keys = list(token_deltas)
        for start in range(0, len(keys), BATCH):
            _apply_batch({k: token_deltas[k] for k in keys[start : start + BATCH]})
        state.spam_docs += spam_docs
        state.ham_docs += ham_docs
        state.version += 1
        state.save()
    return state.version


def _locked_state() -> ClassifierState:
    ClassifierState.objects.get_or_create(pk=1)
    return ClassifierState.objects.select_for_update().get(pk=1)


def _apply_batch(deltas: Mapping[str, tuple[int, int]]) -> None:
    rows = {row.token: row for row in ClassifierToken.objects.filter(token__in=list(deltas))}
    changed: list[ClassifierToken] = []
    created: list[ClassifierToken] = []
    emptied: list[int] = []
    for token, (d_spam, d_ham) in deltas.items():
        row = rows.get(token) or ClassifierToken(token=token)
        row.spam, row.ham = max(row.spam + d_spam, 0), max(row.ham + d_ham, 0)
        if row.pk is None:
            if row.spam or row.ham:
                created.append(row)
        elif row.spam or row.ham:
            changed.append(row)
        else:
            emptied.append(row.pk)
    ClassifierToken.objects.bulk_create(created, batch_size=BATCH)
    ClassifierToken.objects.bulk_update(changed, ["spam", "ham"], batch_size=BATCH)
    ClassifierToken.objects.filter(pk__in=emptied).delete()


def _load() -> TokenCounts:
    state = ClassifierState.objects.filter(pk=1).first()
    counts = TokenCounts(
        spam_docs=state.spam_docs if state else 0, ham_docs=state.ham_docs if state else 0
    )
    rows = ClassifierToken.objects.values_list("token", "spam", "ham").iterator(chunk_size=5000)
    counts.counts = {token: (spam, ham) for token, spam, ham in rows}
    return counts


@dataclass(frozen=True)
class Calibrated:
    """The thresholds `train_spam` stored, from how many labelled comments, and when."""

    hold: float
    spam: float
    examples: int = 0
    at: datetime | None = None


_calibrated: dict[tuple[int, datetime], Calibrated | None] = {}


def calibration_current() -> Calibrated | None:
    """Return the stored calibrated thresholds (None if never calibrated), cached per stamp.

    One cheap query for the version stamp; the fields are read again only when it changed.
    """
    stamp = ClassifierState.objects.filter(pk=1).values_list("version", "updated_at").first()
    if stamp is None:
        return None
    if stamp not in _calibrated:
        row = (
            ClassifierState.objects.filter(pk=1)
            .values_list(
                "calibrated_hold", "calibrated_spam", "calibrated_examples", "calibrated_at"
            )
            .first()
        )
        _calibrated.clear()
        _calibrated[stamp] = (
            Calibrated(row[0], row[1], row[2], row[3])
            if row is not None and row[0] is not None and row[1] is not None
            else None
        )
    return _calibrated[stamp]


def calibration_store(*, hold: float, spam: float, examples: int) -> None:
    """Store calibrated thresholds and bump the version, so every worker reads them."""
    with transaction.atomic():
        state = _locked_state()
        state.calibrated_hold, state.calibrated_spam = hold, spam
        state.calibrated_examples = examples
        state.calibrated_at = timezone.now()
        state.version += 1
        state.save()
