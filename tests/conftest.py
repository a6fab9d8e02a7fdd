"""Shared fixtures. Every test database starts with the shipped content loaded."""

import pytest
from django.test import Client

from kb.content_loader import load_content
from kb.models import Topic


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_content()


@pytest.fixture
def make_topic(db):
    """Create a published topic; keyword arguments override the fields."""

    def make(**fields) -> Topic:
        values = {
            "title_zh": "测试主题",
            "title_en": "Test topic",
            "body_zh": "正文",
            "body_en": "Body",
            "status": Topic.Status.PUBLISHED,
        }
        values.update(fields)
        topic = Topic(**values)
        topic.save()
        return topic

    return make


@pytest.fixture
def staff_client(db, django_user_model):
    """A logged-in superuser's client, separate from the anonymous `client`."""
    user = django_user_model.objects.create_superuser("editor", "editor@example.com", "pw-editor-1")
    staff = Client()
    staff.force_login(user)
    return staff


def pytest_terminal_summary(terminalreporter):
    """Repeat recorded scores (record_property) in the summary, with or without -s."""
    for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get(
        "failed", []
    ):
        for name, value in getattr(report, "user_properties", []):
            if name.endswith("_score"):
                terminalreporter.write_line(f"{report.nodeid}: {name} = {value}")
