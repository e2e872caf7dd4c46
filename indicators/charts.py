"""Figures built in Python: an inline SVG sparkline and the Plotly figure of a series.

The Plotly figure travels to the page as JSON (json_script) and is drawn by a static script,
so no inline script is needed under the Content-Security-Policy."""

from datetime import date
from decimal import Decimal

import plotly.graph_objects as go
from django.utils.translation import gettext as _

SPARK_WIDTH, SPARK_HEIGHT = 100, 24
# plotly.js writes style rules at run time (its modebar and hover labels); pages that draw a
# chart allow inline *styles*, never inline scripts.
CHART_STYLES = {"style-src": ["'unsafe-inline'"]}


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


def series_figure(
    series,
    *,
    title: str,
    unit: str,
    baseline: Decimal | None = None,
    baseline_date: date | None = None,
    target: Decimal | None = None,
    deadline: date | None = None,
    projection: float | None = None,
    reference: Decimal | None = None,
    reference_label: str = "",
) -> dict:
    """The chart of a target or an indicator, as a plain dict ready for json_script."""
    text = {
        "readings": _("Lecturas aprobadas"),
        "baseline": _("Línea de base"),
        "target": _("Meta"),
        "deadline": _("Plazo"),
        "projection": _("Proyección"),
    }
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=[p.period.isoformat() for p in series],
            y=[float(p.value) for p in series],
            mode="lines+markers",
            name=text["readings"],
            line={"color": "#0b5394", "width": 3},
            marker={"size": 8, "symbol": "circle"},
        )
    )
    if baseline is not None and baseline_date is not None:
        figure.add_trace(
            go.Scatter(
                x=[baseline_date.isoformat()],
                y=[float(baseline)],
                mode="markers",
                name=text["baseline"],
                marker={"size": 11, "symbol": "diamond", "color": "#6b6b6b"},
            )
        )
    if target is not None:
        figure.add_hline(
            y=float(target),
            line={"color": "#1e7b34", "dash": "dash", "width": 2},
            annotation_text=f"{text['target']}: {_num(target)} {unit}",
            annotation_position="top left",
        )
    if reference is not None:
        figure.add_hline(
            y=float(reference),
            line={"color": "#8a4b00", "dash": "dot", "width": 2},
            annotation_text=reference_label,
            annotation_position="bottom left",
        )
    if deadline is not None:
        figure.add_vline(x=deadline.isoformat(), line={"color": "#444", "dash": "dot", "width": 1})
        figure.add_annotation(
            x=deadline.isoformat(), y=1, yref="paper", text=text["deadline"], showarrow=False, xanchor="right"
        )
    if projection is not None and series and deadline is not None:
        last = series[-1]
        figure.add_trace(
            go.Scatter(
                x=[last.period.isoformat(), deadline.isoformat()],
                y=[float(last.value), projection],
                mode="lines",
                name=text["projection"],
                line={"color": "#8a4b00", "dash": "dash", "width": 2},
            )
        )
    figure.update_layout(
        title={"text": title, "font": {"size": 15}},
        margin={"l": 48, "r": 16, "t": 48, "b": 40},
        height=340,
        legend={"orientation": "h", "y": -0.2},
        yaxis={"title": {"text": unit}, "rangemode": "tozero"},
        xaxis={"type": "date"},
        font={"family": "system-ui, sans-serif", "size": 13},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
    )
    return figure.to_plotly_json()


def _num(value) -> str:
    return format(Decimal(value).normalize(), ",f")
