import pytest

from kb.search import glossary


@pytest.fixture(autouse=True)
def fresh_glossary():
    """Reload the search glossary for each test: tests add terms and roll them back."""
    glossary.invalidate()
    yield
    glossary.invalidate()


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Render pages without a collectstatic manifest (DEBUG is off in tests)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
