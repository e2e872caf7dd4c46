import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import load_demo


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def demo(plan):
    load_demo()
