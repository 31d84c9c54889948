"""The dashboard's inline SVG charts (web/dashboard/svg.py): a « nice » scale, bars and points
where their values put them, any data drawn without a crash, every text escaped."""

import re
from decimal import Decimal

import pytest

from recouvrement.web.dashboard import charts, svg
from recouvrement.web.dashboard.svg import bar_plot, line_plot, nice_scale, render

MONTHS = [charts.month_label(2026, month) for month in range(1, 13)]


def _bars(values, *, whole=True, labels=None, rotate=False, series=None):
    labels = labels if labels is not None else [f"L{n}" for n in range(len(values))]
    return bar_plot(
        labels,
        series or [("Montant dû", values)],
        formatter=charts.euros,
        axis=charts.whole_euros,
        whole=whole,
        rotate=rotate,
    )


@pytest.mark.parametrize(
    ("highest", "whole", "ticks"),
    [
        (1525.75, True, (0, 500, 1000, 1500, 2000)),
        (1000, True, (0, 200, 400, 600, 800, 1000)),
        (180, True, (0, 50, 100, 150, 200)),
        (42.3, False, (0, 10, 20, 30, 40, 50)),
        (7, True, (0, 2, 4, 6, 8)),
        (13, True, (0, 5, 10, 15)),
        (1, True, (0, 1, 2, 3)),  # counts: never a step below 1
        (0.3, False, (0, 0.1, 0.2, 0.3)),
        (0, True, (0, 1, 2, 3)),  # nothing: still a grid
        (0, False, (0, 0.2, 0.4, 0.6, 0.8, 1)),
        (-12, True, (0, 1, 2, 3)),
        (1_234_567.89, True, (0, 250_000, 500_000, 750_000, 1_000_000, 1_250_000)),
    ],
)
def test_the_scale_goes_from_0_to_a_round_maximum_in_3_to_5_round_steps(highest, whole, ticks):
    scale = nice_scale(highest, whole=whole)

    assert scale.ticks == pytest.approx(ticks)
    assert scale.top >= highest
    assert 4 <= len(scale.ticks) <= 6
    if whole:
        assert all(tick == int(tick) for tick in scale.ticks)


@pytest.mark.parametrize("highest", [0.07, 3, 9.99, 11, 99, 101, 2_499, 2_501, 987_654])
def test_every_scale_is_nice_whatever_the_maximum(highest):
    for whole in (True, False):
        scale = nice_scale(highest, whole=whole)
        mantissa = scale.step / 10 ** len(str(int(scale.step))) * 10
        assert scale.top >= highest and 4 <= len(scale.ticks) <= 6
        assert round(mantissa, 6) in (1, 2, 2.5, 5) or scale.step < 1


def test_bars_heights_are_proportional_to_their_values():
    plot = _bars([Decimal("1000.00"), Decimal("250.00"), Decimal("500.00"), 0])

    span = plot.baseline - plot.top
    assert plot.scale.top == 1000
    assert [bar.height for bar in plot.bars] == pytest.approx([span, span / 4, span / 2, 0])
    assert all(bar.y + bar.height == pytest.approx(plot.baseline) for bar in plot.bars)
    assert plot.bars[1].title == "L1 : 250,00\u00a0€"
    assert [line.label for line in plot.gridlines][-1] == "1\u202f000\u00a0€"
    assert plot.gridlines[0].y == plot.baseline and plot.gridlines[-1].y == plot.top


def test_all_zero_and_no_data_draw_an_empty_grid():
    zero = _bars([0, 0, 0])
    empty = _bars([], labels=[])

    assert [bar.height for bar in zero.bars] == [0, 0, 0]
    assert zero.scale.ticks == (0, 1, 2, 3)
    assert empty.bars == () and empty.xlabels == ()
    assert "<svg" in render(empty, ident="empty", title="Rien")


