from django.conf import settings
from django.shortcuts import render

from goals.models import Plan


def home(request):
    plan = Plan.objects.filter(slug=settings.PLAN_SLUG).first()
    return render(request, "home.html", {"plan": plan})
