"""What the public pages and the yearly report show, gathered in a fixed number of queries."""

import copy
import functools
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import F, Max, Prefetch, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone
from django_scopes import scopes_disabled

from core import versions
from core.search import matching, query_words
from indicators import calendar
from indicators.models import Indicator, Reading

from . import progress, wording
from .evaluation import approved_series, evaluate_targets
from .models import Plan, PlanSection, SectionPart, Target


@dataclass(frozen=True)
class TargetStatus:
    """A target with its evaluation and the approved series behind it."""

    target: Target
    evaluation: progress.Evaluation
    series: list[progress.Point]

    @property
    def status(self) -> progress.Status:
        return self.evaluation.status

    @property
    def explanation(self) -> str:
        """Why the target has its status, in the active language."""
        return wording.explain_target(self.target, self.evaluation)

    @property
    def first_term_point(self) -> progress.Point | None:
        """The first figure of the term the evaluation knew (None without any)."""
        if self.evaluation.latest_period is None:
            return None
        points = progress.term_points(
            self.series,
            start=self.target.plan.period_start,
            deadline=self.target.deadline,
            as_of=self.evaluation.latest_period,
        )
        return points[0] if points else None


@functools.cache
def site_plans():
    """`Plan.objects.for_site()` built once per process: its five EXISTS are resolved once, not
    on every request (about a millisecond of each page). A queryset is a description until it is
    iterated: callers filter a copy of it, never iterate it (its results would stay cached).
    Public reads are not scoped to an entity (core.scoping), so it is built outside any scope."""
    with scopes_disabled():
        return Plan.objects.for_site()


# slug (None: the featured plan) → (the plan, its data version when it was read, versions.generation
# then, until when the featured plan's choice holds).
_plans: dict = {}


def get_plan(slug: str | None = None) -> Plan:
    """The plan a public page or API call is about: the one named by `slug`, or the featured one
    (`Plan.objects.featured()`) when no slug is given; Http404 when there is none. It carries the
    `for_site()` flags (has_axes, has_diagnosis). The one way every view finds its plan.

    Each process remembers the plan it read while the plan's data version stays the same (any
    change to the plan, to what its flags say, or to what every plan shows bumps it): an uncached
    page of an unchanged plan, and each page the worker renders ahead after a change but the
    first, skip the plan's query, the costliest to build of a page (its five EXISTS). Which plan
    is featured is remembered for PLAN_ADDRESS_SECONDS, as the middleware's addresses are."""
    now = time.monotonic()
    remembered = _plans.get(slug)
    version = None
    if remembered is not None:
        plan, read_at, generation, until = remembered
        if generation == versions.generation and (slug is not None or until > now):
            # Read before the plan: a change committed meanwhile makes the next call read it again.
            version = versions.cached(versions.of_plan(plan.pk))
            if version == read_at:
                return copy.copy(plan)
    if slug is None:
        plan = Plan.objects.featured(among=site_plans())
    else:  # a slug is unique: no ORDER BY to compile and plan
        plan = next(iter(site_plans().filter(slug=slug).order_by()), None)
    if plan is None:
        _plans.pop(slug, None)
        raise Http404("No existe ese plan.")
    if remembered is None or remembered[0].pk != plan.pk:
        version = None  # the version read (if any) was another plan's: the next call reads this one's
    if not versions._bumped_here():  # never what a transaction not yet committed sees
        # A plan read with no version read before it is stored without one: the next call reads it.
        _plans[slug] = (plan, version, versions.generation, now + settings.PLAN_ADDRESS_SECONDS)
    return copy.copy(plan)


# What a target's page reads of its target, per plan and code: the visited targets of about 50
# plans (a plan has 15-40), about 11 KB each with its related records, so 11 MB per process at most.
_targets = versions.RememberedByPlan(size=1000)


def get_target(plan: Plan, code: str) -> Target:
    """The target of `plan` with that code, with what its page shows of it (`for_public`), or
    Http404. Each process remembers it while the plan's data version stays the same, as
    `get_plan` does the plan: an uncached target page of an unchanged plan reads only its readings."""

    def read():
        # Codes are unique in a plan: no ORDER BY, whose joins cost PostgreSQL more to plan than the query to run.
        return next(iter(Target.objects.for_public(plan).filter(code=code).order_by()), None)

    target = _targets.get(plan.pk, code, read)
    if target is None:
        raise Http404("No existe esa meta.")
    target = copy.copy(target)
    target.plan = plan
    return target


