"""When an indicator starts being due: the first day of the earliest plan term that measures it.

This app knows nothing of plans. The app that does registers a source of term starts here
(`goals.apps`), as it registers its closed terms with `indicators.locks`."""

from collections.abc import Callable, Iterable
from datetime import date

# indicator ids → {indicator id: first day of the earliest term}
TermStarts = Callable[[set[int]], dict[int, date]]
_sources: list[TermStarts] = []


def register(source: TermStarts):
    if source not in _sources:
        _sources.append(source)


def term_starts(indicator_ids: Iterable[int]) -> dict[int, date]:
    """The earliest term start of each indicator, in one query per registered source."""
    ids = set(indicator_ids)
    starts: dict[int, date] = {}
    for source in _sources:
        for indicator_id, start in source(ids).items():
            if indicator_id not in starts or start < starts[indicator_id]:
                starts[indicator_id] = start
    return starts


# (indicator id, period) → the ids of the indicators measured by the plan(s) whose term holds that
# period and that measure the indicator; None when no plan does.
SamePlan = Callable[[int, date], set[int] | None]
_same_plan: list[SamePlan] = []


def register_same_plan(source: SamePlan):
    if source not in _same_plan:
        _same_plan.append(source)


def same_plan_indicators(indicator_id: int, period: date) -> set[int] | None:
    """The indicators of the plan a reading of `indicator_id` and `period` belongs to (the work
    queue stays within one plan); None when it belongs to none."""
    found = None
    for source in _same_plan:
        ids = source(indicator_id, period)
        if ids is not None:
            found = (found or set()) | ids
    return found
