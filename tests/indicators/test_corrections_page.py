"""/correcciones/ lists the corrections that were published, and only while they were not withdrawn."""

from datetime import date
from decimal import Decimal

import pytest

from indicators.access import ROLE_REGISTRADOR, ROLE_REVISOR
from indicators.models import Indicator, Reading
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def water(plan):
    """The plan's drinking-water indicator, one registrador and one revisor of its office."""
    indicator = Indicator.objects.get(code="AGUA-HORAS")
    office = [indicator.office]
    return indicator, make_user("rosa", ROLE_REGISTRADOR, office), make_user("raul", ROLE_REVISOR, office)


def published_correction(indicator, registrador, revisor, reading=None, value=Decimal("14.5"), reason="Mal copiado"):
    if reading is None:
        reading = Reading.objects.create_draft(
            user=registrador, indicator=indicator, period=date(2021, 3, 1), value=Decimal("12"), source="EPS"
        )
        reading.submit(registrador)
        reading.approve(revisor)
    correction = reading.correct(registrador, value=value, source="EPS", reason=reason)
    correction.submit(registrador)
    correction.approve(revisor)
    return correction


def test_a_withdrawn_correction_leaves_the_list(client, water):
    correction = published_correction(*water)
    assert "Mal copiado" in client.get("/correcciones/").content.decode()

    correction.withdraw(water[2], "Cifra sin sustento")

    assert "Mal copiado" not in client.get("/correcciones/").content.decode()


def test_a_correction_corrected_again_stays_listed(client, water):
    first = published_correction(*water)
    published_correction(*water, reading=first, value=Decimal("15"), reason="Segunda revisión")
    page = client.get("/correcciones/").content.decode()
    assert "Mal copiado" in page and "Segunda revisión" in page
