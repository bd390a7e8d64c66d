"""The funnel as a horizontal bar chart, drawn on the server as SVG (no script, no CDN)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

BAR = 26
GAP = 8
LABEL = 190
WIDTH = 640


def funnel_svg(rows: Sequence[tuple[str, int]], title: str) -> Markup:
    """One bar per (label, count), scaled to the largest count, with the count at its end."""
    top = max((count for _, count in rows), default=0) or 1
    height = len(rows) * (BAR + GAP) + GAP
    room = WIDTH - LABEL - 70
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    ]
    for i, (label, count) in enumerate(rows):
        y = GAP + i * (BAR + GAP)
        width = max(1, round(room * count / top)) if count else 0
        parts.append(
            f'<text x="{LABEL - 8}" y="{y + BAR * 0.68:.1f}" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect x="{LABEL}" y="{y}" width="{width}" height="{BAR}" rx="3"></rect>'
            f'<text class="count" x="{LABEL + width + 6}" y="{y + BAR * 0.68:.1f}">'
            f"{count:,}</text>".replace(",", ".")
        )
    parts.append("</svg>")
    return Markup("".join(parts))
