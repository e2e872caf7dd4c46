"""The chart of a series, described once and drawn twice: the inline SVG every reader gets, and
the Plotly figure drawn only when asked. Both carry the same points, lines and words."""

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.utils import translation

from indicators import chart_svg, charts
from indicators.charts import Chart, Group, Line, Point, series_chart

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def spanish():
    with translation.override("es-pe"):
        yield


@dataclass(frozen=True)
class Provenance:
    label: str


@dataclass
class FakeReading:
    """What a chart reads of a reading: period, value, who vouches for it, its note."""

    period: date
    value: Decimal
    is_cited: bool = False
    note: str = ""
    timing: str = "term"

    @property
    def provenance(self):
        return Provenance("citado del plan" if self.is_cited else "registrado por la municipalidad")


def parse(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(markup.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def points_of(svg: ElementTree.Element, kind: str) -> list[ElementTree.Element]:
    return [e for e in svg.iter() if kind in e.get("class", "").split() and "point" in e.get("class", "")]


def y_ticks(svg: ElementTree.Element) -> list[str]:
    return [t.text for t in svg.iter(f"{SVG}text") if t.get("text-anchor") == "end" and t.get("x") == "42.0"]


def by_timing(reading):
    if reading.timing == "after":
        return "Después del plazo", "after"
    return "Registrado por la municipalidad", "main"


def target_chart(readings, **extra):
    return series_chart(
        readings,
        title="Horas de agua",
        unit="h/día",
        group=by_timing,
        baseline=Decimal("10"),
        baseline_date=date(2018, 1, 1),
        target=Decimal("18"),
        deadline=date(2022, 12, 31),
        **extra,
    )


def test_every_point_is_drawn_with_its_spanish_label_and_the_target_baseline_and_deadline():
    readings = [FakeReading(date(year, 1, 1), Decimal(value)) for year, value in [(2019, "12.5"), (2020, "1523.4")]]
    chart = target_chart(readings)
    svg = parse(chart.svg())
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "chart-svg-title chart-svg-desc"
    assert svg.find(f"{SVG}title").text == "Horas de agua"
    desc = svg.find(f"{SVG}desc").text
    assert "2 datos, de 2019 a 2020." in desc and "Último dato: 2020: 1,523.4 h/día" in desc
    assert "Meta: 18 h/día." in desc and "Plazo: 31/12/2022." in desc
    main = points_of(svg, "main")
    assert [p.find(f"{SVG}title").text for p in main] == [
        "2019: 12.5 h/día · Registrado por la municipalidad",
        "2020: 1,523.4 h/día · Registrado por la municipalidad",
    ]
    assert float(main[0].get("cx")) < float(main[1].get("cx"))
    assert float(main[0].get("cy")) > float(main[1].get("cy"))  # higher values sit higher
    [target] = [e for e in svg.iter(f"{SVG}line") if e.get("class") == "target"]
    [deadline] = [e for e in svg.iter(f"{SVG}line") if e.get("class") == "deadline"]
    assert target.get("y1") == target.get("y2") and deadline.get("x1") == deadline.get("x2")
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Meta: 18 h/día" in texts and "Plazo" in texts and "1,500" in texts
    [baseline] = points_of(svg, "baseline")
    assert baseline.find(f"{SVG}title").text == "2018: 10 h/día"
    # The deadline sits right of the last point and left of the axis end.
    assert float(main[1].get("cx")) < float(deadline.get("x1")) < chart_svg.WIDTH
    assert [style for style, _ in chart.legend()] == ["main", "baseline", "target", "deadline"]


def test_figures_after_the_deadline_are_hollow_marks_apart_from_the_line():
    readings = [
        FakeReading(date(2021, 1, 1), Decimal("15")),
        FakeReading(date(2022, 1, 1), Decimal("17")),
        FakeReading(date(2023, 1, 1), Decimal("19"), timing="after"),
    ]
    chart = target_chart(readings)
    svg = parse(chart.svg())
    [after] = points_of(svg, "after")
    assert after.get("fill") == "#ffffff" and after.get("stroke")
    assert after.find(f"{SVG}title").text.startswith("2023: 19 h/día")
    [deadline] = [e for e in svg.iter(f"{SVG}line") if e.get("class") == "deadline"]
    assert float(after.get("cx")) > float(deadline.get("x1"))
    [series] = [e for e in svg.iter(f"{SVG}polyline") if "series" in e.get("class")]
    assert len(series.get("points").split()) == 2  # the line joins the term's figures only
    assert ("after", "Después del plazo") in chart.legend()


def test_an_empty_series_draws_nothing():
    chart = target_chart([])
    assert not chart and chart.svg() == "" and chart.description() == ""


def test_one_point_still_has_axes_and_sits_inside_them():
    chart = series_chart([FakeReading(date(2020, 1, 1), Decimal("7"))], title="Uno", unit="%")
    svg = parse(chart.svg())
    [point] = points_of(svg, "main")
    assert chart_svg.LEFT < float(point.get("cx")) < chart_svg.WIDTH - chart_svg.RIGHT
    assert chart_svg.TOP <= float(point.get("cy")) < chart_svg.HEIGHT - chart_svg.BOTTOM
    assert not [e for e in svg.iter(f"{SVG}polyline")]  # no line through a single point
    assert "2020" in [t.text for t in svg.iter(f"{SVG}text")]
    assert y_ticks(svg)[0] == "0"


def test_all_equal_values_and_all_zeros_get_a_range():
    for value in ("5", "0"):
        readings = [FakeReading(date(year, 1, 1), Decimal(value)) for year in (2019, 2020, 2021)]
        svg = parse(series_chart(readings, title="Plano", unit="").svg())
        ys = {p.get("cy") for p in points_of(svg, "main")}
        assert len(ys) == 1
        assert chart_svg.TOP <= float(ys.pop()) <= chart_svg.HEIGHT - chart_svg.BOTTOM
        assert len(y_ticks(svg)) >= 2


def test_negative_values_go_below_a_marked_zero():
    readings = [FakeReading(date(2019, 1, 1), Decimal("-3.5")), FakeReading(date(2020, 1, 1), Decimal("2"))]
    svg = parse(series_chart(readings, title="Variación", unit="%").svg())
    ticks = y_ticks(svg)
    assert ticks[0].startswith("-") and "0" in ticks
    low, high = points_of(svg, "main")
    zero = next(e for e in svg.iter(f"{SVG}line") if e.get("stroke") == chart_svg.INK)
    assert float(low.get("cy")) > float(zero.get("y1")) > float(high.get("cy"))
    assert chart_svg.value_range([-3.5, 2])[0] < -3.5 <= 2 <= chart_svg.value_range([-3.5, 2])[1]
    assert chart_svg.value_range([20.0])[:2] == (0, 20)  # a round top is not widened


def test_many_years_get_few_ticks():
    readings = [FakeReading(date(year, 1, 1), Decimal(year - 1980)) for year in range(1980, 2023)]
    svg = parse(series_chart(readings, title="Largo", unit="").svg())
    years = [t.text for t in svg.iter(f"{SVG}text") if t.get("text-anchor") == "middle"]
    assert 2 <= len(years) <= chart_svg.MAX_X_TICKS and years == sorted(years)


def test_a_long_series_is_drawn_by_its_shape_and_described_by_all_its_readings():
    # 3,000 daily readings: a chart a few hundred pixels wide draws the first, lowest, highest
    # and last of each slice of time, so the page stays light; the words count every reading.
    start = date(2015, 1, 1).toordinal()
    readings = [FakeReading(date.fromordinal(start + n), Decimal(n % 97)) for n in range(3000)]
    readings[1234].value = Decimal("-50")  # a spike that must stay visible
    readings[2222] = FakeReading(readings[2222].period, Decimal("5"), is_cited=True, note="Dato del plan")
    chart = series_chart(readings, title="Diario", unit="")
    drawn = chart.points
    assert len(drawn) <= charts.MAX_DRAWN_POINTS + 1 < len(readings)
    kept = {(p.when, p.value) for p in drawn}
    for must in (readings[0], readings[-1], readings[1234], readings[2222]):
        assert (must.period, float(must.value)) in kept
    assert [p.when for p in drawn] == sorted(p.when for p in drawn)
    assert chart.description().startswith("3,000 datos, de 2015 a 2023.")  # es-PE groups thousands with a comma
    assert f"traza {len(drawn)} de ellos" in chart.description()
    svg = parse(chart.svg())
    assert len(points_of(svg, "main")) + len(points_of(svg, "context")) == len(drawn)
    assert sum(len(trace["x"]) for trace in chart.figure()["data"]) == len(drawn)
    short = readings[:100]
    assert len(series_chart(short, title="Corto", unit="").points) == 100  # nothing thinned


def test_words_are_escaped():
    readings = [FakeReading(date(2020, 1, 1), Decimal("1"), is_cited=True, note="<b>sin año</b> & más")]
    chart = series_chart(readings, title="A < B", unit="%")
    markup = chart.svg()
    assert "<b>" not in markup and "&lt;b&gt;sin año&lt;/b&gt; &amp; más" in markup and "A &lt; B" in markup
    parse(markup)  # well-formed


def test_the_interactive_figure_has_the_same_data_no_template_and_es_pe_separators():
    readings = [
        FakeReading(date(2021, 1, 1), Decimal("15")),
        FakeReading(date(2023, 1, 1), Decimal("19"), timing="after"),
    ]
    chart = target_chart(readings, projection=20.04, projection_from=(date(2021, 1, 1), Decimal("15")))
    figure = json.loads(chart.figure_json())
    assert "template" not in figure["layout"]
    traces = {trace["name"]: trace for trace in figure["data"]}
    assert traces["Registrado por la municipalidad"]["x"] == ["2021-01-01"]
    assert traces["Registrado por la municipalidad"]["y"] == [15.0]
    assert traces["Después del plazo"]["x"] == ["2023-01-01"]
    assert traces["Línea de base"]["y"] == [10.0]
    assert traces["Proyección"]["y"] == [15.0, 20.04]
    assert all(trace["hoverinfo"] == "text" and trace["hovertext"] for trace in figure["data"])
    assert figure["layout"]["separators"] == ".,"
    assert figure["layout"]["xaxis"]["tickformat"] == "%Y"
    assert [a["text"] for a in figure["layout"]["annotations"]] == ["Meta: 18 h/día", "Plazo"]
    assert [s["line"]["dash"] for s in figure["layout"]["shapes"]] == ["dash", "dot"]
    svg = parse(chart.svg())
    assert len(points_of(svg, "main")) == 1 and len(points_of(svg, "after")) == 1
    assert [e for e in svg.iter(f"{SVG}polyline") if e.get("class") == "projection"]


def test_the_json_script_is_safe_to_inline():
    chart = Chart(title="T", unit="%", groups=[])
    chart.groups.append(Group("</script><script>alert(1)</script>", "main", [Point(date(2020, 1, 1), 1.0, "1")]))
    markup = chart.json_script()
    assert markup.count("</script>") == 1 and markup.startswith('<script id="chart-data" type="application/json">')
    data = re.search(r'type="application/json">(.*)</script>', markup).group(1)
    assert json.loads(data)["data"][0]["name"] == "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"


def test_english_pages_get_english_words():
    with translation.override("en"):
        chart = target_chart([FakeReading(date(2021, 1, 1), Decimal("1500"))])
        figure = chart.figure()
        assert [a["text"] for a in figure["layout"]["annotations"]] == ["Target: 18 h/día", "Deadline"]
        assert ("baseline", "Baseline") in chart.legend()
        assert "Deadline" in chart.svg()


def test_a_reference_line_is_drawn_with_its_label():
    chart = series_chart(
        [FakeReading(date(2021, 1, 1), Decimal("80"))],
        title="TBC",
        unit="por 100 mil",
        reference=Decimal("120"),
        reference_label="Promedio nacional",
    )
    svg = parse(chart.svg())
    assert [e for e in svg.iter(f"{SVG}line") if e.get("class") == "reference"]
    assert "Promedio nacional" in [t.text for t in svg.iter(f"{SVG}text")]
    assert isinstance(chart.target, type(None)) and Line(1.0, "x").label == "x"
