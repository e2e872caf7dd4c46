"""Closed plans freeze their results: the terms during which each indicator measured a target of a
closed plan, for `indicators.locks` (registered in `goals.apps`)."""

from .models import Target


def closed_terms(indicator_ids: set[int]) -> dict[int, list]:
    terms: dict[int, list] = {}
    rows = (
        Target.objects.filter(indicator_id__in=indicator_ids, plan__is_closed=True)
        .values_list("indicator_id", "plan__period_start", "plan__period_end", "plan__title")
        .distinct()
    )
    for indicator_id, first, last, title in rows:
        terms.setdefault(indicator_id, []).append((first, last, f"plan «{title}»"))
    return terms
