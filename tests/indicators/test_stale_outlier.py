"""The atípico flag is decided when the value is approved, against the approved series as it is
then, not only when it was submitted: a value submitted before any history cannot slip through
once the history says it is ten times the previous one."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from indicators.models import Reading
from tests.factories import make_token

pytestmark = pytest.mark.django_db


def submitted(indicator, user, year, value):
    reading = Reading.objects.create_draft(
        user=user, indicator=indicator, period=date(year, 1, 1), value=Decimal(value), source="EPS"
    )
    reading.submit(user)
    return reading


@pytest.fixture
def stale(indicator, registrador, revisor):
    """2024 = 90 submitted with no approved history (not flagged), then 2023 = 9 approved."""
    late = submitted(indicator, registrador, 2024, "90")
    assert not late.is_outlier
    submitted(indicator, registrador, 2023, "9").approve(revisor)
    return Reading.objects.get(pk=late.pk)


def test_the_approval_decides_the_flag_against_the_series_as_it_is_then(stale, revisor):
    with pytest.raises(ValidationError) as refusal:
        stale.approve(revisor)
    [message] = refusal.value.message_dict["confirm_outlier"]
    assert "el anterior: 9.00 % en 01/2023" in message and "9.00 % → 90.00 %: ¿confirma?" in message
    assert Reading.objects.get(pk=stale.pk).status == "submitted"
    stale.approve(revisor, confirm_outlier=True)
    assert Reading.objects.get(pk=stale.pk).status == "approved"


def test_an_approval_refreshes_the_flag_of_the_readings_waiting_in_review(stale):
    # The reviewer's lists and the API show the flag as the approved series now has it.
    assert stale.is_outlier


def test_a_withdrawal_refreshes_the_flag_too(stale, revisor):
    Reading.objects.get(period=date(2023, 1, 1)).withdraw(revisor, "Fuente equivocada")
    assert not Reading.objects.get(pk=stale.pk).is_outlier


def test_through_the_api_a_stale_outlier_needs_the_confirmation(stale, revisor):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_token(revisor)}")
    url = f"/api/v1/readings/{stale.pk}/approve/"
    refused = api.post(url, {}, format="json")
    assert refused.status_code == 400 and "¿confirma?" in refused.json()["confirm_outlier"][0]
    assert Reading.objects.get(pk=stale.pk).status == "submitted"
    assert api.post(url, {"confirm_outlier": True}, format="json").json()["status"] == "approved"


def test_in_the_admin_a_stale_outlier_asks_before_it_is_approved(client, stale, revisor):
    client.force_login(revisor)
    step = reverse("admin:indicators_reading_step", args=[stale.pk, "aprobar"])
    page = client.post(step, {"_version": stale.updated_at.isoformat()})
    assert page.status_code == 200 and "9.00 % → 90.00 %: ¿confirma?" in page.content.decode()
    assert Reading.objects.get(pk=stale.pk).status == "submitted"
    client.post(step, {"confirm_outlier": "1"})
    assert Reading.objects.get(pk=stale.pk).status == "approved"


def test_the_bulk_approval_asks_about_a_stale_outlier(client, stale, revisor):
    client.force_login(revisor)
    changelist = reverse("admin:indicators_reading_changelist")
    page = client.post(changelist, {"action": "approve_selected", "_selected_action": [stale.pk]})
    assert page.status_code == 200 and "9.00 % → 90.00 %: ¿confirma?" in page.content.decode()
    assert Reading.objects.get(pk=stale.pk).status == "submitted"
