"""The dashboard's charts as inline SVG: a « nice » value scale, the geometry of bar and line
charts, and their markup. Pure Python (no Django): the numbers in, the drawing out.

The markup carries CSS classes only (no `style` attribute, no `<style>`, no `<script>`): the
page's policy forbids inline style, and dashboard.css gives the colours and fonts (and a black
and white print). Every text is escaped here. Each bar and point has a `<title>`, the browser's
own tooltip: its label and its value as the data table beside the chart shows it.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 760
HEIGHT = 320
PAD = 10  # between the drawing's edge and any text
CHAR = 6.9  # the average width of a character of the charts' 12px font
TICK_GAP = 8  # between a y label and the plot
LEGEND_ROW = 28  # the legend's height above the plot
STEPS = (1, 2, 2.5, 5)  # « nice » steps, times a power of ten
MOST_INTERVALS = 5  # 4 to 6 gridlines, 0 included
FEWEST_INTERVALS = 3
Formatter = Callable[[object], str]


@dataclass(frozen=True)
class Scale:
    """From 0 to `top` by `step`: the values of the gridlines (`ticks`, 0 first)."""

    top: float
    step: float
    ticks: tuple[float, ...]


def nice_scale(highest: float, *, whole: bool = False) -> Scale:
    """0 to a round maximum at or above `highest`, in 3 to 5 round steps (1, 2, 2,5 or 5 times
    a power of ten; whole numbers when `whole`). Nothing above 0 (no data, all zero, or
    negative values): a scale to 1 (whole: 3) so that the chart still draws its grid."""
    if not (highest > 0 and math.isfinite(highest)):
        highest = FEWEST_INTERVALS if whole else 1
    step = _step(highest, whole)
    intervals = max(FEWEST_INTERVALS, math.ceil(highest / step - 1e-9))
    ticks = tuple(_round(step * i) for i in range(intervals + 1))
    return Scale(top=ticks[-1], step=_round(step), ticks=ticks)


def _step(highest: float, whole: bool) -> float:
    """The smallest « nice » step giving at most MOST_INTERVALS steps up to `highest`."""
    power = 10.0 ** math.floor(math.log10(highest / MOST_INTERVALS))
    if whole:
        power = max(power, 1.0)
    while True:
        for nice in STEPS:
            step = nice * power
            if whole and step % 1:
                continue
            if highest / step <= MOST_INTERVALS + 1e-9:
                return step
        power *= 10


def _round(value: float) -> float:
    """Floating point's dust off a tick (0.30000000000000004 → 0.3)."""
    return float(f"{value:.10g}")


@dataclass(frozen=True)
class Gridline:
    y: float
    label: str


@dataclass(frozen=True)
class XLabel:
    x: float
    y: float
    text: str
    rotate: bool


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int  # 1, 2…: its CSS class `chart-s1`…
    title: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    title: str


@dataclass(frozen=True)
class LegendItem:
    x: float
    y: float
    series: int
    name: str


@dataclass(frozen=True)
class Plot:
    """One chart's geometry in the viewBox's units (WIDTH × HEIGHT, y downwards); `left`,
    `right`, `top` and `baseline` bound the plot area (the value 0 on `baseline`)."""

    scale: Scale
    left: float
    right: float
    top: float
    baseline: float
    gridlines: tuple[Gridline, ...]
    xlabels: tuple[XLabel, ...]
    legend: tuple[LegendItem, ...] = ()
    bars: tuple[Bar, ...] = ()
    points: tuple[Point, ...] = ()
    lines: tuple[tuple[Point, ...], ...] = ()  # the polyline, cut where a value is missing


