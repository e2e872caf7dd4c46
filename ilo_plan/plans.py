"""Which plan an address is about, remembered by each process for DATA_VERSION_SECONDS (at least a
second), so that a cached page costs no query: a plan's slug to its id, and the featured plan.
A plan's slug is fixed once its plan is public; a change of the featured plan shows within that time."""

import time

from django.conf import settings

from core import versions
from goals.models import Plan

_memo: dict = {}


def _remembered(key, read):
    now = time.monotonic()
    found = _memo.get(key)
    if found is not None and found[1] > now:
        return found[0]
    value = read()
    # As the data versions: never remembered from inside a transaction that changed the data.
    if not versions._bumped_here():
        _memo[key] = (value, now + max(settings.DATA_VERSION_SECONDS, 1))
    return value


def id_of(slug: str) -> int | None:
    return _remembered(("slug", slug), lambda: Plan.objects.filter(slug=slug).values_list("pk", flat=True).first())


def featured_id() -> int | None:
    return _remembered("featured", lambda: getattr(Plan.objects.featured(), "pk", None))


def forget():
    _memo.clear()