def test_a_negative_value_draws_no_bar_and_does_not_crash():
    plot = _bars([Decimal("-50"), Decimal("100")])
    line = line_plot(["a", "b"], "DSO", [-3, 5], formatter=charts.days, axis=charts.scale_days)

    assert plot.bars[0].height == 0 and plot.bars[1].height > 0
    assert plot.bars[0].title == "L0 : -50,00\u00a0€"
    assert line.points[0].y == line.baseline
    render(plot, ident="negative", title="Négatif")


def test_one_month_and_twelve_months_fit_the_plot():
    for labels in (MONTHS[:1], MONTHS):
        plot = _bars(list(range(1, len(labels) + 1)), labels=labels, rotate=True)

        assert len(plot.bars) == len(labels) == len(plot.xlabels)
        assert all(plot.left <= bar.x and bar.x + bar.width <= plot.right for bar in plot.bars)
        assert all(label.rotate for label in plot.xlabels)
        assert [label.text for label in plot.xlabels] == labels
        centres = [bar.x + bar.width / 2 for bar in plot.bars]
        assert centres == pytest.approx([label.x for label in plot.xlabels])
        assert plot.baseline < svg.HEIGHT - 50  # room for the turned labels under


def test_two_series_are_grouped_side_by_side_with_a_legend():
    plot = _bars(
        None,
        labels=MONTHS[:2],
        series=[("Ouverts", [3, 0]), ("Clos", [1, 2])],
        rotate=True,
    )

    opened, closed = plot.bars[0], plot.bars[2]  # January's: one of each series
    assert (opened.series, closed.series) == (1, 2)
    assert opened.x + opened.width < closed.x
    assert closed.height == pytest.approx(opened.height / 3)
    assert closed.title == "janv. 2026 · Clos : 1,00\u00a0€"
    assert [(item.series, item.name) for item in plot.legend] == [(1, "Ouverts"), (2, "Clos")]
    assert plot.legend[-1].x < plot.right
    assert _bars([1]).legend == ()  # one series: no legend


def test_the_line_goes_through_a_point_per_month_and_breaks_on_a_missing_value():
    values = [Decimal("40.0"), Decimal("20.0"), None, Decimal("10.0"), Decimal("30.0")]
    plot = line_plot(MONTHS[:5], "DSO", values, formatter=charts.days, axis=charts.scale_days)

    assert len(plot.points) == 4
    assert [len(line) for line in plot.lines] == [2, 2]
    span = plot.baseline - plot.top
    assert plot.baseline - plot.points[1].y == pytest.approx(span * 20 / plot.scale.top)
    assert plot.points[0].title == "janv. 2026 · DSO : 40,0 j"
    assert [line.label for line in plot.gridlines][:2] == ["0 j", "10 j"]


def test_the_markup_is_escaped_and_carries_classes_only():
    plot = bar_plot(
        ['<script>alert("x")</script>', "B & C"],
        [("Série <1>", [1, 2]), ("Série 2", [2, 1])],
        formatter=charts.count,
        axis=charts.count,
        whole=True,
    )

    markup = render(plot, ident="risky", title='Un "titre" <b>')

    assert markup.startswith('<svg class="chart" id="risky" viewBox="0 0 760 320" role="img"')
    assert '<title id="risky-title">Un &quot;titre&quot; &lt;b&gt;</title>' in markup
    assert "<script" not in markup and "<b>" not in markup and "Série <1>" not in markup
    assert "&lt;script&gt;" in markup and "B &amp; C" in markup
    assert "style" not in markup and "fill=" not in markup
    assert len(re.findall(r"<rect class=\"chart-bar chart-s\d\"[^>]*><title>", markup)) == 4


def test_a_chart_is_safe_markup_with_its_text_alternative():
    chart = charts.line(MONTHS, "DSO", [Decimal(n) for n in range(12)], ident="dso", alt="Courbe")

    assert chart.alt == "Courbe"
    assert chart.svg.__html__().count("<circle") == 12
    assert chart.svg.count("<polyline") == 1