def target_statuses(plan: Plan | None, as_of: date | None = None, **filters) -> list[TargetStatus]:
    """Every target of the plan (of every plan when `plan` is None), optionally filtered,
    evaluated, in three queries."""
    targets = list(Target.objects.for_public(plan).filter(**filters))
    if plan is not None:
        for target in targets:
            target.plan = plan
    series = approved_series((t.indicator_id for t in targets if t.indicator_id), as_of)
    return statuses_of(targets, series, as_of)


def statuses_of(targets: list[Target], series: dict, as_of: date | None = None) -> list[TargetStatus]:
    """`targets` (from ``Target.objects.for_public()``) evaluated on the approved `series` the
    caller has already read (``approved_series``, or a page's own list of the readings)."""
    evaluations = evaluate_targets(targets, as_of, series=series)
    return [TargetStatus(t, evaluations[t.pk], series.get(t.indicator_id, [])) for t in targets]


def rollup(rows: list[TargetStatus]) -> progress.Rollup:
    return progress.rollup(row.evaluation for row in rows)


def rollup_by(rows: list[TargetStatus], key) -> dict:
    groups = defaultdict(list)
    for row in rows:
        groups[key(row.target)].append(row)
    return {group: rollup(items) for group, items in groups.items()}


def last_update(plan: Plan):
    """When the most recent public figure of the plan's indicators was approved."""
    return (
        Reading.objects.approved()
        .filter(indicator_id__in=plan_indicator_ids(plan))
        .aggregate(last=Max("approved_at"))["last"]
    )


def plan_indicator_ids(plan: Plan):
    """The ids of the plan's indicators as one subquery, a UNION: PostgreSQL then reads each
    indicator's readings by index, where `IN (…) OR IN (…)` made it scan every approved reading
    (855 ms at a million readings, against under 1 ms)."""
    measured = Target.objects.filter(plan=plan, indicator__isnull=False).order_by().values("indicator_id")
    cited = PlanSection.indicators.through.objects.filter(plansection__plan=plan).order_by().values("indicator_id")
    return measured.union(cited)


@dataclass(frozen=True)
class IndicatorDue:
    """When an indicator's next figure is due, and by which plan's calendar (`plan`)."""

    due: calendar.Due
    plan: Plan


def indicator_due(plan: Plan, indicator: Indicator, last_period: date | None, today: date | None = None):
    """The next figure of one of `plan`'s indicators: by the plan's calendar during its term. Once
    the term has ended nothing more is due to that plan; a later plan of the same entity that
    measures the indicator and whose term holds today gives its own calendar. None otherwise."""
    today = today or timezone.localdate()
    if today > plan.period_end:
        plan = (
            Plan.objects.filter(
                entity_id=plan.entity_id, period_start__lte=today, period_end__gte=today, targets__indicator=indicator
            )
            .order_by("-period_start")
            .first()
        )
        if plan is None:
            return None
    due = calendar.next_due(indicator, last_period, first_period=plan.period_start, today=today)
    return IndicatorDue(due, plan)


# How many of an indicator's latest public figures a catalogue line shows in its sparkline.
SPARKLINE_POINTS = 60


@dataclass(frozen=True)
class Figure:
    """A public reading as a catalogue line shows it."""

    period: date
    value: object
    is_cited: bool
    note: str
    is_undated: bool = False


def latest_figures(indicator_ids, limit: int = SPARKLINE_POINTS) -> dict[int, list[Figure]]:
    """The last `limit` public readings of each indicator, oldest first, in one query (a window
    over the (indicator, status, period) index): a catalogue of indicators with a million
    readings between them reads a few thousand rows, not the million."""
    rows = (
        Reading.objects.approved()
        .filter(indicator_id__in=set(indicator_ids))
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("indicator_id")], order_by=[F("period").desc(), F("id").desc()])
        )
        .filter(rank__lte=limit)
        .values_list("indicator_id", "period", "value", "is_cited", "note", "is_undated")
    )
    figures: dict[int, list[Figure]] = defaultdict(list)
    for indicator_id, period, value, is_cited, note, is_undated in rows:
        figures[indicator_id].append(Figure(period, value, is_cited, note, is_undated))
    for series in figures.values():
        series.sort(key=lambda figure: figure.period)
    return figures


