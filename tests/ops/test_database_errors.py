import json

import pytest
from django.db import InterfaceError, OperationalError
from django.utils import translation

from kb import views
from ops.database_errors import DatabaseUnavailableMiddleware, handler500, service_unavailable

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    """Make the home page and the health check raise like a lost connection."""

    def fail(*args, **kwargs):
        raise OperationalError("connection to server on socket failed: No such file")

    monkeypatch.setattr(views.queries, "categories_with_topics", fail)
    return fail


def test_page_answers_503_in_both_languages(client, database_down):
    response = client.get("/en/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "数据库暂时不可用" in html
    assert "The database is unavailable" in html
    assert "Traceback" not in html
    assert "OperationalError" not in html
    assert "socket" not in html


def test_api_answers_503_with_error_envelope(rf):
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = rf.get("/api/topics/")
    with translation.override("en"):
        response = middleware.process_exception(request, InterfaceError("connection closed"))
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["error"]["code"] == "service_unavailable"
    assert body["error"]["message"] == "The database is unavailable. Retry in a few seconds."


def test_api_503_message_follows_language(rf):
    with translation.override("zh-hans"):
        body = json.loads(service_unavailable(rf.get("/api/topics/")).content)
    assert body["error"]["message"] == "数据库暂时不可用，请几秒钟后重试。"


def test_other_errors_still_raise(client, monkeypatch):
    def fail(*args, **kwargs):
        raise ValueError("not a database error")

    monkeypatch.setattr(views.queries, "categories_with_topics", fail)
    with pytest.raises(ValueError):
        client.get("/en/")


def test_handler500_turns_database_error_into_503(rf):
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = handler500(rf.get("/zh-hans/"))
    assert response.status_code == 503


def test_handler500_keeps_500_for_other_errors(rf):
    try:
        raise KeyError("x")
    except KeyError:
        response = handler500(rf.get("/zh-hans/"))
    assert response.status_code == 500
