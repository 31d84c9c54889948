"""The dashboard's charts: SVG drawn on the server (svg.py) and put inline in the page.

The SVG carries CSS classes only, its colours and fonts come from dashboard.css: the page runs
under the app's normal Content-Security-Policy (no inline style, no script, no `data:` image).
Each chart comes with its data table on the page (accessibility, print).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe

from recouvrement.domain.money import format_amount
from recouvrement.web.dashboard import svg

# Short month names: twelve labels fit under a chart.
MONTHS = (
    *("janv.", "févr.", "mars", "avr.", "mai", "juin"),
    *("juil.", "août", "sept.", "oct.", "nov.", "déc."),
)


@dataclass(frozen=True)
class Chart:
    """One chart: its `<svg>` element (every text inside escaped) and its text alternative."""

    svg: SafeString
    alt: str


def month_label(year: int, month: int) -> str:
    """`(2026, 2)` → « févr. 2026 »."""
    return f"{MONTHS[month - 1]} {year}"


def euros(value) -> str:
    """« 1 234,56 € », as the tables show an amount."""
    return "" if value is None else format_amount(Decimal(str(value)))


def days(value) -> str:
    return "" if value is None else f"{value:.1f}".replace(".", ",") + " j"


def count(value) -> str:
    return "" if value is None else f"{value:.0f}"


def whole_euros(value) -> str:
    """A scale's round amount: « 1 500 € »."""
    return euros(round(value)).replace(",00", "", 1)


def scale_days(value) -> str:
    """A scale's days: « 10 j », « 2,5 j »."""
    return days(value).replace(",0 ", " ")


# Each value formatter with the one of its scale, and whether the scale counts in units.
SCALES: dict[Callable, tuple[Callable, bool]] = {
    euros: (whole_euros, True),
    days: (scale_days, False),
    count: (count, True),
}


def _chart(plot: svg.Plot, ident: str, alt: str) -> Chart:
    # Safe: svg.render escapes every text it writes (labels, values, names, the alternative).
    return Chart(mark_safe(svg.render(plot, ident=ident, title=alt)), alt)


def bars(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence]],
    *,
    ident: str,
    alt: str,
    formatter: Callable = euros,
    rotate: bool = False,
) -> Chart:
    """A bar chart: one bar per label and series (« Ouverts », « Clos »…), a legend for two."""
    axis, whole = SCALES[formatter]
    plot = svg.bar_plot(labels, series, formatter=formatter, axis=axis, whole=whole, rotate=rotate)
    return _chart(plot, ident, alt)


def line(
    labels: Sequence[str],
    name: str,
    values: Sequence,
    *,
    ident: str,
    alt: str,
    formatter: Callable = days,
) -> Chart:
    """A line chart of one series (the DSO's trend)."""
    axis, whole = SCALES[formatter]
    plot = svg.line_plot(labels, name, values, formatter=formatter, axis=axis, whole=whole)
    return _chart(plot, ident, alt)