def plan_indicators(plan: Plan):
    """The plan's indicators: those that measure its targets and those its text cites. One
    subquery; indicators are shared, so another plan may list some of them too."""
    return Indicator.objects.filter(pk__in=plan_indicator_ids(plan))


def plan_sections(plan: Plan, part: SectionPart) -> list[PlanSection]:
    """The plan's own text for one part of the site, each section with the indicators it cites
    and their figures cited from the plan (`indicator.cited`), in three queries."""
    cited = Reading.objects.approved().cited().order_by("period")
    indicators = Indicator.objects.select_related("unit").prefetch_related(
        Prefetch("readings", queryset=cited, to_attr="cited")
    )
    return list(
        PlanSection.objects.filter(plan=plan, part=part).prefetch_related(Prefetch("indicators", queryset=indicators))
    )


@dataclass(frozen=True)
class Segment:
    """One status's share of a group of targets: a stretch of a stacked bar, `offset` and `share`
    in percent of the bar."""

    status: progress.Status
    count: int
    offset: float
    share: float


def status_segments(summary: progress.Rollup) -> list[Segment]:
    """The statuses a group of targets actually has, in the fixed status order, each with its
    stretch of one bar; statuses with no target are left out (a card says "2 No cumplida",
    not five zeros beside it)."""
    segments, offset = [], 0.0
    for status in progress.Status.ordered():
        count = summary.counts.get(status, 0)
        if not count:
            continue
        share = count / summary.total * 100
        segments.append(Segment(status, count, round(offset, 2), round(share, 2)))
        offset += share
    return segments


@dataclass(frozen=True)
class Framing:
    """How a plan's home opens. When the term has ended, a result: how many targets were met,
    not met and left without data of the term (and, rarely, still under way: a deadline after the
    term's end), and the verdict of each one; `closed` when staff have closed the plan, the only
    moment the result is final (before, an in-term figure approved later still decides). During
    the term, a question: how the targets are going, with `expected`, the share of the term
    elapsed, which is the pace each target is held to."""

    ended: bool
    total: int
    achieved: int
    expected: float | None
    verdicts: list[TargetStatus]
    closed: bool = False
    closed_at: object = None
    not_achieved: int = 0
    no_data: int = 0

    @property
    def under_way(self) -> int:
        return self.total - self.achieved - self.not_achieved - self.no_data

    @property
    def headline(self) -> str:
        return wording.result_headline(self)


def plan_framing(plan: Plan, rows: list[TargetStatus], today: date | None = None) -> Framing:
    today = today or timezone.localdate()
    ended = today > plan.period_end
    counts = {status: sum(1 for row in rows if row.status == status) for status in progress.Status}
    order = {status: n for n, status in enumerate(progress.Status.ordered())}
    # A stable sort: within a status, the targets keep the plan's order.
    verdicts = sorted(rows, key=lambda row: order[row.status]) if ended else []
    expected = None if ended else progress.expected_progress(plan.period_start, plan.period_end, today)
    return Framing(
        ended=ended,
        total=len(rows),
        achieved=counts[progress.Status.ACHIEVED],
        expected=expected,
        verdicts=verdicts,
        closed=ended and plan.is_closed,
        closed_at=plan.closed_at if plan.is_closed else None,
        not_achieved=counts[progress.Status.NOT_ACHIEVED],
        no_data=counts[progress.Status.NO_DATA],
    )


SEARCH_MAX_CHARS = 100


@dataclass(frozen=True)
class SearchResults:
    query: str
    targets: list[TargetStatus]
    indicators: list[Indicator]

    @property
    def count(self) -> int:
        return len(self.targets) + len(self.indicators)


