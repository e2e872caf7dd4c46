import pytest

pytestmark = pytest.mark.django_db


def test_home_without_a_plan_says_how_to_load_it(client):
    assert "python manage.py load_plan" in client.get("/").content.decode()