def _number(value) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _frame(
    labels: Sequence[str],
    highest: float,
    *,
    axis: Formatter,
    whole: bool,
    rotate: bool,
    legend: bool,
) -> tuple[Scale, float, float, float, float, tuple[Gridline, ...]]:
    """The scale, the plot area's bounds (left, right, top, baseline) and the gridlines: room
    on the left for the widest y label, under the plot for the x labels (turned: their
    length), above it for a legend."""
    scale = nice_scale(highest, whole=whole)
    tick_labels = [axis(tick) for tick in scale.ticks]
    widest_x = max((len(label) for label in labels), default=0) * CHAR
    left = max(PAD + max(len(label) for label in tick_labels) * CHAR + TICK_GAP, 48.0)
    under = widest_x * math.sin(math.pi / 4) + 22 if rotate else 26
    top = PAD + (LEGEND_ROW if legend else 6)
    baseline = HEIGHT - PAD - under
    right = WIDTH - PAD - 6
    span = baseline - top
    gridlines = tuple(
        Gridline(baseline - span * tick / scale.top, label)
        for tick, label in zip(scale.ticks, tick_labels, strict=True)
    )
    return scale, left, right, top, baseline, gridlines


def _xlabels(labels: Sequence[str], left: float, slot: float, baseline: float, rotate: bool):
    return tuple(
        XLabel(left + slot * (i + 0.5), baseline + (14 if rotate else 18), text, rotate)
        for i, text in enumerate(labels)
    )


def _height(value: float | None, scale: Scale, span: float) -> float:
    """A value's height in the plot: proportional, never below 0 nor above the top."""
    if value is None or value <= 0:
        return 0.0
    return min(value, scale.top) / scale.top * span


def bar_plot(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence]],
    *,
    formatter: Formatter,
    axis: Formatter,
    whole: bool = False,
    rotate: bool = False,
) -> Plot:
    """One group of bars per label, one bar per series in it (side by side); a legend when
    there are two series or more. `formatter` writes the bars' values, `axis` the scale's."""
    numbers = [[_number(v) for v in values] for _, values in series]
    highest = max((v for values in numbers for v in values if v is not None), default=0.0)
    legend = len(series) > 1
    scale, left, right, top, baseline, grid = _frame(
        labels, highest, axis=axis, whole=whole, rotate=rotate, legend=legend
    )
    slot = (right - left) / max(len(labels), 1)
    group = min(slot * (0.62 if legend else 0.56), 34.0 * len(series) + 40)
    gap = 2.0 if legend else 0.0
    width = (group - gap * (len(series) - 1)) / max(len(series), 1)
    bars = []
    for n, ((name, values), heights) in enumerate(zip(series, numbers, strict=True)):
        for i, (label, value, number) in enumerate(zip(labels, values, heights, strict=True)):
            height = _height(number, scale, baseline - top)
            x = left + slot * (i + 0.5) - group / 2 + n * (width + gap)
            shown = f"{label} · {name} : {formatter(value)}" if legend else formatter(value)
            title = shown if legend else f"{label} : {shown}"
            bars.append(Bar(x, baseline - height, width, height, n + 1, title))
    return Plot(
        scale,
        left,
        right,
        top,
        baseline,
        grid,
        _xlabels(labels, left, slot, baseline, rotate),
        legend=_legend([name for name, _ in series], right) if legend else (),
        bars=tuple(bars),
    )


def _legend(names: Sequence[str], right: float) -> tuple[LegendItem, ...]:
    """The series' names, right-aligned above the plot: a 12px swatch then the name."""
    widths = [12 + 6 + len(name) * CHAR + 18 for name in names]
    x = right - sum(widths) + 18
    items = []
    for n, (name, width) in enumerate(zip(names, widths, strict=True)):
        items.append(LegendItem(x, PAD, n + 1, name))
        x += width
    return tuple(items)


def line_plot(
    labels: Sequence[str],
    name: str,
    values: Sequence,
    *,
    formatter: Formatter,
    axis: Formatter,
    whole: bool = False,
    rotate: bool = True,
) -> Plot:
    """One series as a line through a marker per label (a missing value cuts the line)."""
    numbers = [_number(v) for v in values]
    highest = max((v for v in numbers if v is not None), default=0.0)
    scale, left, right, top, baseline, grid = _frame(
        labels, highest, axis=axis, whole=whole, rotate=rotate, legend=False
    )
    slot = (right - left) / max(len(labels), 1)
    points: list[Point] = []
    lines: list[tuple[Point, ...]] = []
    run: list[Point] = []
    for i, (label, value, number) in enumerate(zip(labels, values, numbers, strict=True)):
        if number is None:
            lines.append(tuple(run))
            run = []
            continue
        y = baseline - _height(number, scale, baseline - top)
        point = Point(left + slot * (i + 0.5), y, f"{label} · {name} : {formatter(value)}")
        points.append(point)
        run.append(point)
    lines.append(tuple(run))
    return Plot(
        scale,
        left,
        right,
        top,
        baseline,
        grid,
        _xlabels(labels, left, slot, baseline, rotate),
        points=tuple(points),
        lines=tuple(line for line in lines if len(line) > 1),
    )


