"""The plan's public pages. Each one serves any plan: at /planes/<slug>/… with `plan_slug`, and at
today's addresses (without it) for the featured plan; `public.get_plan` finds it either way."""

import functools
from datetime import date

from csp.decorators import csp_update
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language

from core.models import Entity
from indicators.charts import CHART_STYLES, series_chart
from indicators.models import Indicator, Reading
from indicators.views import series_csv

from . import directory as directory_module
from . import progress, public, wording
from .models import Dimension, Plan, SectionPart, StrategicAxis, Target

PLANS_PER_PAGE = 50


def plan_list(request):
    """Every plan, by entity (in ubigeo order: department, province, district) and term, fifty a
    page whatever the number of plans."""
    plans = Plan.objects.select_related("entity").order_by("entity__ubigeo", "-period_start", "slug")
    page = Paginator(plans, PLANS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"plans": page.object_list, "page": page, "featured": Plan.objects.featured()}
    return render(request, "goals/plan_list.html", context)


def directory(request):
    """Every entity of Peru: the departments, or the entities a search finds (`?q=`, a name or a
    ubigeo), each with its current term's headline or "Plan aún no cargado"."""
    query = " ".join(request.GET.get("q", "").split())[:80]
    found = directory_module.entity_rows(directory_module.search(query)) if query else None
    context = {
        "query": query,
        "found": found,
        "departments": None if query else directory_module.departments(),
        "plan_count": Plan.objects.count(),
    }
    return render(request, "goals/directory.html", context)


def entity_detail(request, ubigeo):
    """One entity: its plans (the current term first, with its headline) and the governments below it."""
    entity = get_object_or_404(Entity, ubigeo=ubigeo)
    own = directory_module.entity_rows([entity])[0]
    context = {
        "entity": entity,
        "own": own,
        "plans": list(entity.plans.order_by("-period_start", "slug")),
        "ancestors": directory_module.ancestors(entity),
        "children": directory_module.entity_rows(directory_module.children(entity)),
    }
    return render(request, "goals/entity_detail.html", context)


def plan_home(request, plan_slug=None):
    plan = public.get_plan(plan_slug)
    rows = public.target_statuses(plan)
    by_axis = public.rollup_by(rows, key=lambda t: t.objective.axis_id)
    axes = []
    for axis in plan.axes.all():
        axis_rollup = by_axis.get(axis.pk, public.rollup([]))
        axes.append((axis, axis_rollup, public.status_segments(axis_rollup)))
    summary = public.rollup(rows)
    return render(
        request,
        "home.html",
        {
            "plan": plan,
            "rollup": summary,
            "segments": public.status_segments(summary),
            "framing": public.plan_framing(plan, rows),
            "axes": axes,
            "dimensions": plan.dimensions.all(),
            "last_update": public.last_update(plan),
        },
    )


def axis_detail(request, number, plan_slug=None):
    plan = public.get_plan(plan_slug)
    axis = get_object_or_404(StrategicAxis, plan=plan, number=number)
    rows = public.target_statuses(plan, objective__axis=axis)
    objectives = axis.objectives.select_related("problem__dimension").prefetch_related("targets")
    rows_by_objective = {}
    for row in rows:
        rows_by_objective.setdefault(row.target.objective_id, []).append(row)
    return render(
        request,
        "goals/axis_detail.html",
        {
            "plan": plan,
            "axis": axis,
            "objectives": [(objective, rows_by_objective.get(objective.pk, [])) for objective in objectives],
            "rollup": public.rollup(rows),
        },
    )


def dimension_detail(request, slug, plan_slug=None):
    plan = public.get_plan(plan_slug)
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
def target_detail(request, code, plan_slug=None):
    plan = public.get_plan(plan_slug)
    target = public.get_target(plan, code)
    indicator = target.indicator
    readings = []
    if indicator is not None:
        readings = Reading.objects.approved().filter(indicator=indicator).order_by("-period").public_rows()
    # The page lists the approved series anyway: the status is computed from that same list.
    series = {indicator.pk: [progress.Point(r.period, r.value) for r in reversed(readings)]} if indicator else {}
    row = public.statuses_of([target], series)[0]
    evaluation = row.evaluation
    baseline, baseline_date, _ = target.baseline
    figure = None
    if indicator is not None:
        for reading in readings:
            reading.timing = progress.timing(reading.period, plan.period_start, target.deadline)
        figure = series_chart(
            readings[::-1],
            title=indicator.name,
            unit=indicator.unit.label,
            frequency=indicator.frequency,
            group=term_group(get_language()),
            baseline=baseline,
            baseline_date=baseline_date,
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
            "baseline": target.baseline if baseline is not None else None,
            "readings": readings,
            "figure": figure,
            "milestones": milestones,
            "corrections": [r for r in readings if r.corrects_id],
        },
    )


def term_group(language: str):
    """A reading's legend entry on a target's chart, in `language`: results of the term by who
    vouches for them; earlier figures as context; later ones apart, as never judged. The language
    is asked once per chart, not once per point."""
    return lambda reading: _term_group(reading.provenance, reading.timing, language)


