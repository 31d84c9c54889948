"""The dashboard's charts: SVG drawn on the server by pygal, shown as images.

CSP: pygal writes a `<style>` element (and a configuration `<script>`) inside its SVG, which
the policy forbids in a page. Each chart is therefore an `<img>` whose source is the SVG as a
`data:` URL: an SVG image runs no script and its inner style stays its own (Chromium draws it
in an isolated document); the dashboard's response alone allows `img-src data:` (views.py).
The configuration script, dead weight in an image, is cut out. Each chart comes with its data
table on the page (accessibility, print).
"""

import base64
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import pygal
from pygal.style import Style

from recouvrement.domain.money import format_amount

# Short month names: twelve labels fit under a chart.
MONTHS = (
    *("janv.", "févr.", "mars", "avr.", "mai", "juin"),
    *("juil.", "août", "sept.", "oct.", "nov.", "déc."),
)
FONT = '"Liberation Sans", "DejaVu Sans", Arial, Helvetica, sans-serif'
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1d2733",
    foreground_strong="#1d2733",
    foreground_subtle="#536171",
    opacity=".9",
    opacity_hover="1",
    transition="0ms",
    colors=("#1c64b0", "#c77c02", "#2e8540", "#b4232a", "#6b4fa0"),
    font_family=FONT,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    value_font_size=12,
    title_font_size=16,
    no_data_font_size=20,
    guide_stroke_color="#d9dfe6",
    major_guide_stroke_color="#b8c2cc",
)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


@dataclass(frozen=True)
class Chart:
    """One chart as an image: its `src` (a `data:` URL) and the text alternative of the image."""

    src: str
    alt: str


def month_label(year: int, month: int) -> str:
    """`(2026, 2)` → « févr. 2026 »."""
    return f"{MONTHS[month - 1]} {year}"


def euros(value: float | None) -> str:
    """pygal's numbers back to « 1 234,56 € »."""
    return "" if value is None else format_amount(Decimal(str(value)))


def days(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}".replace(".", ",") + " j"


def count(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


def whole_steps(highest) -> list[int]:
    """A scale of whole numbers from 0 to at least `highest`, at most about ten steps."""
    step = max(1, -(-int(highest) // 10))
    return list(range(0, int(highest) + step + 1, step))


def _base(kind, formatter: Callable[[float | None], str], **options):
    return kind(
        js=[],
        disable_xml_declaration=True,
        style=STYLE,
        width=760,
        height=340,
        margin=12,
        value_formatter=formatter,
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        show_legend=options.pop("show_legend", True),
        x_label_rotation=options.pop("x_label_rotation", 0),
        truncate_label=-1,
        no_data_text="Aucune donnée",
        print_values=False,
        show_minor_y_labels=True,
        tooltip_fancy_mode=False,
        **options,
    )


def _image(chart, alt: str) -> Chart:
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Chart(src=f"data:image/svg+xml;base64,{encoded}", alt=alt)


def _numbers(values: Sequence) -> list[float]:
    return [float(v) for v in values]


def bars(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence]],
    *,
    alt: str,
    formatter: Callable[[float | None], str] = euros,
    rotate: bool = False,
) -> Chart:
    """A bar chart: one bar per label and series (« Ouverts », « Clos »…); counts (`formatter`
    `count`) on a scale of whole numbers."""
    options = {}
    if formatter is count:
        options["y_labels"] = whole_steps(max((v for _, vs in series for v in vs), default=0))
    if len(series) > 1 and rotate:  # pygal leaves too little room for the legend under
        options["margin_bottom"] = 36  # labels it turns
    chart = _base(
        pygal.Bar,
        formatter,
        show_legend=len(series) > 1,
        x_label_rotation=-35 if rotate else 0,
        **options,
    )
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, _numbers(values))
    return _image(chart, alt)


def line(
    labels: Sequence[str],
    name: str,
    values: Sequence,
    *,
    alt: str,
    formatter: Callable[[float | None], str] = days,
) -> Chart:
    """A line chart of one series (the DSO's trend)."""
    chart = _base(pygal.Line, formatter, show_legend=False, x_label_rotation=-35, dots_size=4)
    chart.x_labels = list(labels)
    chart.add(name, _numbers(values))
    return _image(chart, alt)
