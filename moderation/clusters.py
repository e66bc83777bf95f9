"""Waves, not comments: group held comments into clusters as the worker scores them.

A held comment gets a fingerprint (MinHash signature, link domains) and lookup keys (its
bands, link domains and network). Queued comments sharing a key are candidates; it joins
their cluster when the texts are near-duplicates (similarity >= TEXT_SIMILARITY), or
alike (>= LINKED_SIMILARITY) and sharing a link domain or network. Clusters found to be
one are merged. Listing answers in constant queries: what members share is stored.
"""

import logging
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet

from comments.models import Comment, Status
from moderation import clustering
from moderation.models import Cluster, Fingerprint, FingerprintKey
from moderation.scoring.facts import reputation_keys
from moderation.services.decisions import ACTIONS, comments_moderate

logger = logging.getLogger(__name__)

TEXT_SIMILARITY = 0.5
LINKED_SIMILARITY = 0.25
MAX_CANDIDATES = 100
SHARED_TOP = 5
QUEUED = Q(comment__status=Status.PENDING)


class Match(NamedTuple):
    """A queued fingerprint alike enough to share a cluster, and its cluster (if any)."""

    pk: int
    cluster_id: int | None


def comment_cluster(*, comment_id: int) -> Cluster | None:
    """Fingerprint a held comment and put it in its wave's cluster; return that cluster.

    Safe to run twice: a comment already fingerprinted keeps its cluster.
    """
    comment = Comment.objects.filter(
        pk=comment_id, status=Status.PENDING, scored_at__isnull=False
    ).first()
    if comment is None:
        return None
    with transaction.atomic():
        existing = Fingerprint.objects.select_for_update().filter(comment=comment).first()
        if existing is not None:
            return existing.cluster
        mine, keys = _fingerprint(comment)
        matched = _matches(mine, keys)
        if not matched:
            return None
        cluster = _join(mine, matched)
    return cluster


def _fingerprint(comment: Comment) -> tuple[Fingerprint, list[str]]:
    sig = clustering.signature(comment.body_source)
    domains = sorted(key for kind, key in reputation_keys(comment) if kind == "domain")
    mine = Fingerprint.objects.create(comment=comment, signature=sig, domains=domains)
    keys = [*clustering.band_keys(sig), *(f"d:{d}" for d in domains)]
    if comment.ip_network:
        keys.append(f"n:{comment.ip_network}")
    FingerprintKey.objects.bulk_create([FingerprintKey(fingerprint=mine, key=k) for k in keys])
    return mine, keys


def _matches(mine: Fingerprint, keys: list[str]) -> list[Match]:
    """Return the queued fingerprints alike enough to be in one wave with `mine`."""
    ids = (
        FingerprintKey.objects.filter(key__in=keys)
        .exclude(fingerprint=mine)
        .filter(fingerprint__comment__status=Status.PENDING)
        .order_by("-fingerprint_id")
        .values_list("fingerprint_id", flat=True)
        .distinct()[:MAX_CANDIDATES]
    )
    candidates = Fingerprint.objects.filter(pk__in=list(ids)).values_list(
        "pk", "cluster_id", "signature", "domains", "comment__ip_network"
    )
    network, domains = mine.comment.ip_network, set(mine.domains)
    found = []
    for pk, cluster_id, sig, their_domains, their_network in candidates:
        alike = clustering.similarity(mine.signature, sig)
        linked = bool(domains & set(their_domains)) or bool(network and their_network == network)
        if alike >= TEXT_SIMILARITY or (linked and alike >= LINKED_SIMILARITY):
            found.append(Match(pk, cluster_id))
    return found


def _join(mine: Fingerprint, matched: list[Match]) -> Cluster:
    """Put `mine` and its matches in one cluster (the largest of theirs), merging others."""
    clusters = {f.cluster_id for f in matched if f.cluster_id is not None}
    if clusters:
        cluster = Cluster.objects.select_for_update().filter(pk__in=clusters).order_by("-size")[0]
        Fingerprint.objects.filter(cluster_id__in=clusters - {cluster.pk}).update(cluster=cluster)
        Cluster.objects.filter(pk__in=clusters - {cluster.pk}).delete()
    else:
        cluster = Cluster.objects.create()
    Fingerprint.objects.filter(pk__in=[mine.pk, *(f.pk for f in matched)]).update(cluster=cluster)
    cluster_refresh(cluster)
    return cluster


def cluster_refresh(cluster: Cluster) -> None:
    """Recount the cluster's queued members and what they share (two queries, one update)."""
    members = Fingerprint.objects.filter(QUEUED, cluster=cluster)
    rows = list(members.values_list("domains", "comment__ip_network", "comment__user_agent"))
    first = members.order_by("comment_id").values_list("comment__body_source", flat=True).first()
    cluster.size = len(rows)
    cluster.shared = shared_by(rows)
    cluster.sample = " ".join((first or "").split())[:200]
    cluster.save(update_fields=["size", "shared", "sample", "updated_at"])


def shared_by(rows: Iterable[tuple[list[str], str, str]]) -> dict[str, dict[str, int]]:
    """Return what at least two members share: link domains, networks, user agents."""
    tally: dict[str, Counter[str]] = {"link_domains": Counter(), "networks": Counter()}
    tally["user_agents"] = Counter()
    for domains, network, agent in rows:
        tally["link_domains"].update(domains)
        tally["networks"].update([network] if network else [])
        tally["user_agents"].update([agent] if agent else [])
    return {
        name: {value: n for value, n in counts.most_common(SHARED_TOP) if n >= 2}
        for name, counts in tally.items()
    }


def clusters_queued() -> QuerySet[Cluster]:
    """Clusters with at least two queued members, largest first, with their members' ids."""
    members = Fingerprint.objects.filter(QUEUED).only("pk", "comment_id", "cluster_id")
    queued = Count("members", filter=Q(members__comment__status=Status.PENDING))
    return (
        Cluster.objects.annotate(queued=queued)
        .filter(queued__gte=2)
        .order_by("-queued", "-id")
        .prefetch_related(Prefetch("members", queryset=members, to_attr="queued_members"))
    )


def cluster_moderate(*, cluster: Cluster, action: str, actor: User) -> list[int]:
    """Apply one moderator's action to every queued member; return their comment ids."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; expected one of {sorted(ACTIONS)}")
    ids = list(
        Fingerprint.objects.filter(QUEUED, cluster=cluster)
        .order_by("comment_id")
        .values_list("comment_id", flat=True)
    )
    comments_moderate(ids=ids, action=action, actor=actor)
    logger.info("cluster %s: %s on %d comment(s)", cluster.pk, action, len(ids))
    return ids
