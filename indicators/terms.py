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
