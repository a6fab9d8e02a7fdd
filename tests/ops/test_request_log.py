import json
import logging

import pytest

from ops.json_logs import JsonFormatter
from ops.request_log import RequestIdFilter, current_request_id, request_id_from

pytestmark = pytest.mark.django_db


def test_incoming_request_id_is_echoed(client):
    response = client.get("/healthz", headers={"X-Request-ID": "abc-123.x_y"})
    assert response["X-Request-ID"] == "abc-123.x_y"


def test_missing_request_id_is_generated(client):
    response = client.get("/healthz")
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.parametrize("value", ["", "a b", "x" * 129, "id\nforged log line", "名字"])
def test_malformed_request_id_is_replaced(value):
    generated = request_id_from(value)
    assert generated != value
    assert len(generated) == 32


def test_request_log_line_carries_request_id(client, caplog):
    with caplog.at_level(logging.INFO, logger="ops.request_log"):
        client.get("/healthz", headers={"X-Request-ID": "trace-42"})
    records = [record for record in caplog.records if record.name == "ops.request_log"]
    assert len(records) == 1
    assert records[0].request_id == "trace-42"
    assert records[0].status == 200
    assert records[0].path == "/healthz"


def test_json_formatter_writes_one_object_per_record():
    record = logging.LogRecord("kb.test", logging.WARNING, __file__, 1, "中文 %s", ("消息",), None)
    record.status = 503
    token = current_request_id.set("req-7")
    try:
        RequestIdFilter().filter(record)
    finally:
        current_request_id.reset(token)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "中文 消息"
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "kb.test"
    assert entry["request_id"] == "req-7"
    assert entry["status"] == 503


def test_json_formatter_includes_exception():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("kb", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    entry = json.loads(JsonFormatter().format(record))
    assert "ValueError: boom" in entry["exception"]
    assert entry["request_id"] == "-"


def test_error_response_log_carries_request_id(client, caplog, monkeypatch):
    from kb import views

    def fail(*args, **kwargs):
        raise RuntimeError("broken view")

    monkeypatch.setattr(views.queries, "categories_with_topics", fail)
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/en/", headers={"X-Request-ID": "trace-500"})
    assert response.status_code == 500
    record = next(r for r in caplog.records if r.name == "django.request")
    RequestIdFilter().filter(record)
    assert record.request_id == "trace-500"
