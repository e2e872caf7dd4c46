from django.shortcuts import get_object_or_404, render

from goals import public
from goals.models import SectionPart

from . import queries
from .models import AlignmentObjective, Level


def matrix(request):
    plan = public.current_plan()
    sections = public.plan_sections(plan, SectionPart.ALIGNMENT)
    return render(request, "alignment/matrix.html", {"plan": plan, "rows": queries.matrix(plan), "sections": sections})


def objective_detail(request, level, number):
    plan = public.current_plan()
    objective = get_object_or_404(
        AlignmentObjective.objects.select_related("plan"), plan=plan, level=level, number=number
    )
    rows, statuses, rollup = queries.objective_walk(objective)
    return render(
        request,
        "alignment/objective_detail.html",
        {
            "plan": plan,
            "objective": objective,
            "rows": rows,
            "statuses": statuses,
            "rollup": rollup,
            "levels": Level,
        },
    )