def search(plan: Plan, query: str) -> SearchResults:
    """The plan's targets and indicators whose words hold every word of `query`, regardless of
    accents and case (`core.search`: the database matches each record's folded words), in five
    queries whatever the query, the same on SQLite and PostgreSQL."""
    query = " ".join((query or "").split())[:SEARCH_MAX_CHARS]
    words = query_words(query)
    if not words:
        return SearchResults(query, [], [])
    targets = target_statuses(plan, pk__in=matching(Target.objects.filter(plan=plan), words).values("pk"))
    indicators = (
        matching(plan_indicators(plan), words)
        .select_related("unit", "office")
        .prefetch_related(
            Prefetch("readings", queryset=Reading.objects.approved().order_by("period"), to_attr="public")
        )
        .order_by("order", "code")
    )
    return SearchResults(query, targets, list(indicators))


# Targets and indicators per page of a search of every plan: what a phone shows and a person reads
# before adding a word; the rest is on the next pages.
SEARCH_ALL_LIMIT = 20


@dataclass(frozen=True)
class PlanFound:
    plan: Plan
    targets: list[TargetStatus]


@dataclass(frozen=True)
class EntityFound:
    entity: object
    plans: list[PlanFound]
    indicators: list[Indicator]
    latest_plan: Plan | None  # where the entity's indicators' pages are read


@dataclass(frozen=True)
class NationalResults:
    """What a search of every plan found on one page, by entity and plan; `count` is every target
    and indicator found, on every page."""

    query: str
    entities: list[EntityFound]
    count: int
    page: Page  # of the longer of the two lists: each page holds `limit` targets and as many indicators


def search_everywhere(query: str, page: int = 1, limit: int = SEARCH_ALL_LIMIT) -> NationalResults:
    """Every plan's targets and every entity's indicators whose words hold every word of `query`
    (accents and case forgiven), grouped by entity and plan, `limit` of each per page (a page past
    the last is the last). The database finds and counts them (`core.search`: a trigram index on
    PostgreSQL); only the page's are loaded and evaluated: ten queries in all, whatever the number
    of plans or of results."""
    query = " ".join((query or "").split())[:SEARCH_MAX_CHARS]
    words = query_words(query)
    if not words:
        return NationalResults(query, [], 0, Paginator([], limit).page(1))
    targets = matching(Target.objects.all(), words)
    indicators = matching(Indicator.objects.all(), words)
    target_count, indicator_count = targets.count(), indicators.count()
    pages = Paginator(range(max(target_count, indicator_count)), limit).get_page(page)
    start = (pages.number - 1) * limit
    target_ids = list(
        targets.order_by("plan__entity__ubigeo", "-plan__period_start", "pk").values_list("pk", flat=True)[
            start : start + limit
        ]
    )
    indicator_ids = list(
        indicators.order_by("entity__ubigeo", "order", "code").values_list("pk", flat=True)[start : start + limit]
    )
    rows = target_statuses(None, pk__in=target_ids) if target_ids else []
    indicators = list(
        Indicator.objects.filter(pk__in=indicator_ids)
        .select_related("unit", "office", "entity")
        .prefetch_related(
            Prefetch("readings", queryset=Reading.objects.approved().order_by("period"), to_attr="public")
        )
        .order_by("entity__ubigeo", "order", "code")
    )
    plans = {row.target.plan_id: row.target.plan for row in rows}
    entities = {plan.entity_id: plan.entity for plan in plans.values()} | {i.entity_id: i.entity for i in indicators}
    latest = {}
    for plan in Plan.objects.filter(entity__in=list(entities)).order_by("period_start"):
        latest[plan.entity_id] = plan
    found = []
    for entity in sorted(entities.values(), key=lambda e: e.ubigeo):
        entity_plans = sorted(
            (p for p in plans.values() if p.entity_id == entity.pk), key=lambda p: p.period_start, reverse=True
        )
        found.append(
            EntityFound(
                entity,
                [PlanFound(p, [row for row in rows if row.target.plan_id == p.pk]) for p in entity_plans],
                [i for i in indicators if i.entity_id == entity.pk],
                latest.get(entity.pk),
            )
        )
    return NationalResults(query, found, target_count + indicator_count, pages)