# --- Markup ---------------------------------------------------------------------------------


def _n(value: float) -> str:
    """A coordinate: one decimal at most (« 12 », « 12.5 »)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def render(plot: Plot, *, ident: str, title: str) -> str:
    """The `<svg>` element of `plot`, to put in the page as is: its `<title>` (`title`, the
    chart's text alternative, id `{ident}-title`) names it to assistive technologies."""
    e = escape
    title_id = f"{e(ident)}-title"
    parts = [
        f'<svg class="chart" id="{e(ident)}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{title_id}"><title id="{title_id}">{e(title)}</title>',
        '<g class="chart-grid">',
    ]
    left, right = _n(plot.left), _n(plot.right)
    for line in plot.gridlines[1:]:
        parts.append(f'<line x1="{left}" x2="{right}" y1="{_n(line.y)}" y2="{_n(line.y)}"/>')
    parts.append('</g><g class="chart-ylabels">')
    x = _n(plot.left - TICK_GAP)
    for line in plot.gridlines:
        parts.append(f'<text x="{x}" y="{_n(line.y + 4)}">{e(line.label)}</text>')
    parts.append(f'</g><g class="chart-xlabels{" chart-turned" if _turned(plot) else ""}">')
    for label in plot.xlabels:
        x, y = _n(label.x), _n(label.y)
        turn = f' transform="rotate(-45 {x} {y})"' if label.rotate else ""
        parts.append(f'<text x="{x}" y="{y}"{turn}>{e(label.text)}</text>')
    parts.append("</g>")
    parts.extend(_bars(plot.bars))
    parts.extend(_lines(plot))
    base = _n(plot.baseline)
    parts.append(f'<line class="chart-axis" x1="{left}" x2="{right}" y1="{base}" y2="{base}"/>')
    parts.extend(_points(plot.points))
    parts.extend(_legend_markup(plot.legend))
    parts.append("</svg>")
    return "".join(parts)


def _turned(plot: Plot) -> bool:
    return any(label.rotate for label in plot.xlabels)


def _bars(bars: Sequence[Bar]) -> list[str]:
    return [
        f'<rect class="chart-bar chart-s{bar.series}" x="{_n(bar.x)}" y="{_n(bar.y)}" '
        f'width="{_n(bar.width)}" height="{_n(bar.height)}"><title>{escape(bar.title)}</title>'
        "</rect>"
        for bar in bars
    ]


def _lines(plot: Plot) -> list[str]:
    return [
        '<polyline class="chart-line chart-s1" points="'
        + " ".join(f"{_n(p.x)},{_n(p.y)}" for p in line)
        + '"/>'
        for line in plot.lines
    ]


def _points(points: Sequence[Point]) -> list[str]:
    return [
        f'<circle class="chart-point chart-s1" cx="{_n(p.x)}" cy="{_n(p.y)}" r="4.5">'
        f"<title>{escape(p.title)}</title></circle>"
        for p in points
    ]


def _legend_markup(items: Sequence[LegendItem]) -> list[str]:
    parts = ['<g class="chart-legend">'] if items else []
    for item in items:
        parts.append(
            f'<rect class="chart-bar chart-s{item.series}" x="{_n(item.x)}" y="{_n(item.y)}" '
            f'width="12" height="12"/><text x="{_n(item.x + 18)}" y="{_n(item.y + 11)}">'
            f"{escape(item.name)}</text>"
        )
    return [*parts, "</g>"] if items else parts
