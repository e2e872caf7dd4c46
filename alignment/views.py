from django.http import Http404
from django.shortcuts import get_object_or_404, render

from goals import public
from goals.models import SectionPart

from . import queries
from .models import AlignmentObjective


def matrix(request, plan_slug=None):
    plan = public.get_plan(plan_slug)
    levels, rows = queries.matrix(plan)
    if not rows:
        raise Http404("Este plan no registra su articulación.")
    sections = public.plan_sections(plan, SectionPart.ALIGNMENT)
    return render(
        request, "alignment/matrix.html", {"plan": plan, "levels": levels, "rows": rows, "sections": sections}
    )


def objective_detail(request, level, number, plan_slug=None):
    plan = public.get_plan(plan_slug)
    objective = get_object_or_404(
        AlignmentObjective.objects.select_related("plan", "level"), plan=plan, level__code=level, number=number
    )
    rows, statuses, rollup = queries.objective_walk(objective)
    return render(
        request,
        "alignment/objective_detail.html",
        {"plan": plan, "objective": objective, "rows": rows, "statuses": statuses, "rollup": rollup},
    )
