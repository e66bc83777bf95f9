"""The side-by-side table: medians per server and scenario, the goals, and the ratios.

The submit floor (floor-queue) runs the POST only; its ratio to Isso says how far below
the POST goals any Django + DRF + PostgreSQL + Celery design of this shape can get.
"""

import argparse
import math
import statistics

Figures = dict[tuple[str, str], list[float]]


def median(figures: Figures, name: str, key: str) -> float:
    values = figures.get((name, key), [])
    return statistics.median(values) if values else math.nan


def cell(value: float, digits: int = 1) -> str:
    return "—" if math.isnan(value) else f"{value:,.{digits}f}"


def ratio(a: float, b: float) -> str:
    return "—" if math.isnan(a) or math.isnan(b) or not b else f"{a / b:.2f}x"


def table(figures: Figures, verdicts: dict[str, str], args: argparse.Namespace, load: str) -> str:
    def m(name: str, key: str) -> float:
        return median(figures, name, key)

    pg, emb, fq = "service-pg", "service-embedded", "floor-queue"
    isso_get = f"{cell(m('isso', 'get rps'))}; {cell(m('isso', 'plain rps'))} plain"
    isso_cpu = f"{cell(m('isso', 'get cpu'), 2)}; {cell(m('isso', 'plain cpu'), 2)} plain"
    rows = [
        (
            "GET a thread, req/s",
            isso_get,
            cell(m("floor", "get rps")),
            "—",
            cell(m(pg, "get rps")),
            cell(m(emb, "get rps")),
            "≥ 0.7x floor",
            ratio(m(pg, "get rps"), m("floor", "get rps")),
            "—",
        ),
        (
            "… server CPU ms/request",
            isso_cpu,
            cell(m("floor", "get cpu"), 2),
            "—",
            cell(m(pg, "get cpu"), 2),
            cell(m(emb, "get cpu"), 2),
            "≤ 1.4x floor",
            ratio(m(pg, "get cpu"), m("floor", "get cpu")),
            "—",
        ),
        (
            "conditional GET → 304, req/s",
            "no ETag",
            cell(m("floor", "304 rps")),
            "—",
            cell(m(pg, "304 rps")),
            cell(m(emb, "304 rps")),
            "≥ 0.7x floor",
            ratio(m(pg, "304 rps"), m("floor", "304 rps")),
            "—",
        ),
        (
            "… server CPU ms/request",
            "—",
            cell(m("floor", "304 cpu"), 2),
            "—",
            cell(m(pg, "304 cpu"), 2),
            cell(m(emb, "304 cpu"), 2),
            "",
            ratio(m(pg, "304 cpu"), m("floor", "304 cpu")),
            "—",
        ),
        (
            "POST a comment, req/s",
            cell(m("isso", "post rps")),
            cell(m("floor", "post rps")) + " (validate only)",
            cell(m(fq, "post rps")),
            cell(m(pg, "post rps")),
            cell(m(emb, "post rps")),
            "≥ 1.5x Isso",
            ratio(m(pg, "post rps"), m("isso", "post rps")),
            ratio(m(fq, "post rps"), m("isso", "post rps")),
        ),
        (
            "… CPU ms/request (web + worker)",
            cell(m("isso", "post cpu"), 2),
            cell(m("floor", "post cpu"), 2),
            f"{cell(m(fq, 'post cpu'), 2)} (web {cell(m(fq, 'post web cpu'), 2)})",
            f"{cell(m(pg, 'post cpu'), 2)} (web {cell(m(pg, 'post web cpu'), 2)})",
            f"{cell(m(emb, 'post cpu'), 2)} (web {cell(m(emb, 'post web cpu'), 2)})",
            "≤ 0.67x Isso",
            ratio(m(pg, "post cpu"), m("isso", "post cpu")),
            ratio(m(fq, "post cpu"), m("isso", "post cpu")),
        ),
    ]
    head = (
        "| scenario | Isso | framework floor | submit floor | service (PostgreSQL + Redis) | "
        "service (embedded) | goal | service PG ratio | submit floor / Isso |"
    )
    lines = [
        f"{args.rounds} x {args.seconds:g} s round-robin, medians; {args.connections} "
        f"connections; gunicorn 2 sync workers each; load average after: {load}",
        "",
        head,
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
        *("| " + " | ".join(row) + " |" for row in rows),
        "",
    ]
    for name, text in verdicts.items():
        lines.append(f"submit → verdict ({name}, under the POST load): {text}")
    bad = {k: sum(v) for k, v in figures.items() if k[1].endswith(" bad") and sum(v)}
    if bad:
        lines.append(f"unexpected answers or socket errors: {bad}")
    return "\n".join(lines)
