"""Figures built in Python: an inline SVG sparkline, and the chart of a series.

A series' chart is described once (`Chart`: its groups of points, baseline, target, reference,
deadline and projection, every label already in the page's language) and drawn twice from that
description: as an inline SVG on the server (`indicators.chart_svg`, the chart everyone sees,
with no JavaScript) and as a Plotly figure that `static/js/chart.js` draws only when the reader
asks for the interactive chart. Both show the same data.

The Plotly figure is a plain dict serialised by `plotly.io.to_json`, with no template: building
it with `plotly.graph_objects` (validation and the default template) cost about 100 times more
for the same picture; the numbers are in docs/public-site.md. It travels to the page as JSON in
a `<script type="application/json">` element, so no inline script is needed under the CSP."""

import operator
import textwrap
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from html import escape

import plotly.io
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core import formatting

from . import chart_svg
from .chart_svg import COLOURS

SPARK_WIDTH, SPARK_HEIGHT = 100, 24
# plotly.js writes style rules at run time (its modebar and hover labels); pages that may draw
# the interactive chart allow inline *styles*, never inline scripts.
CHART_STYLES = {"style-src": ["'unsafe-inline'"]}
# What Django's json_script escapes, so that no text can close the <script> element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def sparkline_points(series) -> str:
    """SVG polyline points for a series of (period, value), scaled into a 100×24 box."""
    points = [(p.period.toordinal(), float(p.value)) for p in series]
    if len(points) < 2:
        return ""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    x_low, y_low = min(xs), min(ys)
    x_span, y_span = (max(xs) - x_low) or 1, (max(ys) - y_low) or 1
    return " ".join(
        f"{(x - x_low) / x_span * SPARK_WIDTH:.1f},{SPARK_HEIGHT - 2 - (y - y_low) / y_span * (SPARK_HEIGHT - 4):.1f}"
        for x, y in points
    )


# How a group of readings is drawn: the results, figures given as context, and figures shown
# but never judged (after a target's deadline). The SVG uses the same colours and shapes.
TRACE_STYLES = {
    "main": {"mode": "lines+markers", "line": {"color": COLOURS["main"], "width": 3}, "marker": {"size": 8}},
    "context": {
        "mode": "lines+markers",
        "line": {"color": COLOURS["context"], "width": 1, "dash": "dot"},
        "marker": {"size": 8, "symbol": "square", "color": COLOURS["context"]},
    },
    "after": {
        "mode": "markers",
        "marker": {"size": 9, "symbol": "circle-open", "color": COLOURS["after"], "line": {"width": 2}},
    },
}
NOTE_WIDTH = 38
MAX_DRAWN_POINTS = 400


@dataclass(frozen=True)
class Point:
    when: date
    value: float
    label: str  # what a reader hears or sees on hover: "2016: 27.8 % · Citado del plan"
    note: str = ""  # shown on hover and in the SVG point's title
    annotate: bool = False  # a cited figure's note is also written on the interactive chart


@dataclass(frozen=True)
class Group:
    name: str
    style: str  # a key of TRACE_STYLES
    points: list[Point]


@dataclass(frozen=True)
class Line:
    value: float
    label: str


@dataclass
class Chart:
    """One series' chart, described once and drawn as SVG (always) and Plotly (on request)."""

    title: str
    unit: str
    frequency: str = "annual"
    groups: list[Group] = field(default_factory=list)
    baseline: Point | None = None
    target: Line | None = None
    reference: Line | None = None
    deadline: date | None = None
    projection: tuple[Point, Point] | None = None
    total: int | None = None  # the readings the chart stands for, when it draws only some (`thinned`)

    def __bool__(self) -> bool:
        return any(group.points for group in self.groups)

    @property
    def points(self) -> list[Point]:
        return sorted((p for group in self.groups for p in group.points), key=lambda p: p.when)

    def figure(self) -> dict:
        return plotly_figure(self)

    def figure_json(self) -> str:
        return plotly.io.to_json(self.figure(), validate=False)

    def json_script(self, element_id: str = "chart-data") -> SafeString:
        """The Plotly figure in a `<script type="application/json">`, escaped as Django's
        `json_script` does."""
        data = self.figure_json().translate(JSON_SCRIPT_ESCAPES)
        return mark_safe(f'<script id="{element_id}" type="application/json">{data}</script>')

    def svg(self) -> SafeString:
        return chart_svg.render(self)

    def legend(self) -> list[tuple[str, str]]:
        """(style, name) of everything drawn, in the order the legend lists them."""
        entries = [(group.style, group.name) for group in self.groups if group.points]
        if self.baseline is not None:
            entries.append(("baseline", _("Línea de base")))
        if self.target is not None:
            entries.append(("target", self.target.label))
        if self.reference is not None and self.reference.label:
            entries.append(("reference", self.reference.label))
        if self.deadline is not None:
            entries.append(("deadline", f"{_('Plazo')}: {formatting.short_date(self.deadline)}"))
        if self.projection is not None:
            entries.append(("projection", _("Proyección")))
        return entries

    def description(self) -> str:
        """The chart in one or two sentences, for its <desc> and screen readers."""
        points = self.points
        if not points:
            return ""
        first, last = points[0], points[-1]
        count = max(self.total or 0, len(points))
        if count == 1:
            parts = [_("Un solo dato: %(label)s.") % {"label": last.label}]
        else:
            parts = [
                _("%(count)s datos, de %(first)s a %(last)s.")
                % {
                    "count": formatting.number(count),
                    "first": formatting.period(first.when, self.frequency),
                    "last": formatting.period(last.when, self.frequency),
                },
                _("Último dato: %(label)s.") % {"label": last.label},
            ]
            if count > len(points):
                parts.append(
                    _("El gráfico traza %(drawn)s de ellos (los extremos de cada tramo); la tabla los tiene todos.")
                    % {"drawn": formatting.number(len(points))}
                )
        if self.baseline is not None:
            parts.append(_("Línea de base: %(label)s.") % {"label": self.baseline.label})
        if self.target is not None:
            parts.append(f"{self.target.label}.")
        if self.deadline is not None:
            parts.append(_("Plazo: %(date)s.") % {"date": formatting.short_date(self.deadline)})
        if self.projection is not None:
            parts.append(_("Proyección al plazo: %(label)s.") % {"label": self.projection[1].label})
        return " ".join(parts)


