"""What a chart costs the server: a target page's figure built with `plotly.graph_objects` (its
validation and default template, as before issue 13) against the plain dict without template
serialised by `plotly.io.to_json` that `indicators.charts` builds now, plus the inline SVG.

    .venv/bin/python bench/chart_cost.py

No database: readings like the demo's (48 monthly figures; 5 yearly ones), best of 5 runs."""

import os
import sys
import timeit
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ilo_plan.settings")

import django  # noqa: E402

django.setup()
from django_scopes import scopes_disabled  # noqa: E402

scopes_disabled().__enter__()  # a tool above every entity, as manage.py's commands are (core.scoping)

import plotly.graph_objects as go  # noqa: E402
from django.utils import translation  # noqa: E402
from django.utils.html import json_script  # noqa: E402

from indicators.charts import series_chart  # noqa: E402
from indicators.models import Provenance  # noqa: E402


@dataclass
class Reading:
    period: date
    value: Decimal
    is_cited: bool = False
    note: str = ""

    @property
    def provenance(self):
        return Provenance.CITED if self.is_cited else Provenance.DEMO


def series(months: int, yearly: bool):
    if yearly:
        return [Reading(date(2015 + i, 1, 1), Decimal(25 + i), is_cited=i < 2) for i in range(months)]
    return [Reading(date(2019 + i // 12, i % 12 + 1, 1), Decimal(9) + Decimal(i) / 7) for i in range(months)]


def measure(label: str, readings, frequency: str):
    arguments = dict(
        title="Horas al día de abastecimiento de agua potable",
        unit="h/día",
        frequency=frequency,
        baseline=Decimal("9"),
        baseline_date=date(2018, 1, 1),
        target=Decimal("18"),
        deadline=date(2022, 12, 31),
    )

    def graph_objects():
        figure = go.Figure(series_chart(readings, **arguments).figure())
        return str(json_script(figure.to_plotly_json(), "chart-data"))

    def plain_dict():
        return str(series_chart(readings, **arguments).json_script())

    def plain_dict_and_svg():
        chart = series_chart(readings, **arguments)
        return str(chart.json_script()) + str(chart.svg())

    print(label)
    for name, run, number in [
        ("graph_objects (validation + default template) + json_script", graph_objects, 20),
        ("plain dict, no template + plotly.io.to_json", plain_dict, 200),
        ("plain dict + to_json + inline SVG (each chart page now)", plain_dict_and_svg, 200),
    ]:
        run()
        best = min(timeit.repeat(run, number=number, repeat=5)) / number
        print(f"  {name}: {best * 1000:.2f} ms, {len(run().encode()):,} bytes")


def main():
    translation.activate("es-pe")
    measure("48 monthly figures", series(48, False), "monthly")
    measure("5 yearly figures", series(5, True), "annual")


if __name__ == "__main__":
    main()
