"""The history of a reading as each reader may see it: the public sees only the versions that were
public, compared with each other, and no user in any field."""

from datetime import date
from decimal import Decimal

import pytest

from indicators.access import ROLE_AUDITOR, ROLE_REGISTRADOR
from indicators.models import Reading
from tests.factories import make_office, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def reading(indicator, registrador, revisor):
    """Drafted at 12, corrected to 13 before review, approved. (Once public it changes only through a
    correction, which is another reading with its own history.)"""
    reading = Reading.objects.create_draft(
        user=registrador, indicator=indicator, period=date(2021, 3, 1), value=Decimal("12"), source="EPS"
    )
    reading.edit(registrador, value=Decimal("13"))
    reading.submit(registrador)
    reading.approve(revisor)
    return reading


def history(api, reading):
    response = api.get(f"/api/v1/readings/{reading.pk}/history/")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_public_sees_only_the_public_versions_and_no_user(api, reading, registrador, revisor):
    rows = history(api, reading)
    assert [(row["status"], row["value"]) for row in rows] == [("approved", "13.00")]
    # Compared with no earlier public version: the submitted one it came from (and who reviewed
    # it) was never public.
    assert rows[0]["changes"] == {}
    text = str(rows)
    assert "12.00" not in text and "submitted" not in text and "draft" not in text
    for row in rows:
        assert row["history_user"] is None
        for before, after in row["changes"].values():
            assert {before, after}.isdisjoint({str(registrador.pk), str(revisor.pk)})


def test_staff_of_another_office_see_the_public_versions_too(api, reading):
    api.force_authenticate(make_user("otro", ROLE_REGISTRADOR, [make_office("OTRA")]))
    assert {row["status"] for row in history(api, reading)} == {"approved"}


@pytest.mark.parametrize("who", ["registrador", "auditor"])
def test_its_office_and_auditors_see_every_version(api, reading, registrador, who):
    api.force_authenticate(registrador if who == "registrador" else make_user("ana", ROLE_AUDITOR))
    rows = history(api, reading)
    assert [row["status"] for row in rows] == ["approved", "submitted", "draft", "draft"]
    assert set(rows[0]["changes"]) >= {"status", "reviewed_by"}
    assert rows[-2]["changes"]["value"] == ["12.00", "13.00"]
    assert rows[0]["history_user"] == "raul"
