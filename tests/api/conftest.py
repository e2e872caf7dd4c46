import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient


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
    call_command("load_demo", stdout=io.StringIO())
