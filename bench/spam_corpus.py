"""The bench's corpus and in-memory scorer: labelled rows, and what the database would hold.

Data: Alberto, T.C., Lochter, J.V., Almeida, T.A. TubeSpam: Comment Spam Filtering on
YouTube. ICMLA'15, 1-6, Miami, 2015 (YouTube Spam Collection v1, CC BY 4.0), read from
``../shared/data/spam/`` and never copied into the repository; and ``bench/data/
blog_ham.csv`` (blog readers' comments written for this project, see bench/data/README.md).
"""

import csv
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from moderation import calibration
from moderation.scoring import DEFAULT_WEIGHTS, Facts, Score, Weights, fit, rules, score_facts
from moderation.scoring import classifier as bayes
from moderation.scoring import text as textmod
from moderation.scoring.registry import active_signals
from moderation.scoring.reputation import reputation_fields, reputation_keys, reputation_learn

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "spam"
BLOG_HAM = ROOT / "bench" / "data" / "blog_ham.csv"
SEED = 20151209

# The page each video's comments were made on, as a blog's facts carry its post's URL.
VIDEO_IDS = {
    "Psy": "9bZkp7q19f0",
    "KatyPerry": "CevxZvSJLk8",
    "LMFAO": "KQ6zr6kCPj8",
    "Eminem": "uelHwf8o7_U",
}


@dataclass(frozen=True)
class Row:
    text: str
    author: str
    is_spam: bool
    video: str = ""

    @property
    def own_urls(self) -> tuple[str, ...]:
        """Return the addresses of the video page itself (host + path prefixes)."""
        vid = VIDEO_IDS.get(self.video, "").lower()
        return (f"youtube.com/watch?v={vid}", f"youtu.be/{vid}") if vid else ()


Folds = dict[str, list[Row]]


@dataclass
class Scorer:
    """What the database would hold after moderators decided some comments."""

    counts: bayes.TokenCounts = field(default_factory=bayes.TokenCounts)
    reputation: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    weights: Weights = DEFAULT_WEIGHTS
    # Live moderators' decisions on comments with links, (spam, approved): only `decide`
    # adds to them, never the training rows (`trained`), as train_spam adds nothing there.
    link_decisions: tuple[int, int] = (0, 0)

    def facts(self, row: Row) -> Facts:
        """Return the facts the worker would gather for this comment."""
        email = f"{row.author.lower()}@youtube.invalid"
        hosts = textmod.url_hosts(
            textmod.without_own_links(textmod.normalize(row.text), row.own_urls)
        )
        return Facts(
            text=textmod.normalize(row.text, lowercase=False),
            raw=row.text,
            author_name=row.author,
            author_email=email,
            model=self.counts,
            own_urls=row.own_urls,
            link_spam_by_moderators=self.link_decisions[0],
            link_ham_by_moderators=self.link_decisions[1],
            **reputation_fields(self.reputation, email=email, ip=None, network="", domains=hosts),
        )

    def score(self, row: Row) -> Score:
        """Return the production scorer's score of one comment (value, reasons, cap)."""
        return score_facts(active_signals(), self.facts(row), self.weights)

    def evidence(self, row: Row) -> fit.Evidence:
        """Return each signal's weight on this comment at the default weights."""
        return fit.evidence(active_signals(), self.facts(row))

    def learn(self, row: Row) -> None:
        """Teach one moderator decision: classifier tokens and reputation, as the worker does."""
        facts = self.facts(row)
        bayes.learn(self.counts, facts.tokens, is_spam=row.is_spam)
        keys = reputation_keys(
            email=facts.author_email,
            ip=None,
            network="",
            domains=textmod.url_hosts(facts.normalized),
        )
        reputation_learn(self.reputation, keys, is_spam=row.is_spam)

    def decide(self, row: Row) -> None:
        """Teach one live moderator's decision: as `learn`, and the site's link evidence
        through the worker's own function (`rules.link_decision`, as `comment_learn` does)."""
        d_spam, d_ham = rules.link_decision(self.facts(row), is_spam=row.is_spam)
        self.learn(row)
        self.link_decisions = (self.link_decisions[0] + d_spam, self.link_decisions[1] + d_ham)


def trained(rows: Sequence[Row], weights: Weights = DEFAULT_WEIGHTS) -> Scorer:
    """Return a scorer that learned every row, adding its findings up with `weights`."""
    scorer = Scorer(weights=weights)
    for row in rows:
        scorer.learn(row)
    return scorer


def train_spam(groups: Folds, **options: bool) -> calibration.Calibration:
    """Return what `manage.py train_spam` fits and stores from these groups' CSV files.

    One file per video (one fold each), each comment with the address of its page
    (train_spam's --url-column); `options` as `calibration.calibrate_texts` takes them.
    """
    examples = [
        [calibration.Example(r.text, r.is_spam, r.own_urls) for r in rows]
        for rows in groups.values()
    ]
    return calibration.calibrate_texts(examples, active_signals(), **options)


def load_folds(folder: Path) -> Folds:
    """Return each video's rows, keyed by a short video name."""
    folds: Folds = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            video = path.stem.split("-", 1)[-1]
            rows = [
                Row(r["CONTENT"], r["AUTHOR"], r["CLASS"].strip() == "1", video)
                for r in csv.DictReader(handle)
            ]
        folds[video] = rows
    return folds


def load_blog_ham(path: Path = BLOG_HAM) -> list[Row]:
    """Return the blog readers' comments (all ham), each with its own author."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            Row(r["CONTENT"], f"reader{i}", r["CLASS"].strip() == "1")
            for i, r in enumerate(csv.DictReader(handle))
        ]


def stratified_sample(groups: Folds, size: int, seed: int) -> Folds:
    """Return ``size`` rows drawn at random, half spam and half ham, kept in their groups."""
    tagged = [(name, row) for name, rows in groups.items() for row in rows]
    rng = random.Random(seed)
    picked = []
    for label in (True, False):
        picked += rng.sample([item for item in tagged if item[1].is_spam is label], size // 2)
    sample: Folds = {name: [] for name in groups}
    for name, row in picked:
        sample[name].append(row)
    return sample
