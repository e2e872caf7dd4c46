"""The review state machine on Reading: every legal and illegal step, four eyes, corrections, history."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from indicators.access import ROLE_AUDITOR, ROLE_REGISTRADOR, ROLE_REVISOR
from indicators.models import PeriodInReview, Reading, TransitionError, Unit
from tests.factories import make_office, make_reading, make_user

pytestmark = pytest.mark.django_db


def draft(indicator, user, period=date(2021, 3, 1), value=Decimal("12.5")):
    return Reading.objects.create_draft(user=user, indicator=indicator, period=period, value=value, source="EPS Ilo")


def approved(indicator, registrador, revisor, **kw):
    reading = draft(indicator, registrador, **kw)
    reading.submit(registrador)
    reading.approve(revisor)
    return reading


def test_the_happy_path_records_who_and_when(indicator, registrador, revisor):
    reading = draft(indicator, registrador)
    assert (reading.status, reading.entered_by) == ("draft", registrador)
    reading.submit(registrador)
    assert reading.status == "submitted" and reading.submitted_at
    reading.approve(revisor)
    reading.refresh_from_db()
    assert reading.status == "approved"
    assert (reading.reviewed_by, reading.approved_at is not None) == (revisor, True)
    assert list(reading.history.values_list("history_change_reason", flat=True)) == [
        "aprobada",
        "enviada a revisión",
        "registro",
    ]
    assert reading.history.first().history_user == revisor


def test_rejection_needs_a_reason_and_returns_to_draft_when_edited(indicator, registrador, revisor):
    reading = draft(indicator, registrador)
    reading.submit(registrador)
    with pytest.raises(ValidationError, match="motivo"):
        reading.reject(revisor, "  ")
    reading.reject(revisor, "La fuente no coincide con el reporte de la EPS.")
    assert reading.status == "rejected"
    reading.edit(registrador, value=Decimal("13"))
    assert reading.status == "draft"
    reading.submit(registrador)
    assert reading.status == "submitted"


@pytest.mark.parametrize(
    "state, step",
    [
        ("draft", "approve"),
        ("draft", "reject"),
        ("approved", "submit"),
        ("approved", "edit"),
        ("submitted", "edit"),
        ("submitted", "submit"),
        ("approved", "approve"),
        ("rejected", "approve"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(indicator, registrador, revisor, state, step):
    reading = draft(indicator, registrador)
    if state in ("submitted", "approved", "rejected"):
        reading.submit(registrador)
    if state == "approved":
        reading.approve(revisor)
    if state == "rejected":
        reading.reject(revisor, "no")
    history_before = reading.history.count()
    calls = {
        "approve": lambda: reading.approve(revisor),
        "reject": lambda: reading.reject(revisor, "motivo"),
        "submit": lambda: reading.submit(registrador),
        "edit": lambda: reading.edit(registrador, value=Decimal(1)),
    }
    with pytest.raises(TransitionError):
        calls[step]()
    reading.refresh_from_db()
    assert reading.status == state
    assert reading.history.count() == history_before


def test_four_eyes_the_one_who_entered_cannot_review(indicator, office):
    both = make_user("ambos", None, [office])
    both.groups.add(*[g for g in make_user("x", ROLE_REGISTRADOR).groups.all()])
    both.groups.add(*[g for g in make_user("y", ROLE_REVISOR).groups.all()])
    reading = draft(indicator, both)
    reading.submit(both)
    with pytest.raises(PermissionDenied, match="cuatro ojos"):
        reading.approve(both)


def test_four_eyes_the_one_who_last_changed_cannot_review(indicator, registrador, office):
    editor = make_user("editor", ROLE_REGISTRADOR, [office])
    editor.groups.add(make_user("z", ROLE_REVISOR).groups.get())
    reading = draft(indicator, registrador)
    reading.edit(editor, value=Decimal("14"))
    reading.submit(registrador)
    assert not reading.can_review(editor)
    with pytest.raises(PermissionDenied):
        reading.approve(editor)


def test_even_a_superuser_does_not_approve_its_own_entry(indicator):
    boss = make_user("jefa", is_superuser=True)
    reading = draft(indicator, boss)
    reading.submit(boss)
    with pytest.raises(PermissionDenied):
        reading.approve(boss)


def test_a_correction_supersedes_the_approved_value_and_keeps_it_in_history(indicator, registrador, revisor):
    original = approved(indicator, registrador, revisor, value=Decimal("12.5"))
    before_correction = timezone.now()
    correction = original.correct(
        registrador, value=Decimal("13.1"), source="EPS Ilo, informe corregido", reason="Error de digitación"
    )
    assert correction.status == "draft" and correction.corrects == original
    assert Reading.objects.approved().get(indicator=indicator).value == Decimal("12.5")

    correction.submit(registrador)
    correction.approve(revisor)

    original.refresh_from_db()
    assert original.status == "superseded" and original.superseded_at
    assert Reading.objects.approved().get(indicator=indicator) == correction
    assert Reading.objects.approved(at=before_correction).get(indicator=indicator) == original
    assert original.history.filter(value=Decimal("12.5"), status="approved").exists()


def test_only_one_correction_at_a_time(indicator, registrador, revisor):
    original = approved(indicator, registrador, revisor)
    original.correct(registrador, value=Decimal("13"), source="EPS", reason="primera")
    with pytest.raises(TransitionError, match="en curso"):
        original.correct(registrador, value=Decimal("14"), source="EPS", reason="segunda")


def test_a_second_entry_for_an_approved_period_must_be_a_correction(indicator, registrador, revisor):
    approved(indicator, registrador, revisor)
    with pytest.raises(ValidationError, match="registre una corrección"):
        draft(indicator, registrador)


def test_withdrawn_readings_stay_in_history_and_leave_the_public_series(indicator, registrador, revisor):
    reading = approved(indicator, registrador, revisor)
    moment = timezone.now()
    with pytest.raises(PermissionDenied):
        reading.withdraw(registrador, "ya no")  # an approved reading is withdrawn by its reviewer
    reading.withdraw(revisor, "Dato duplicado en el sistema de la EPS")
    assert not Reading.objects.approved().exists()
    assert Reading.objects.approved(at=moment).get() == reading
    assert Reading.objects.filter(pk=reading.pk, status="withdrawn").exists()
    assert reading.history.first().history_change_reason.startswith("retirada")


def test_outliers_are_allowed_but_flagged(indicator, registrador, revisor):
    for month, value in enumerate(["12", "12.4", "11.8", "12.2"], start=1):
        approved(indicator, registrador, revisor, period=date(2020, month, 1), value=Decimal(value))
    normal = draft(indicator, registrador, period=date(2020, 6, 1), value=Decimal("12.6"))
    normal.submit(registrador)
    wild = draft(indicator, registrador, period=date(2020, 7, 1), value=Decimal("23.5"))
    wild.submit(registrador)
    assert (normal.is_outlier, wild.is_outlier) == (False, True)
    with pytest.raises(ValidationError, match="Valor atípico"):
        wild.approve(revisor)  # allowed, but only once confirmed
    wild.approve(revisor, confirm_outlier=True)


ROLES = ["registrador", "revisor", "auditor", "anonymous", "superuser"]
ACTIONS = ["create", "edit", "submit", "approve", "reject", "withdraw_draft"]
# (role, action, own office?) → allowed
ALLOWED = {
    ("registrador", "create", True),
    ("registrador", "edit", True),
    ("registrador", "submit", True),
    ("registrador", "withdraw_draft", True),
    ("revisor", "approve", True),
    ("revisor", "reject", True),
    *{("superuser", action, own) for action in ACTIONS for own in (True, False)},
}


@pytest.mark.parametrize("own", [True, False], ids=["own-office", "other-office"])
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, action, own, indicator, office):
    from django.contrib.auth.models import AnonymousUser

    author = make_user("autora", ROLE_REGISTRADOR, [office])
    user_office = office if own else make_office("OTRA")
    user = {
        "registrador": lambda: make_user("u", ROLE_REGISTRADOR, [user_office]),
        "revisor": lambda: make_user("u", ROLE_REVISOR, [user_office]),
        "auditor": lambda: make_user("u", ROLE_AUDITOR, [user_office]),
        "anonymous": AnonymousUser,
        "superuser": lambda: make_user("u", is_superuser=True),
    }[role]()
    reading = draft(indicator, author)
    if action in ("approve", "reject"):
        reading.submit(author)
    steps = {
        "create": lambda: draft(indicator, user, period=date(2021, 4, 1)),
        "edit": lambda: reading.edit(user, value=Decimal("9")),
        "submit": lambda: reading.submit(user),
        "approve": lambda: reading.approve(user),
        "reject": lambda: reading.reject(user, "motivo"),
        "withdraw_draft": lambda: reading.withdraw(user, "motivo"),
    }
    count = Reading.objects.count()
    if (role, action, own) in ALLOWED:
        steps[action]()
    else:
        with pytest.raises(PermissionDenied):
            steps[action]()
        assert Reading.objects.count() == count
        assert Reading.objects.get(pk=reading.pk).status == reading.status


def test_visibility_per_role(indicator, registrador, revisor, office):
    approved(indicator, registrador, revisor, period=date(2021, 1, 1))
    draft(indicator, registrador, period=date(2021, 2, 1))
    stranger = make_user("otro", ROLE_REGISTRADOR, [make_office("OTRA")])
    auditor = make_user("audit", ROLE_AUDITOR)
    assert Reading.objects.visible_to(registrador).count() == 2
    assert Reading.objects.visible_to(stranger).count() == 1
    assert Reading.objects.visible_to(auditor).count() == 2


def test_future_period_is_refused(indicator, registrador):
    with pytest.raises(ValidationError) as error:
        draft(indicator, registrador, period=timezone.localdate() + timedelta(days=40))
    assert "futuro" in str(error.value.message_dict["period"])


# --- serialised steps: a step on a reading that changed since it was read is a conflict ---


def test_a_step_on_a_stale_copy_is_a_conflict_and_changes_nothing(indicator, registrador, revisor, office):
    reading = draft(indicator, registrador)
    reading.submit(registrador)
    stale = Reading.objects.get(pk=reading.pk)
    reading.approve(revisor)
    other = make_user("rita", ROLE_REVISOR, [office])
    with pytest.raises(TransitionError, match="Otra persona cambió esta lectura"):
        stale.reject(other, "No coincide")
    assert (stale.status, Reading.objects.get(pk=reading.pk).status) == ("approved", "approved")
    assert reading.history.count() == 3


def test_an_edit_on_a_stale_copy_does_not_overwrite_the_newer_edit(indicator, registrador, office):
    reading = draft(indicator, registrador)
    stale = Reading.objects.get(pk=reading.pk)
    reading.edit(registrador, value=Decimal("13"))
    with pytest.raises(TransitionError):
        stale.edit(make_user("rebeca", ROLE_REGISTRADOR, [office]), value=Decimal("14"))
    assert Reading.objects.get(pk=reading.pk).value == Decimal("13")


def test_a_second_approval_of_one_period_is_a_conflict(indicator, registrador, revisor):
    # Two submitted readings of one period: data from before a second submission was refused.
    first = draft(indicator, registrador)
    first.submit(registrador)
    second = make_reading(indicator, date(2021, 3, 1), status="submitted", entered_by=registrador)
    first.approve(revisor)
    with pytest.raises(TransitionError, match="Ya hay una lectura aprobada"):
        second.approve(revisor)
    assert Reading.objects.get(pk=second.pk).status == "submitted"


def test_an_approved_reading_with_a_correction_under_way_is_not_withdrawn(indicator, registrador, revisor):
    original = approved(indicator, registrador, revisor)
    correction = original.correct(registrador, value=Decimal("13"), source="EPS", reason="Error")
    with pytest.raises(TransitionError, match="corrección en curso"):
        original.withdraw(revisor, "Duplicada")
    correction.withdraw(registrador, "Ya no hace falta")
    original.withdraw(revisor, "Duplicada")
    assert Reading.objects.get(pk=original.pk).status == "withdrawn"


def test_a_correction_of_a_withdrawn_reading_is_never_approved(indicator, registrador, revisor):
    # Data from before the rule above: the original was withdrawn while its correction was open,
    # and another reading of the period was approved since.
    original = make_reading(indicator, date(2021, 3, 1), status="withdrawn", withdrawn_at=timezone.now())
    correction = make_reading(
        indicator, date(2021, 3, 1), status="submitted", corrects=original, entered_by=registrador
    )
    with pytest.raises(TransitionError, match="Retirada"):
        correction.approve(revisor)
    make_reading(indicator, date(2021, 3, 1))
    with pytest.raises(TransitionError):
        Reading.objects.get(pk=correction.pk).approve(revisor)
    assert Reading.objects.get(pk=correction.pk).status == "submitted"
    assert Reading.objects.get(pk=original.pk).status == "withdrawn"


def test_a_constraint_tripped_by_a_concurrent_change_is_a_conflict_not_a_crash(indicator, registrador):
    reading = draft(indicator, registrador, value=Decimal("80"))  # its indicator holds the unit as read
    Unit.objects.filter(pk=indicator.unit_id).update(max_value=Decimal("50"))  # meanwhile, elsewhere
    with pytest.raises(TransitionError, match="rango de la unidad"):
        reading.edit(registrador, value=Decimal("70"))
    assert Reading.objects.get(pk=reading.pk).value == Decimal("80")


def test_a_failed_step_leaves_the_object_as_the_database_has_it(indicator, registrador, revisor):
    reading = draft(indicator, registrador)
    with pytest.raises(ValidationError):
        reading.edit(registrador, value=Decimal("130"))
    assert reading.value == Decimal("12.5")
    unsaved = Reading(indicator=indicator, period=date(2021, 4, 1), value=Decimal("130"), source="EPS")
    with pytest.raises(ValidationError):
        unsaved.register(registrador)
    assert unsaved.pk is None


def test_a_reading_changes_only_through_the_workflow(indicator, registrador):
    reading = draft(indicator, registrador)
    reading.status, reading.value = "approved", Decimal("99")
    with pytest.raises(PermissionDenied, match="flujo de revisión"):
        reading.save()
    assert Reading.objects.get(pk=reading.pk).status == "draft"


def test_a_long_reason_is_kept_whole_and_the_history_row_still_saves(indicator, registrador, revisor):
    reading = draft(indicator, registrador)
    reading.submit(registrador)
    reason = "La fuente no coincide con el informe mensual de la EPS. " * 10
    reading.reject(revisor, reason)
    assert Reading.objects.get(pk=reading.pk).review_note == reason.strip()
    assert len(reading.history.first().history_change_reason) <= 100


# --- one reading in review per period; atípico values are confirmed ---


def test_a_second_reading_of_a_period_already_in_review_is_refused_at_submission(indicator, registrador, revisor):
    first, second = draft(indicator, registrador), draft(indicator, registrador, value=Decimal("13"))
    first.submit(registrador)
    with pytest.raises(PeriodInReview) as refusal:
        second.submit(registrador)
    assert refusal.value.existing == first
    assert "Ya hay una lectura de AGUA-HORAS para 03/2021 en revisión" in refusal.value.messages[0]
    assert Reading.objects.get(pk=second.pk).status == "draft"
    first.reject(revisor, "No coincide")
    second.submit(registrador)  # once the first is out of review, the period is free
    assert Reading.objects.get(pk=second.pk).status == "submitted"


@pytest.mark.parametrize(
    "history, value, flagged",
    [
        (["9.8"], "98", True),  # a decimal comma misread: ten times the previous value
        (["9.8"], "0.98", True),
        (["9.8"], "10.5", False),
        (["9.8", "10.1"], "55", True),  # compared with the latest before the period, 10.1
        (["0"], "98", False),  # no ratio to a zero
        ([], "98", False),  # nothing to compare with
    ],
)
def test_a_value_far_from_the_previous_approved_one_is_flagged(indicator, registrador, history, value, flagged):
    for month, before in enumerate(history, start=1):
        make_reading(indicator, date(2021, month, 1), Decimal(before))
    reading = draft(indicator, registrador, period=date(2021, 6, 1), value=Decimal(value))
    reading.submit(registrador)
    assert reading.is_outlier is flagged


def test_the_outlier_question_compares_with_the_previous_value_in_the_units_words(indicator, registrador, revisor):
    make_reading(indicator, date(2021, 1, 1), Decimal("9.8"))
    make_reading(indicator, date(2021, 5, 1), Decimal("11"))  # after the period: not the previous one
    reading = draft(indicator, registrador, value=Decimal("98"))
    reading.submit(registrador)
    assert reading.outlier_question() == "9.80 % → 98.00 %: ¿confirma?"
    with pytest.raises(ValidationError) as refusal:
        reading.approve(revisor)
    assert refusal.value.message_dict["confirm_outlier"] == [
        "Valor atípico, muy lejos de lo aprobado antes (el anterior: 9.80 % en 01/2021). "
        "9.80 % → 98.00 %: ¿confirma? Apruébelo confirmando el valor."
    ]
    assert reading.history.count() == 2
    reading.approve(revisor, confirm_outlier=True)
    assert Reading.objects.get(pk=reading.pk).status == "approved"


def test_a_correction_is_compared_with_the_reading_it_corrects(indicator, registrador, revisor):
    original = approved(indicator, registrador, revisor, value=Decimal("9.8"))
    correction = original.correct(registrador, value=Decimal("98"), source="EPS", reason="Otro informe")
    correction.submit(registrador)
    assert correction.is_outlier and correction.previous_approved() == original
