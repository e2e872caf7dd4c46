from pathlib import Path

import markdown
from django.conf import settings
from django.shortcuts import render
from django.utils.safestring import mark_safe

from goals import public
from goals.models import Plan, SectionPart
from indicators.models import Indicator

METHODOLOGY = Path(settings.BASE_DIR) / "docs" / "metodologia.md"


def home(request):
    plan = Plan.objects.filter(slug=settings.PLAN_SLUG).first()
    if plan is None:
        return render(request, "home_empty.html")
    rows = public.target_statuses(plan)
    by_axis = public.rollup_by(rows, key=lambda t: t.objective.axis_id)
    axes = [(axis, by_axis.get(axis.pk, public.rollup([]))) for axis in plan.axes.all()]
    return render(
        request,
        "home.html",
        {
            "plan": plan,
            "rollup": public.rollup(rows),
            "axes": axes,
            "dimensions": plan.dimensions.all(),
            "last_update": public.last_update(),
        },
    )


def diagnosis(request):
    plan = public.current_plan()
    sections = public.plan_sections(plan, SectionPart.DIAGNOSIS)
    return render(request, "diagnosis.html", {"plan": plan, "sections": sections})


def methodology(request):
    html = markdown.markdown(METHODOLOGY.read_text(encoding="utf-8"), extensions=["tables"])
    # The first heading of the document becomes the page's h1.
    return render(request, "methodology.html", {"body": mark_safe(html)})  # noqa: S308 (our own file)


def open_data(request):
    return render(request, "open_data.html", {"indicator_count": Indicator.objects.count()})
