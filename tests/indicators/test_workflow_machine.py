"""The review workflow as a state machine: random steps by random people of random roles and offices,
and after every step the promises still hold."""

import itertools
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from core import versions
from indicators import access
from indicators.access import ROLE_AUDITOR, ROLE_REGISTRADOR, ROLE_REVISOR
from indicators.models import Reading
from tests.factories import make_indicator, make_office, make_user

pytestmark = pytest.mark.django_db

PEOPLE = [
    "registrador-A",
    "otro-registrador-A",
    "revisor-A",
    "registrador-y-revisor-A",
    "registrador-B",
    "revisor-B",
    "auditor",
    "superusuario",
    "anónimo",
]
AUTHORING = ("registro", "edición", "corrección")
# Anybody may try anything; half the time it is someone whose role fits, so that runs get deep
# enough (approved readings, corrections) to test what only happens there.
ENTERING = ["registrador-A", "otro-registrador-A", "registrador-y-revisor-A", "superusuario"]
REVIEWING = ["revisor-A", "registrador-y-revisor-A", "superusuario"]
anybody = st.sampled_from(PEOPLE)
enterers = st.one_of(st.sampled_from(ENTERING), anybody)
reviewers = st.one_of(st.sampled_from(REVIEWING), anybody)
fresh_copies = st.sampled_from([True, True, True, False])  # False: a copy read before later changes
aims = st.sampled_from([None, 0, 1, 2, 3, 4, 5])  # see Workflow.pick
values = st.sampled_from(["12.5", "12.75", "100", "130"])  # 130 is out of the unit's range
reasons = st.sampled_from(["No coincide con el informe de la EPS", "Dato duplicado", "Error de digitación", " "])
machines = itertools.count(1)


