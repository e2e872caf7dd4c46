"""Data versions: what caches, ETags and open-data packages key on (`core.models.DataVersion`).

A change bumps the counters of the scopes it touches, in the caller's transaction: a public change
of a plan (an approval, a correction, a withdrawal, a plan edit) its plan's; a change every plan
shows (a unit of the catalogue, an entity's name) the shared one; a public change no plan shows,
its entity's; the staff's work in an office (drafts, submissions, rejections), that office's only.
A plan's pages key on their plan and the shared counter; pages of no plan (the directory, the list
of plans, the API's lists of every plan) on every public counter.

Each process remembers what it read for DATA_VERSION_SECONDS, so a cached page costs no query; a
change made by this process is seen at once (its bump forgets what was remembered, and so does
its commit), one made by another server within DATA_VERSION_SECONDS. Nothing is remembered from
inside a transaction that bumped, whose counters others cannot see yet. Apps above register what
must follow a committed change (`on_commit`): re-rendering a plan's pages, rebuilding packages."""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max, Sum
from django.utils import timezone

from .models import DataVersion

SHARED = "shared"
PUBLIC = None  # every public scope: plans and shared (not the offices' work)
EVERYTHING = "*"  # every scope, the offices' work included: what staff see
# Who may see what (people's roles and entities): never public, but every staff answer follows it,
# so a person removed from a role gets no 304 for an answer that showed what the role let them see.
ACCESS = "access"


def plan_scope(plan_id: int) -> str:
    return f"plan:{plan_id}"


def office_scope(office_id: int) -> str:
    return f"office:{office_id}"


def entity_scope(entity_id: int) -> str:
    """What an entity publishes outside any plan (a figure of an indicator no plan measures or
    cites, an office's name): in the API's lists and the national package, on no plan's page."""
    return f"entity:{entity_id}"


class Version(NamedTuple):
    counter: int
    changed_at: datetime | None


# --- changing -------------------------------------------------------------------------------------


def bump(*scopes: str):
    """Count one change in each scope, in the caller's transaction (each row stays locked until
    it commits; rows are taken in one order, so two changes never wait for each other in a cycle)."""
    scopes = sorted(set(filter(None, scopes)))
    if not scopes:
        return
    now = timezone.now()
    for scope in scopes:
        if not DataVersion.objects.filter(scope=scope).update(counter=F("counter") + 1, changed_at=now):
            _, created = DataVersion.objects.get_or_create(scope=scope, defaults={"counter": 1, "changed_at": now})
            if not created:  # a concurrent first change made the row meanwhile
                DataVersion.objects.filter(scope=scope).update(counter=F("counter") + 1, changed_at=now)
    _forget(bumped=True)
    transaction.on_commit(lambda: _committed(scopes))


_listeners: list[Callable[[list[str]], None]] = []


def on_commit(listener: Callable[[list[str]], None]):
    """Call `listener(scopes)` after each commit that bumped `scopes`."""
    if listener not in _listeners:
        _listeners.append(listener)


def _committed(scopes: list[str]):
    _forget()
    for listener in _listeners:
        listener(scopes)


# --- reading --------------------------------------------------------------------------------------


def current(scopes: Iterable[str] | None = PUBLIC) -> Version:
    """The sum of the scopes' counters and their latest change, in one query. PUBLIC: every
    plan's and the shared one; EVERYTHING: the offices' work and who may see it too."""
    rows = DataVersion.objects.all()
    if scopes is PUBLIC:
        rows = rows.exclude(scope__startswith="office:").exclude(scope=ACCESS)
    elif scopes != EVERYTHING:
        rows = rows.filter(scope__in=list(scopes))
    found = rows.aggregate(counter=Sum("counter"), changed_at=Max("changed_at"))
    return Version(found["counter"] or 0, found["changed_at"])


def of_plan(plan_id: int) -> tuple[str, str]:
    """The scopes a plan's pages and package key on."""
    return (plan_scope(plan_id), SHARED)


# scopes (as a key) → (Version, until when), for this process.
_memo: dict = {}


def cached(scopes: Iterable[str] | None = PUBLIC) -> Version:
    """`current(scopes)`, read at most once every DATA_VERSION_SECONDS in each process."""
    key = scopes if scopes in (PUBLIC, EVERYTHING) else tuple(sorted(scopes))
    now = time.monotonic()
    found = _memo.get(key)
    if found is not None and found[1] > now:
        return found[0]
    value = current(scopes)
    seconds = settings.DATA_VERSION_SECONDS
    if seconds > 0 and not _bumped_here():
        _memo[key] = (value, now + seconds)
    return value


def forget():
    """Forget every remembered version, and make memos kept elsewhere forget theirs (the tests
    start each from the database)."""
    global generation
    generation += 1
    _memo.clear()


# Counts what this process forgot, so memos kept elsewhere (ilo_plan.plans) know when to forget too.
generation = 0


def _forget(bumped=False):
    global generation
    generation += 1
    _memo.clear()
    if bumped:
        connection._data_version_bumped = True
    elif not connection.in_atomic_block:
        connection._data_version_bumped = False


def _bumped_here() -> bool:
    """Whether this connection bumped a version in a transaction not yet over."""
    if not getattr(connection, "_data_version_bumped", False):
        return False
    if connection.in_atomic_block:
        return True
    connection._data_version_bumped = False  # that transaction committed or rolled back
    return False


class RememberedByPlan:
    """Records of a plan that each process keeps while the plan's data version stays the same
    (`of_plan`): what a page reads of a plan's structure (a target with its objective, axis,
    indicator, unit and office) changes only by a change that bumps it. A change through this
    process forgets every record at once (`generation`), one through another server once that
    version is read (within DATA_VERSION_SECONDS). The version is read before the record, so a
    change committed in between makes the next call read it again; nothing read inside a
    transaction that bumped a version is kept. At most `size` records, the least recently used
    forgotten first. Callers get the record itself: they copy it before changing it."""

    def __init__(self, size: int):
        self.size = size
        self._records: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, plan_id: int, key, read: Callable[[], object]):
        seen = generation
        version = cached(of_plan(plan_id))
        with self._lock:
            found = self._records.get((plan_id, key))
            if found is not None and found[0] == seen and found[1] == version:
                self._records.move_to_end((plan_id, key))
                return found[2]
        record = read()
        if record is not None and not _bumped_here():
            with self._lock:
                self._records[(plan_id, key)] = (seen, version, record)
                self._records.move_to_end((plan_id, key))
                while len(self._records) > self.size:
                    self._records.popitem(last=False)
        return record
