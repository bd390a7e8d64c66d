"""The funnel as a horizontal bar chart, drawn on the server as SVG (no script, no CDN).

Each label sits above its bar, over the chart's whole width (wrapped onto more lines when it is
longer), so no label is cut off; the viewBox is about a phone's width, so its 13-unit text stays
at least 11 px on a 390 px screen."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH = 400
FONT = 13  # user units (the CSS sets the same font-size)
CHAR = FONT * 0.62  # a generous average glyph width, for wrapping
LINE = 16
BAR = 18
GAP = 12
COUNT_ROOM = 90  # right of the longest bar, for its count (9.999.999 fits)


def wrap(label: str, width: float = WIDTH) -> list[str]:
    """The label in lines that fit `width` (by words; a word longer than a line is cut)."""
    per_line = max(1, int(width // CHAR))
    lines: list[str] = []
    current = ""
    for word in label.split():
        while len(word) > per_line:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:per_line])
            word = word[per_line:]
        candidate = f"{current} {word}".strip()
        if len(candidate) <= per_line:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current or not lines:
        lines.append(current)
    return lines


def funnel_svg(rows: Sequence[tuple[str, int]], title: str) -> Markup:
    """One bar per (label, count), scaled to the largest count, with the count at its end."""
    top = max((count for _, count in rows), default=0) or 1
    digits = len(f"{top:,}")
    room = WIDTH - max(COUNT_ROOM, int(digits * CHAR) + 12)
    parts: list[str] = []
    y = 4
    for label, count in rows:
        for line in wrap(label):
            y += LINE
            parts.append(f'<text x="0" y="{y - 4}">{escape(line)}</text>')
        width = max(1, round(room * count / top)) if count else 0
        number = f"{count:,}".replace(",", ".")
        parts.append(
            f'<rect x="0" y="{y}" width="{width}" height="{BAR}" rx="3"></rect>'
            f'<text class="count" x="{width + 6}" y="{y + BAR * 0.75:.1f}">{number}</text>'
        )
        y += BAR + GAP
    head = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {y}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}" '
        f'font-size="{FONT}"><title>{escape(title)}</title>'
    )
    return Markup(head + "".join(parts) + "</svg>")
