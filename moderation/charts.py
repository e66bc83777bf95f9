"""Small bar charts as inline SVG for the admin's health page: no script, no library.

Only SVG attributes (no style attributes), so the strict Content-Security-Policy holds.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT, TOP, BOTTOM = 560, 150, 14, 22


def bar_chart(
    bars: list[tuple[str, float | None]], *, title: str, percent: bool = False
) -> SafeString:
    """Return an SVG bar chart of (label, value) pairs; a None value draws no bar."""
    peak = max([v for _, v in bars if v is not None] + [1e-9])
    if percent:
        peak = max(peak, 0.1)
    step = WIDTH / max(len(bars), 1)
    usable = HEIGHT - TOP - BOTTOM
    rows = []
    for i, (label, value) in enumerate(bars):
        height = 0.0 if value is None else usable * value / peak
        shown = "n/a" if value is None else (f"{value:.0%}" if percent else f"{value:g}")
        x = i * step
        rows.append(
            (
                f"{x + step * 0.15:.1f}",
                f"{HEIGHT - BOTTOM - height:.1f}",
                f"{step * 0.7:.1f}",
                f"{height:.1f}",
                f"{label}: {shown}",
                f"{x + step / 2:.1f}",
                f"{HEIGHT - BOTTOM - height - 3:.1f}",
                shown,
                f"{HEIGHT - 6}",
                label,
            )
        )
    body = format_html_join(
        "",
        "<rect x='{0}' y='{1}' width='{2}' height='{3}' fill='#417690'><title>{4}</title></rect>"
        "<text x='{5}' y='{6}' text-anchor='middle' font-size='10'>{7}</text>"
        "<text x='{5}' y='{8}' text-anchor='middle' font-size='9' fill='#666'>{9}</text>",
        rows,
    )
    return format_html(
        "<svg class='tk-chart' viewBox='0 0 {} {}' width='{}' height='{}' role='img' "
        "aria-label='{}'><title>{}</title>{}</svg>",
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        title,
        title,
        body,
    )