@functools.lru_cache(maxsize=64)
def _term_group(provenance, timing, language) -> tuple[str, str]:
    # A handful of (provenance, timing) pairs per language: their words written once, not once a point.
    label = str(provenance.label).capitalize()
    if timing == progress.Timing.BEFORE:
        return f"{label} · {wording.timing_label(timing)}", "context"
    if timing == progress.Timing.AFTER:
        return wording.timing_label(timing).capitalize(), "after"
    return label, "main"


def target_csv(request, code, plan_slug=None):
    plan = public.get_plan(plan_slug)
    target = get_object_or_404(Target.objects.select_related("indicator__unit"), plan=plan, code=code)
    if target.indicator is None:
        raise Http404("Esta meta no se mide con un indicador.")
    return series_csv(target.indicator, f"meta-{target.code}.csv", request)


def indicator_list(request, plan_slug=None):
    """The plan's indicators: those that measure its targets, then those its diagnosis cites."""
    plan = public.get_plan(plan_slug)
    indicators = (
        public.plan_indicators(plan)
        .select_related("unit", "office")
        .annotate(target_count=Count("targets", filter=Q(targets__plan=plan), distinct=True))
    )
    indicators = list(indicators)
    # Each indicator's latest public figures, enough for its line and sparkline: never the whole series.
    latest = public.latest_figures(i.pk for i in indicators)
    for indicator in indicators:
        indicator.public = latest.get(indicator.pk, [])
    measured = [i for i in indicators if i.target_count]
    context_indicators = [i for i in indicators if not i.target_count]
    return render(
        request,
        "goals/indicator_list.html",
        {"plan": plan, "measured": measured, "context_indicators": context_indicators},
    )


@csp_update(CHART_STYLES)
def indicator_detail(request, code, plan_slug=None):
    """One indicator's series, with the plan's targets it measures. An entity's indicators are
    shared by its plans: any of them opens under any plan of its entity, and lists only that
    plan's targets."""
    plan = public.get_plan(plan_slug)
    indicator = get_object_or_404(Indicator.objects.select_related("unit", "office"), entity=plan.entity_id, code=code)
    readings = indicator.readings.approved().order_by("period").public_rows()
    targets = list(Target.objects.filter(plan=plan, indicator=indicator).select_related("plan"))
    due = None
    if targets:
        due = public.indicator_due(plan, indicator, readings[-1].period if readings else None)
    figure = (
        series_chart(
            readings,
            title=indicator.name,
            unit=indicator.unit.label,
            frequency=indicator.frequency,
            baseline=indicator.baseline_value,
            baseline_date=indicator.baseline_date,
            target=targets[0].value if targets else None,
            deadline=targets[0].deadline if targets else None,
            reference=indicator.reference_value,
            reference_label=indicator.reference_note[:40],
        )
        if readings
        else None
    )
    return render(
        request,
        "goals/indicator_detail.html",
        {
            "plan": plan,
            "indicator": indicator,
            "readings": list(reversed(readings)),
            "targets": targets,
            "due": due,
            "figure": figure,
        },
    )


def report(request, year, plan_slug=None):
    plan = public.get_plan(plan_slug)
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


def report_index(request, plan_slug=None):
    plan = public.get_plan(plan_slug)
    return render(request, "goals/report_index.html", {"plan": plan, "years": report_years(plan)})


def diagnosis(request, plan_slug=None):
    """The plan's own diagnosis, whole; a plan whose text has no diagnosis has no such page."""
    plan = public.get_plan(plan_slug)
    if not plan.has_diagnosis:
        raise Http404("Este plan no tiene diagnóstico.")
    sections = public.plan_sections(plan, SectionPart.DIAGNOSIS)
    return render(request, "goals/diagnosis.html", {"plan": plan, "sections": sections})


def principles(request, plan_slug=None):
    """The plan's principles and the policies of its objectives, whole, as the plan writes them."""
    plan = public.get_plan(plan_slug)
    if not plan.has_principles:
        raise Http404("Este plan no tiene principios ni políticas publicados.")
    sections = public.plan_sections(plan, SectionPart.PRINCIPLES)
    return render(request, "goals/principles.html", {"plan": plan, "sections": sections})


def page_number(request) -> int:
    """?page=N as a number from 1 on; anything else (absent, text, zero) is the first page."""
    value = request.GET.get("page", "")
    return int(value) if value.isdigit() and 0 < len(value) < 7 and int(value) > 0 else 1


def search(request, plan_slug=None):
    """Targets and indicators found by words (`?q=`): a plain GET form, no script. Inside a plan,
    that plan's; at the root (/buscar/), every plan's, grouped by entity and plan."""
    if plan_slug is None:
        results = public.search_everywhere(request.GET.get("q", ""), page=page_number(request))
        return render(
            request,
            "goals/search_all.html",
            {"results": results, "page": results.page, "page_query": urlencode({"q": results.query})},
        )
    plan = public.get_plan(plan_slug)
    results = public.search(plan, request.GET.get("q", ""))
    return render(request, "goals/search.html", {"plan": plan, "results": results})