def thinned(readings: list, most: int = MAX_DRAWN_POINTS) -> list:
    """At most about `most` of `readings` (oldest first), keeping the series' shape: the time
    span cut into equal slices, and of each slice its first, lowest, highest and last reading.
    The first and last readings, and every cited note, always stay. A chart is a few hundred
    pixels wide: a daily series of 6,500 readings drawn point by point weighed 1.6 MB and showed
    nothing more; the table and the CSV keep every figure."""
    if len(readings) <= most:
        return readings
    slices = max(1, most // 4)
    first, last = readings[0].period.toordinal(), readings[-1].period.toordinal()
    width = (last - first + 1) / slices
    buckets: dict[int, list] = {}
    for reading in readings:
        buckets.setdefault(int((reading.period.toordinal() - first) / width), []).append(reading)
    kept, value = [], operator.attrgetter("value")
    for bucket in buckets.values():
        chosen = {id(r): r for r in (bucket[0], min(bucket, key=value), max(bucket, key=value), bucket[-1])}
        chosen.update({id(r): r for r in bucket if r.is_cited and r.note})
        kept.extend(r for r in bucket if id(r) in chosen)
    return kept


def provenance_group(reading) -> tuple[str, str]:
    """The legend entry and style of a reading on an indicator's own chart: who vouches for it."""
    return str(reading.provenance.label).capitalize(), "context" if reading.is_cited else "main"


def series_chart(
    readings,
    *,
    title: str,
    unit: str,
    frequency: str = "annual",
    group=provenance_group,
    baseline: Decimal | None = None,
    baseline_date: date | None = None,
    target: Decimal | None = None,
    deadline: date | None = None,
    projection: float | None = None,
    projection_from: tuple[date, Decimal] | None = None,
    reference: Decimal | None = None,
    reference_label: str = "",
) -> Chart:
    """The chart of a target or an indicator.

    `readings` are public readings, oldest first; `group(reading)` gives each one its legend
    entry and style. Every point says who vouches for it and its note; notes of figures cited
    from the plan ("sin año en el plan") are written on the interactive chart."""
    by_group: dict[tuple[str, str], list] = {}
    for reading in readings:
        by_group.setdefault(group(reading), []).append(reading)
    groups: dict[tuple[str, str], list[Point]] = {}
    provenances: dict[str, str] = {}  # each label translated once, not once a point
    for key, members in by_group.items():
        for reading in thinned(members):
            provenance = provenances.get(reading.provenance)
            if provenance is None:
                provenance = provenances[reading.provenance] = str(reading.provenance.label).capitalize()
            groups.setdefault(key, []).append(
                Point(
                    reading.period,
                    float(reading.value),
                    _label(
                        reading.period,
                        reading.value,
                        unit,
                        frequency,
                        provenance,
                        getattr(reading, "is_undated", False),
                    ),
                    reading.note,
                    annotate=bool(reading.is_cited and reading.note),
                )
            )
    chart = Chart(
        title=title,
        unit=unit,
        frequency=frequency,
        groups=[Group(name, style, points) for (name, style), points in groups.items()],
        total=sum(len(members) for members in by_group.values()),
    )
    if baseline is not None and baseline_date is not None:
        chart.baseline = Point(baseline_date, float(baseline), _label(baseline_date, baseline, unit, frequency))
    if target is not None:
        chart.target = Line(float(target), f"{_('Meta')}: {formatting.number(target)} {unit}".strip())
    if reference is not None:
        chart.reference = Line(float(reference), reference_label)
    chart.deadline = deadline
    if projection is not None and projection_from is not None and deadline is not None:
        period, value = projection_from
        chart.projection = (
            Point(period, float(value), _label(period, value, unit, frequency)),
            Point(deadline, float(projection), _label(deadline, round(projection, 1), unit, "daily")),
        )
    return chart


def plotly_figure(chart: Chart) -> dict:
    """The Plotly figure of a chart: a plain dict, no template, every text in the page's language."""
    data, annotations, shapes = [], [], []
    for group in chart.groups:
        data.append(
            {
                "type": "scatter",
                "x": [p.when.isoformat() for p in group.points],
                "y": [p.value for p in group.points],
                "name": escape(group.name),
                "hovertext": [_hover(p) for p in group.points],
                "hoverinfo": "text",
                **TRACE_STYLES[group.style],
            }
        )
        annotations.extend(
            {
                "x": p.when.isoformat(),
                "y": p.value,
                "text": _wrap(p.note),
                "showarrow": True,
                "arrowhead": 2,
                "ax": 0,
                "ay": -48,
                "font": {"size": 11},
                "align": "left",
            }
            for p in group.points
            if p.annotate
        )
    if chart.baseline is not None:
        data.append(
            {
                "type": "scatter",
                "x": [chart.baseline.when.isoformat()],
                "y": [chart.baseline.value],
                "mode": "markers",
                "name": _("Línea de base"),
                "hovertext": [escape(chart.baseline.label)],
                "hoverinfo": "text",
                "marker": {"size": 11, "symbol": "diamond", "color": COLOURS["baseline"]},
            }
        )
    for line, kind, dash, position in (
        (chart.target, "target", "dash", "top"),
        (chart.reference, "reference", "dot", "bottom"),
    ):
        if line is None:
            continue
        shapes.append(
            {
                "type": "line",
                "xref": "x domain",
                "x0": 0,
                "x1": 1,
                "yref": "y",
                "y0": line.value,
                "y1": line.value,
                "line": {"color": COLOURS[kind], "dash": dash, "width": 2},
            }
        )
        if line.label:
            annotations.append(
                {
                    "xref": "x domain",
                    "x": 0,
                    "xanchor": "left",
                    "yref": "y",
                    "y": line.value,
                    "yanchor": "bottom" if position == "top" else "top",
                    "text": escape(line.label),
                    "showarrow": False,
                }
            )
    if chart.deadline is not None:
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "x0": chart.deadline.isoformat(),
                "x1": chart.deadline.isoformat(),
                "yref": "y domain",
                "y0": 0,
                "y1": 1,
                "line": {"color": COLOURS["deadline"], "dash": "dot", "width": 1},
            }
        )
        annotations.append(
            {
                "x": chart.deadline.isoformat(),
                "y": 1,
                "yref": "paper",
                "text": _("Plazo"),
                "showarrow": False,
                "xanchor": "right",
            }
        )
    if chart.projection is not None:
        start, end = chart.projection
        data.append(
            {
                "type": "scatter",
                "x": [start.when.isoformat(), end.when.isoformat()],
                "y": [start.value, end.value],
                "mode": "lines",
                "name": _("Proyección"),
                "hovertext": [escape(start.label), escape(end.label)],
                "hoverinfo": "text",
                "line": {"color": COLOURS["projection"], "dash": "dash", "width": 2},
            }
        )
    decimal, thousands = formats.get_format("DECIMAL_SEPARATOR"), formats.get_format("THOUSAND_SEPARATOR")
    days = [p.when for p in chart.points] + ([chart.deadline] if chart.deadline else [])
    if chart.frequency == "annual" or (max(days) - min(days)).days > 2 * 365:
        xaxis = {"type": "date", "tickformat": "%Y", "dtick": "M12", "nticks": 6}
    else:
        xaxis = {"type": "date", "tickformat": "%b %Y", "nticks": 4}
    return {
        "data": data,
        "layout": {
            # No title: the page's heading and the caption name the chart, and a long title
            # would run under the modebar on a phone.
            "margin": {"l": 48, "r": 16, "t": 36, "b": 40},
            "height": 340,
            "legend": {"orientation": "h", "y": -0.2},
            "yaxis": {"title": {"text": escape(chart.unit)}, "rangemode": "tozero", "tickformat": ",~f"},
            "xaxis": xaxis,
            "separators": f"{decimal}{thousands}",
            "font": {"family": "system-ui, sans-serif", "size": 13, "color": "#1a1a1a"},
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
            "hovermode": "closest",
            "annotations": annotations,
            "shapes": shapes,
        },
    }


def _label(when: date, value, unit: str, frequency: str, provenance: str = "", undated: bool = False) -> str:
    """'2016: 27.8 % · Citado del plan'; a figure the plan gives no year says so instead of the
    period that only orders it."""
    period = _("sin año en el plan") if undated else formatting.period(when, frequency)
    text = f"{period}: {formatting.number(value)} {unit}".strip()
    return f"{text} · {provenance}" if provenance else text


def _hover(point: Point) -> str:
    when_value, _sep, provenance = point.label.partition(" · ")
    lines = [escape(when_value)] + ([escape(provenance)] if provenance else [])
    if point.note:
        lines.append(_wrap(point.note))
    return "<br>".join(lines)


def _wrap(note: str) -> str:
    """A note in short lines for the chart, each escaped (plotly reads a little HTML)."""
    return "<br>".join(escape(line) for line in textwrap.wrap(note, NOTE_WIDTH))
