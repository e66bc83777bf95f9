"""The classifier's counts in the database, cached per worker process.

Every worker shares one model: ``ClassifierToken`` rows plus the one ``ClassifierState``
row, whose ``version`` every change bumps. A process keeps the whole model in memory and
reloads it when a cheap ``SELECT version`` says it changed. Writers lock the state row, so
concurrent learners apply their changes one after another.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from moderation.models import ClassifierState, ClassifierToken
from moderation.scoring import DEFAULT_WEIGHTS, Weights
from moderation.scoring.classifier import TokenCounts

logger = logging.getLogger(__name__)

BATCH = 500


# The model's version and last change, as the driver reads them (a string on SQLite).
Stamp = tuple[int, Any]


@dataclass
class _Cached:
    stamp: Stamp | None = None  # the stamp `counts` were loaded at
    counts: TokenCounts | None = None
    row: "_StateRow | None" = None  # the rest of the state row, with the stamp it was read at


_cache = _Cached()


def model_current() -> TokenCounts:
    """Return the shared model, reloading it only when its version changed.

    The stamp is (version, updated_at), so a database restored from a backup (or rolled
    back by a test) is not mistaken for the cached model of the same version number.
    """
    stamp = _stamp_and_calibration()
    if _cache.counts is None or _cache.stamp != stamp:
        _cache.counts = _load()
        _cache.stamp = stamp
        logger.info("classifier model %s loaded: %d tokens", stamp, len(_cache.counts.counts))
    return _cache.counts


def model_forget_cache() -> None:
    """Drop this process's cached copy (tests; after a bulk import in the same process)."""
    _cache.counts, _cache.stamp, _cache.row = None, None, None


def model_add(
    *,
    token_deltas: Mapping[str, tuple[int, int]],
    spam_docs: int,
    ham_docs: int,
    link_decisions: tuple[int, int] = (0, 0),
) -> int:
    """Add per-token (spam, ham) changes and document counts; return the new version.

    Deltas may be negative (unlearning); rows that fall to zero are deleted.
    `link_decisions`: the change to the moderators' (spam, approved) comments with links
    (`moderation.scoring.rules.link_decision`), written with the counts in the same row.
    """
    with transaction.atomic():
        state = _locked_state()
        if state.spam_docs + spam_docs < 0 or state.ham_docs + ham_docs < 0:
            raise ValueError("unlearning more comments than the classifier has learned")
        link_spam, link_ham = link_decisions
        if state.link_spam + link_spam < 0 or state.link_ham + link_ham < 0:
            raise ValueError("unlearning more link decisions than moderators made")
        keys = list(token_deltas)
        for start in range(0, len(keys), BATCH):
            _apply_batch({k: token_deltas[k] for k in keys[start : start + BATCH]})
        state.spam_docs += spam_docs
        state.ham_docs += ham_docs
        state.link_spam += link_spam
        state.link_ham += link_ham
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
    weights: Weights = DEFAULT_WEIGHTS
    expected: dict[str, Any] = field(default_factory=dict)


_CALIBRATION_FIELDS = (
    *("calibrated_hold", "calibrated_spam", "calibrated_examples", "calibrated_at"),
    *("calibrated_weights", "calibrated_expected"),
)


@dataclass(frozen=True)
class _StateRow:
    """What scoring reads of the state row besides the counts, and the stamp it was read at."""

    stamp: Stamp | None
    calibration: Calibrated | None = None
    link_decisions: tuple[int, int] = (0, 0)  # moderators' link comments: spam, approved


def calibration_current(*, recent: bool = False) -> Calibrated | None:
    """Return the stored calibrated thresholds, or None if `train_spam` never calibrated.

    Read with the version stamp in one small query. `recent`: a scoring that has just
    checked the model's stamp (`model_current`) takes what that query read, no new query.
    """
    return _state_row(recent).calibration


def link_decisions_current(*, recent: bool = False) -> tuple[int, int]:
    """Return the comments with links the site's moderators marked spam and approved.

    Live decisions only (`moderation.services.learning.comment_learn`). Read with the
    version stamp; `recent`: a scoring that has just checked the model's stamp takes what
    that query read, no new query.
    """
    return _state_row(recent).link_decisions


def _state_row(recent: bool) -> _StateRow:
    if not recent or _cache.row is None:
        _stamp_and_calibration()
    return _cache.row or _StateRow(stamp=None)


def _stamp_and_calibration() -> Stamp | None:
    """Return the model's version stamp, remembering the calibration and the moderators'
    link decisions stored with it.

    The stamp is one plain statement (a scoring asks it every time); the rest of the row is
    read only when the stamp moved since it was last read: every writer bumps the version.
    """
    stamp = _stamp()
    if stamp is None:
        _cache.row = _StateRow(stamp=None)
    elif _cache.row is None or _cache.row.stamp != stamp:
        _cache.row = _read_row(stamp)  # read after the stamp: a newer row reads again
    return stamp


def _stamp() -> Stamp | None:
    """Return (version, updated_at) of the model, as the driver gives them, or None."""
    q = connection.ops.quote_name
    table = q(ClassifierState._meta.db_table)
    # Names from the model, quoted; nothing else goes into the text.
    sql = f"SELECT {q('version')}, {q('updated_at')} FROM {table} WHERE {q('id')} = 1"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return None if row is None else (row[0], row[1])


def _read_row(stamp: Stamp) -> _StateRow:
    row = (
        ClassifierState.objects.filter(pk=1)
        .values_list(*_CALIBRATION_FIELDS, "link_spam", "link_ham")
        .first()
    )
    if row is None:  # deleted since the stamp was read: as if never trained
        return _StateRow(stamp=None)
    hold, spam, examples, at, weights, expected, link_spam, link_ham = row
    calibrated = (
        None
        if hold is None or spam is None
        else Calibrated(hold, spam, examples, at, _weights(weights), expected or {})
    )
    return _StateRow(stamp, calibrated, (link_spam, link_ham))


def _weights(stored: Mapping[str, Any] | None) -> Weights:
    """Return the weights stored as {"prior": x, "scales": {...}}, or the defaults."""
    if not stored or "prior" not in stored:
        return DEFAULT_WEIGHTS
    return Weights(prior=float(stored["prior"]), scales=dict(stored.get("scales", {})))


def weights_current(*, recent: bool = False) -> Weights:
    """Return the weights `train_spam` fitted with the calibration, or the defaults."""
    calibrated = calibration_current(recent=recent)
    return DEFAULT_WEIGHTS if calibrated is None else calibrated.weights


def calibration_store(
    *,
    hold: float,
    spam: float,
    examples: int,
    weights: Weights = DEFAULT_WEIGHTS,
    expected: Mapping[str, Any] | None = None,
) -> None:
    """Store calibrated thresholds and weights and bump the version: every worker reads them."""
    with transaction.atomic():
        state = _locked_state()
        state.calibrated_hold, state.calibrated_spam = hold, spam
        state.calibrated_weights = {"prior": weights.prior, "scales": dict(weights.scales)}
        state.calibrated_expected = dict(expected or {})
        state.calibrated_examples = examples
        state.calibrated_at = timezone.now()
        state.version += 1
        state.save()
