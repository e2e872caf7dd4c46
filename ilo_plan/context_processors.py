from django.db.models import OuterRef
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from goals.models import Plan, demo_data_of


def plans_with_demo_data() -> dict[int, str]:
    """The plans that show demo data ({id: title}): a demo reading of one of their indicators, or a
    demo milestone of one of their projects. One query."""
    plans = Plan.objects.filter(demo_data_of(OuterRef("pk")))
    return dict(plans.values_list("pk", "title").order_by("title"))


def site(request):
    """Which plans show demo data (a plan's pages say so when it does; pages of no plan, when any
    plan does), and the same page in the other language."""
    other = "en" if (get_language() or "es").startswith("es") else "es-pe"
    return {
        "demo_plans": SimpleLazyObject(plans_with_demo_data),
        "other_language": other,
        "other_language_url": translate_url(request.path, other),
    }
