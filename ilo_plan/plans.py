"""Which plan an address is about, remembered by each process, so that a cached page costs no query
beyond its data version: a plan's slug to its id, and the featured plan.

A plan's slug is fixed once its plan is public, and the featured plan changes rarely: both are
remembered for PLAN_ADDRESS_SECONDS (60). A change made through this process is seen at once (any
bump of a data version forgets them); one made through another server within that time. A slug
that names no plan is not remembered, so a new plan is found at once everywhere. What is read inside
a transaction that changed data is remembered only while that transaction lasts."""

import time

from django.conf import settings

from core import versions
from goals.models import Plan

_memo: dict = {}


def _remembered(key, read):
    now = time.monotonic()
    found = _memo.get(key)
    if found is not None:
        value, until, generation, provisional = found
        if until > now and generation == versions.generation and (not provisional or versions._bumped_here()):
            return value
    value = read()
    if value is not None:
        _memo[key] = (value, now + settings.PLAN_ADDRESS_SECONDS, versions.generation, versions._bumped_here())
    return value


def id_of(slug: str) -> int | None:
    return _remembered(("slug", slug), lambda: Plan.objects.filter(slug=slug).values_list("pk", flat=True).first())


def featured_id() -> int | None:
    return _remembered("featured", lambda: getattr(Plan.objects.featured(among=Plan.objects.only("pk")), "pk", None))


def forget():
    _memo.clear()
