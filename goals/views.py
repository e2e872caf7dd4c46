from datetime import date

from csp.decorators import csp_update
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from indicators.charts import CHART_STYLES, series_figure
from indicators.models import Reading
from indicators.views import series_csv

from . import progress, public, wording
from .models import Dimension, StrategicAxis, Target


def axis_detail(request, number):
    plan = public.current_plan()
    axis = get_object_or_404(StrategicAxis.objects.select_related("plan"), plan=plan, number=number)
    rows = public.target_statuses(plan, objective__axis=axis)
    objectives = axis.objectives.select_related("problem__dimension").prefetch_related("targets")
    rows_by_objective = {}
    for row in rows:
        rows_by_objective.setdefault(row.target.objective_id, []).append(row)
    alignment = list(axis.alignment_rows.select_related("national").prefetch_related("regional", "provincial"))
    return render(
        request,
        "goals/axis_detail.html",
        {
            "plan": plan,
            "axis": axis,
            "objectives": [(objective, rows_by_objective.get(objective.pk, [])) for objective in objectives],
            "rollup": public.rollup(rows),
            "alignment": alignment,
        },
    )


def dimension_detail(request, slug):
    plan = public.current_plan()
    dimension = get_object_or_404(Dimension, plan=plan, slug=slug)
    rows = {row.target.pk: row for row in public.target_statuses(plan, objective__problem__dimension=dimension)}
    problems = dimension.problems.prefetch_related("objectives__targets", "objectives__axis")
    table = [
        (
            problem,
            [(objective, [rows[t.pk] for t in objective.targets.all()]) for objective in problem.objectives.all()],
        )
        for problem in problems
    ]
    return render(
        request,
        "goals/dimension_detail.html",
        {
            "plan": plan,
            "dimension": dimension,
            "table": table,
            "rollup": public.rollup(list(rows.values())),
        },
    )


@csp_update(CHART_STYLES)
def target_detail(request, code):
    plan = public.current_plan()
    rows = public.target_statuses(plan, code=code)
    if not rows:
        raise Http404("No existe esa meta.")
    row = rows[0]
    target, evaluation = row.target, row.evaluation
    indicator = target.indicator
    readings = []
    figure = None
    if indicator is not None:
        readings = list(
            Reading.objects.approved().filter(indicator=indicator).select_related("corrects").order_by("-period")
        )
        for reading in readings:
            reading.timing = progress.timing(reading.period, plan.period_start, target.deadline)
        figure = series_figure(
            readings[::-1],
            title=indicator.name,
            unit=indicator.unit.symbol or indicator.unit.name,
            frequency=indicator.frequency,
            group=term_group,
            baseline=indicator.baseline_value,
            baseline_date=indicator.baseline_date,
            target=target.value,
            deadline=target.deadline,
            projection=evaluation.projection,
            projection_from=(evaluation.latest_period, evaluation.latest_value) if evaluation.projection else None,
        )
    milestones = list(target.project.milestones.all()) if target.project_id else []
    return render(
        request,
        "goals/target_detail.html",
        {
            "plan": plan,
            "row": row,
            "target": target,
            "evaluation": evaluation,
            "indicator": indicator,
            "readings": readings,
            "figure": figure,
            "milestones": milestones,
            "corrections": [r for r in readings if r.corrects_id],
        },
    )


def term_group(reading) -> tuple[str, str]:
    """A reading's legend entry on a target's chart: results of the term by who vouches for
    them; earlier figures as context; later ones apart, as never judged."""
    provenance = str(reading.provenance.label).capitalize()
    if reading.timing == progress.Timing.BEFORE:
        return f"{provenance} · {wording.timing_label(reading.timing)}", "context"
    if reading.timing == progress.Timing.AFTER:
        return wording.timing_label(reading.timing).capitalize(), "after"
    return provenance, "main"


def target_csv(request, code):
    target = get_object_or_404(Target.objects.select_related("indicator"), plan=public.current_plan(), code=code)
    if target.indicator is None:
        raise Http404("Esta meta no se mide con un indicador.")
    return series_csv(target.indicator, f"meta-{target.code}.csv")


def report(request, year):
    plan = public.current_plan()
    if not year.isdigit() or int(year) not in report_years(plan):
        raise Http404("No hay informe para ese año.")
    as_of = date(int(year), 12, 31)
    rows = public.target_statuses(plan, as_of=as_of)
    return render(
        request,
        "goals/report.html",
        {
            "plan": plan,
            "year": int(year),
            "as_of": as_of,
            "rows": rows,
            "rollup": public.rollup(rows),
        },
    )


def report_years(plan) -> range:
    """The plan's years that have ended or are under way."""
    return range(plan.period_start.year, min(plan.period_end.year, timezone.localdate().year) + 1)


def report_index(request):
    plan = public.current_plan()
    return render(request, "goals/report_index.html", {"plan": plan, "years": report_years(plan)})