class Workflow(RuleBasedStateMachine):
    readings = Bundle("readings")

    def __init__(self):
        super().__init__()
        # Each run lives in its own savepoint, rolled back at teardown.
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        n = next(machines)
        office_a, office_b = make_office(f"MA{n}"), make_office(f"MB{n}")
        self.indicators = [
            make_indicator(f"M{n}-MENSUAL", office=office_a, frequency="monthly"),
            make_indicator(f"M{n}-ANUAL", office=office_a),
            make_indicator(f"M{n}-OTRA", office=office_b),
        ]
        both = make_user(f"m{n}-ambos", ROLE_REGISTRADOR, [office_a])
        both.groups.add(make_user(f"m{n}-x", ROLE_REVISOR).groups.get())
        self.people = {
            "registrador-A": make_user(f"m{n}-ra", ROLE_REGISTRADOR, [office_a]),
            "otro-registrador-A": make_user(f"m{n}-ra2", ROLE_REGISTRADOR, [office_a]),
            "revisor-A": make_user(f"m{n}-va", ROLE_REVISOR, [office_a]),
            "registrador-y-revisor-A": both,
            "registrador-B": make_user(f"m{n}-rb", ROLE_REGISTRADOR, [office_b]),
            "revisor-B": make_user(f"m{n}-vb", ROLE_REVISOR, [office_b]),
            "auditor": make_user(f"m{n}-au", ROLE_AUDITOR),
            "superusuario": make_user(f"m{n}-su", is_superuser=True),
            "anónimo": AnonymousUser(),
        }
        # A copy of each reading as first read: steps on it after any change must be refused.
        self.first_copies = {}
        # Readings whose approval came with the reviewer's confirmation of an atípico value.
        self.confirmed_outliers = set()

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # --- the steps ---

    @initialize(target=readings)
    def a_reading_waiting_for_review_and_a_public_one(self):
        """Each run starts where the interesting steps are reachable: approvals and corrections."""

        def first_draft(indicator):
            return lambda user: Reading.objects.create_draft(
                user=user, indicator=indicator, period=date(2021, 1, 1), value=Decimal("12.5"), source="EPS"
            )

        waiting, public = (self.attempt("registrador-A", first_draft(indicator)) for indicator in self.indicators[:2])
        for reading in (waiting, public):
            self.attempt("registrador-A", reading.submit)
        self.attempt("revisor-A", public.approve)
        return multiple(self.keep(waiting), self.keep(public))

    @rule(target=readings, who=enterers, indicator=st.sampled_from([0, 0, 1, 2]), month=st.integers(1, 2), value=values)
    def register(self, who, indicator, month, value):
        reading = self.attempt(
            who,
            lambda user: Reading.objects.create_draft(
                user=user,
                indicator=self.indicators[indicator],
                period=date(2021, month, 1),
                value=Decimal(value),
                source="EPS Ilo",
            ),
        )
        return self.keep(reading)

    @rule(reading=readings, aim=aims, who=enterers, value=values, fresh=fresh_copies)
    def edit(self, reading, aim, who, value, fresh):
        reading = self.copy(self.pick(reading, aim, {"draft", "rejected"}), fresh)
        self.attempt(who, lambda user: reading.edit(user, value=Decimal(value)))

    @rule(reading=readings, aim=aims, who=enterers, fresh=fresh_copies)
    def submit(self, reading, aim, who, fresh):
        reading = self.copy(self.pick(reading, aim, {"draft", "rejected"}), fresh)
        self.attempt(who, lambda user: reading.submit(user))

    @rule(reading=readings, aim=aims, who=reviewers, fresh=fresh_copies, confirm=st.booleans())
    def approve(self, reading, aim, who, fresh, confirm):
        reading = self.copy(self.pick(reading, aim, {"submitted"}), fresh)
        was = Reading.objects.get(pk=reading.pk).status
        self.attempt(who, lambda user: reading.approve(user, confirm_outlier=confirm))
        if confirm and was != "approved" and Reading.objects.get(pk=reading.pk).status == "approved":
            self.confirmed_outliers.add(reading.pk)

    @rule(reading=readings, aim=aims, who=reviewers, reason=reasons, fresh=fresh_copies)
    def reject(self, reading, aim, who, reason, fresh):
        reading = self.copy(self.pick(reading, aim, {"submitted"}), fresh)
        self.attempt(who, lambda user: reading.reject(user, reason))

    @rule(reading=readings, aim=aims, who=st.one_of(enterers, reviewers), reason=reasons, fresh=fresh_copies)
    def withdraw(self, reading, aim, who, reason, fresh):
        reading = self.copy(self.pick(reading, aim, {"draft", "submitted", "approved", "rejected"}), fresh)
        self.attempt(who, lambda user: reading.withdraw(user, reason))

    @rule(target=readings, reading=readings, aim=aims, who=enterers, value=values, reason=reasons, fresh=fresh_copies)
    def correct(self, reading, aim, who, value, reason, fresh):
        reading = self.copy(self.pick(reading, aim, {"approved"}), fresh)
        correction = self.attempt(
            who, lambda user: reading.correct(user, value=Decimal(value), source="EPS", reason=reason)
        )
        return self.keep(correction)

    # --- how each step is judged ---

    def keep(self, reading):
        if reading is None:
            return multiple()
        self.first_copies[reading.pk] = Reading.objects.get(pk=reading.pk)
        return reading.pk

    def pick(self, drawn, aim, states):
        """The drawn reading, or, when `aim` is a number, one of the readings in a state the step
        accepts (if any): random steps alone seldom reach an approval or a correction."""
        if aim is None:
            return drawn
        fitting = list(
            Reading.objects.filter(indicator__in=self.indicators, status__in=states)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        return fitting[aim % len(fitting)] if fitting else drawn

    def copy(self, pk, fresh):
        return Reading.objects.get(pk=pk) if fresh else self.first_copies[pk]

    def snapshot(self):
        rows = Reading.objects.filter(indicator__in=self.indicators).values_list("pk", "status", "value", "period")
        history = Reading.history.filter(indicator__in=self.indicators).values("id").annotate(n=Count("history_id"))
        steps = {row["id"]: row["n"] for row in history}
        readings = {pk: (status, value, period, steps.get(pk, 0)) for pk, status, value, period in rows}
        return readings, versions.current(versions.EVERYTHING)

    def attempt(self, who, step):
        """Runs one step; the workflow may refuse it (PermissionDenied, ValidationError and its
        TransitionError), and then nothing changed. Any other exception fails the test."""
        user = self.people[who]
        before, version_before = self.snapshot()
        try:
            result = step(user)
        except (PermissionDenied, ValidationError):
            assert self.snapshot() == (before, version_before)
            return None
        after, version_after = self.snapshot()
        changed = {pk for pk in after if after[pk] != before.get(pk)}
        assert changed, "a step that succeeds changes a reading"
        assert version_after[0] > version_before[0]
        for pk in changed:
            versions_before = before[pk][3] if pk in before else 0
            assert after[pk][3] == versions_before + 1, "every change of a reading has exactly one history row"
            latest = Reading.history.filter(id=pk).order_by("-history_id").first()
            assert (latest.status, latest.value, latest.period) == after[pk][:3]
            assert latest.history_user_id == user.pk and latest.history_change_reason.strip()
        return result

    # --- what must always hold ---

    @invariant()
    def at_most_one_approved_reading_per_indicator_and_period(self):
        approved = Reading.objects.filter(indicator__in=self.indicators, status="approved")
        assert not approved.values("indicator", "period").annotate(n=Count("id")).filter(n__gt=1).exists()

    @invariant()
    def nothing_is_public_that_a_second_person_did_not_approve(self):
        public = {
            reading.pk: reading
            for reading in Reading.objects.approved().filter(indicator__in=self.indicators).select_related("indicator")
        }
        authors, approvers = {}, {}
        for record in Reading.history.filter(id__in=public).order_by("history_id"):
            if record.history_change_reason.startswith(AUTHORING):
                authors.setdefault(record.id, set()).add(record.history_user_id)
            if record.status == "approved":
                approvers.setdefault(record.id, record.history_user_id)
        people = {person.pk: person for person in self.people.values() if person.pk}
        for pk, reading in public.items():
            assert approvers[pk] == reading.reviewed_by_id
            assert reading.reviewed_by_id not in authors[pk] | {None}
            assert access.may_review(people[reading.reviewed_by_id], reading.indicator)

    @invariant()
    def at_most_one_reading_per_indicator_and_period_in_review(self):
        submitted = Reading.objects.filter(indicator__in=self.indicators, status="submitted")
        assert not submitted.values("indicator", "period").annotate(n=Count("id")).filter(n__gt=1).exists()

    @invariant()
    def no_outlier_is_public_unless_its_approval_confirmed_it(self):
        approved = Reading.objects.filter(indicator__in=self.indicators, status="approved", is_outlier=True)
        assert set(approved.values_list("pk", flat=True)) <= self.confirmed_outliers

    @invariant()
    def a_correction_is_public_only_in_place_of_its_original(self):
        corrections = Reading.objects.approved().filter(indicator__in=self.indicators, corrects__isnull=False)
        assert set(corrections.values_list("corrects__status", flat=True)) <= {"superseded"}


Workflow.TestCase.settings = settings(
    # Each example builds its own offices and people and checks the database after every step:
    # a sixth of the profile's examples (10 under `ci`, more under `deep`).
    max_examples=max(5, settings.default.max_examples // 6),
    stateful_step_count=settings.default.stateful_step_count * 3 // 5,
)


@pytest.mark.slow  # a hypothesis state machine
def test_the_workflow_keeps_its_promises_whatever_the_order_of_steps():
    run_state_machine_as_test(Workflow, settings=Workflow.TestCase.settings)
