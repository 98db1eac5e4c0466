"""Server-side SVG line charts for the operations pages (pure: no chart service, no JavaScript).

`line_chart` draws one series of (x, y) points (x in Unix seconds) with its y range labelled, an optional
threshold line (an SLO's burn limit), and a text alternative for screen readers: the chart is an
`<svg role="img">` whose `<title>` says what it shows and whose `<desc>` gives the last and the highest value.
Every text is escaped; the numbers are formatted, never interpolated raw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 560, 180
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 12, 28


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    unit: str  # shown after each value: "s" for seconds, a multiplication sign for a rate, or ""
    points: Sequence[tuple[float, float]]
    threshold: float | None = None  # drawn as a dashed line, labelled
    threshold_label: str = ""


def _value(value: float, unit: str) -> str:
    shown = f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return f"{shown}{unit if unit != 's' else ' s'}"


def _clock(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%H:%M")


def line_chart(chart: Chart) -> Markup:
    """The chart as inline SVG markup (an empty-state paragraph when there is no point)."""
    title = escape(chart.title)
    if not chart.points:
        return Markup(f'<p class="chart-empty">{title}: no data yet.</p>')
    xs = [p[0] for p in chart.points]
    ys = [p[1] for p in chart.points]
    top = max([*ys, chart.threshold or 0.0, 0.0])
    top = top * 1.1 if top > 0 else 1.0
    x0, x1 = min(xs), max(xs)
    span = (x1 - x0) or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def sx(x: float) -> float:
        return LEFT + (x - x0) / span * plot_w if x1 > x0 else LEFT + plot_w / 2

    def sy(y: float) -> float:
        return TOP + plot_h - (max(y, 0.0) / top) * plot_h

    path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in chart.points)
    desc = escape(
        f"{len(ys)} points from {_clock(x0)} to {_clock(x1)} UTC; last {_value(ys[-1], chart.unit)}, "
        f"highest {_value(max(ys), chart.unit)}"
        + (f"; {chart.threshold_label} {_value(chart.threshold, chart.unit)}" if chart.threshold is not None else "")
    )
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" preserveAspectRatio="xMidYMid meet" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{title}</title><desc>{desc}</desc>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}"/>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}"/>',
        f'<text class="tick" x="{LEFT - 4}" y="{TOP + 10}" text-anchor="end">{escape(_value(top, chart.unit))}</text>',
        f'<text class="tick" x="{LEFT - 4}" y="{TOP + plot_h}" text-anchor="end">0</text>',
        f'<text class="tick" x="{LEFT}" y="{HEIGHT - 8}">{_clock(x0)}</text>',
        f'<text class="tick" x="{LEFT + plot_w}" y="{HEIGHT - 8}" text-anchor="end">{_clock(x1)} UTC</text>',
    ]
    if chart.threshold is not None:
        y = sy(chart.threshold)
        parts.append(f'<line class="threshold" x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="tick" x="{LEFT + plot_w}" y="{y - 3:.1f}" text-anchor="end">'
            f"{escape(chart.threshold_label)}</text>"
        )
    if len(chart.points) == 1:
        x, y = chart.points[0]
        parts.append(f'<circle class="line" cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3"/>')
    else:
        parts.append(f'<polyline class="line" fill="none" points="{path}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
