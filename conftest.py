import pytest


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    # MD5 keeps user creation fast; plain static storage needs no collectstatic.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The public cache is tested on its own (tests/test_cache.py); elsewhere each request is fresh.
    settings.PUBLIC_CACHE_SECONDS = 0
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def pytest_collection_modifyitems(config, items):
    # Browser tests use a live server, whose transactional tests empty the database after
    # them: they run last, so that nothing after them misses the migrations' data.
    items.sort(key=lambda item: "tests/browser" in str(item.fspath))
