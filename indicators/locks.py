"""Periods closed from above: once a plan is closed, the readings of its indicators inside its term
are its final results, and nobody changes them, superusers included (a superuser who must correct one
reopens the plan first, which its history records).

This app knows nothing of plans. The app that does registers here a source of closed terms
(`goals.apps`), the way an app registers its models with the admin; the workflow (every step saves
through `Reading._record`) and the imports ask `refusal` before writing."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date

from django.utils.translation import gettext

# indicator ids → {indicator id: [(first day, last day, what closed it)]}
ClosedTerms = Callable[[set[int]], dict[int, list[tuple[date, date, str]]]]
_sources: list[ClosedTerms] = []


def register(source: ClosedTerms):
    if source not in _sources:
        _sources.append(source)


def closed_terms(indicator_ids: Iterable[int]) -> dict[int, list[tuple[date, date, str]]]:
    """The closed terms of each indicator, in one query per registered source."""
    ids = set(indicator_ids)
    terms: dict[int, list] = defaultdict(list)
    for source in _sources:
        for indicator_id, found in source(ids).items():
            terms[indicator_id].extend(found)
    return terms


def closed_reason(terms: list[tuple[date, date, str]], period: date | None) -> str | None:
    """Why a reading of `period` may not change, given its indicator's closed terms; None if it may."""
    for first, last, label in terms:
        if period is not None and first <= period <= last:
            return gettext(
                "El periodo %(period)s es del %(plan)s, ya cerrado: sus lecturas son resultados finales y ya no "
                "cambian. Para corregir una, un superusuario debe reabrir antes el plan."
            ) % {"period": f"{period:%m/%Y}", "plan": label}
    return None


def refusal(user, indicator_id: int, period: date | None) -> str | None:
    """Why `user` may not change a reading of `indicator_id` and `period`; None when they may.
    Nobody may inside a closed term: a closed plan's results are final."""
    return closed_reason(closed_terms([indicator_id]).get(indicator_id, []), period)
