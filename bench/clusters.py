"""Benchmark wave clustering: 500 near-duplicate spam from 50 networks among 500 ham.

Run: ``.venv/bin/python bench/clusters.py``. On a throwaway test database (DATABASE_URL's
engine), held comments are clustered one by one through the worker's own code
(`moderation.clusters.comment_cluster`), in a shuffled order; then the largest cluster
gets one action (`cluster_moderate(..., "spam")`). Prints how much of the wave that one
action removed from the queue, how many ham comments it touched, the clustering cost
per comment and the clusters list's query count and time.

Ham: the real readers' comments of the YouTube Spam Collection v1 (CC BY 4.0, Alberto,
Lochter, Almeida, ICMLA'15) from ``../shared/data/spam/``; the script says so and exits 0
when the folder is absent.
"""

import csv
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "spam"
WAVE, HAM, NETWORKS, SEED = 500, 500, 50, 20261201
BASE = (
    "Hey everyone, I make {n} dollars a week working from home with my laptop, no experience "
    "needed, my {who} showed me this simple method last month and it changed my life. "
    "Check it out at {link} before they close the free spots"
)
SITES = ["cash-home", "cashhome", "easy-cash"]
SWAPS = {
    "Hey everyone": ["Hi all", "Hello guys", "Hey everyone", "Hi friends"],
    "simple": ["easy", "simple", "quick"],
    "method": ["method", "system", "trick"],
    "changed my life": ["changed my life", "changed everything", "saved my family"],
    "before they close the free spots": [
        "before they close the free spots",
        "while the free spots last",
        "before the offer ends",
    ],
}


def wave_text(rng: random.Random) -> str:
    """One wave comment: the template with a few words swapped, a number, a link, a typo."""
    text = BASE.format(
        n=rng.randrange(300, 9000),
        who=rng.choice(["cousin", "neighbour", "sister", "friend"]),
        link=f"https://{rng.choice(SITES)}.example/{rng.randrange(10**6)}",
    )
    for old, options in SWAPS.items():
        text = text.replace(old, rng.choice(options))
    words = text.split()
    i = rng.randrange(len(words))
    if len(words[i]) > 3:  # one typo: two letters swapped
        w = words[i]
        words[i] = w[0] + w[2] + w[1] + w[3:]
    return " ".join(words)


def ham_texts() -> list[str]:
    rows = []
    for path in sorted(DATA.glob("Youtube0[1-4]-*.csv")):
        with path.open(encoding="utf-8") as handle:
            rows += [r["CONTENT"] for r in csv.DictReader(handle) if r["CLASS"] == "0"]
    return rows


def run(ham: list[str]) -> None:
    from comments.models import Comment, Status
    from moderation.clusters import cluster_moderate, clusters_queued, comment_cluster
    from tests.factories import PostFactory, UserFactory

    rng = random.Random(SEED)
    post = PostFactory(slug="bench", moderation_mode="pre")
    rows = [(wave_text(rng), True, i % NETWORKS) for i in range(WAVE)]
    rows += [(text, False, 100 + rng.randrange(150)) for text in rng.sample(ham, HAM)]
    rng.shuffle(rows)
    ids, spam_ids = [], set()
    now = timezone.now()
    for i, (text, is_spam, net) in enumerate(rows):
        comment = Comment.objects.create(
            post=post,
            thread_path=str(i + 1).zfill(10),
            author_name="x",
            author_email=f"a{i}@example.org",
            body_source=text,
            body_html=f"<p>{text}</p>",
            ip_address=f"10.{net // 250}.{net % 250}.{rng.randrange(1, 250)}",
            ip_network=f"10.{net // 250}.{net % 250}.0/24",
            status=Status.PENDING,
            spam_score=0.5,
            scored_at=now,
        )
        ids.append(comment.pk)
        if is_spam:
            spam_ids.add(comment.pk)
    start = time.perf_counter()
    for pk in ids:
        comment_cluster(comment_id=pk)
    seconds = time.perf_counter() - start
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        clusters = list(clusters_queued())
        listed = time.perf_counter() - started
    largest = clusters[0]
    members = {m.comment_id for m in largest.queued_members}
    removed = cluster_moderate(
        cluster=largest, action="spam", actor=UserFactory(username="bench-moderator")
    )
    statuses = dict(Comment.objects.values_list("pk", "status"))
    wave_gone = sum(statuses[pk] == Status.SPAM for pk in spam_ids)
    ham_touched = sum(statuses[pk] != Status.PENDING for pk in ids if pk not in spam_ids)
    print(f"comments: {len(ids)} ({WAVE} wave from {NETWORKS} networks, {HAM} ham)")
    per = 1000 * seconds / len(ids)
    print(f"clustering: {seconds:.2f} s, {per:.1f} ms per comment ({connection.vendor})")
    print(f"clusters with >= 2 queued: {len(clusters)}; largest: {len(members)} comments")
    print(f"one action on the largest: {len(removed)} comments marked spam")
    print(f"wave removed: {wave_gone}/{WAVE} = {wave_gone / WAVE:.1%}")
    print(f"ham touched: {ham_touched}")
    others = sorted((len(c.queued_members) for c in clusters[1:]), reverse=True)[:10]
    print(f"next clusters' sizes: {others}")
    print(f"clusters list: {len(queries)} queries, {1000 * listed:.1f} ms")


def main() -> None:
    if not DATA.is_dir():
        print(
            f"no data at {DATA}: the ham comments come from the YouTube Spam Collection; skipping"
        )
        return
    test = settings.DATABASES["default"].setdefault("TEST", {})
    base = test.get("NAME") or f"test_{settings.DATABASES['default']['NAME']}"
    test["NAME"] = f"{base}_bench_clusters"
    settings.DEBUG = False
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(ham_texts())
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
