"""Tests of the calculator API: values, encodings, limits and errors in both languages."""

import csv
import io
import json
import re
import time
from pathlib import Path

import numpy as np
import pytest

from api.views import calculators as calculator_views
from kb.calculators import (
    MAX_JSON_VALUES,
    SCHEDULE_NAMES,
    SCHEDULES,
    lr_schedule,
    positional_encoding,
)

pytestmark = pytest.mark.django_db

SCHEDULE_URL = "/api/calculators/lr-schedule/"
ENCODING_URL = "/api/calculators/positional-encoding/"
GOLDEN = json.loads(
    (Path(__file__).parents[1] / "calculators" / "golden" / "schedules.json").read_text()
)
SHORT_CASES = [case for case in GOLDEN["cases"] if case["kwargs"]["total_steps"] <= 1000]
COSINE = {"schedule": "cosine", "base_lr": "0.001", "total_steps": "1000", "warmup_steps": "100"}
ENCODING = {"positions": "16", "d_model": "32"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def query_of(kwargs: dict) -> dict:
    """Turn lr_schedule keyword arguments into API query parameters."""
    query = {}
    for key, value in kwargs.items():
        text = repr(value) if isinstance(value, float) else str(value)
        query["schedule" if key == "name" else key] = text
    return query


def error_fields(response) -> dict[str, list[str]]:
    body = response.json()
    # The project's error envelope nests the messages; DRF's default handler does not.
    return body["error"]["fields"] if "error" in body else body


def test_every_schedule_has_a_short_golden_case():
    assert {case["kwargs"]["name"] for case in SHORT_CASES} == set(SCHEDULE_NAMES)


@pytest.mark.parametrize("case", SHORT_CASES, ids=[case["id"] for case in SHORT_CASES])
def test_schedule_equals_engine(client, case):
    kwargs = dict(case["kwargs"])
    expected = lr_schedule(kwargs.pop("name"), **kwargs)

    response = client.get(SCHEDULE_URL, query_of(case["kwargs"]))
    body = response.json()

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert body["lr"] == expected.lr.tolist()
    assert body["steps"] == expected.steps.tolist()
    assert body["peak"] == {"step": expected.peak_step, "lr": expected.peak_lr}
    assert body["final_lr"] == expected.final_lr


def test_schedule_reports_effective_params(client):
    body = client.get(SCHEDULE_URL, {**COSINE, "schedule": "step"} | {"warmup_steps": "0"}).json()

    assert body["schedule"] == "step"
    assert body["reference"] == SCHEDULES["step"].reference
    assert body["params"] == {
        "base_lr": 0.001,
        "total_steps": 1000,
        "warmup_steps": 0,
        "step_size": 333,
        "gamma": 0.1,
    }
    assert len(body["steps"]) == len(body["lr"]) == 1001


def test_schedule_csv_round_trips_exactly(client):
    expected = lr_schedule("cosine", base_lr=3e-4, total_steps=997, warmup_steps=13)
    query = {"schedule": "cosine", "base_lr": "3e-4", "total_steps": "997", "warmup_steps": "13"}

    response = client.get(SCHEDULE_URL, {**query, "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="lr-schedule-cosine.csv"'
    assert rows[0] == ["step", "lr"]
    assert [int(step) for step, _ in rows[1:]] == expected.steps.tolist()
    assert [float(lr) for _, lr in rows[1:]] == expected.lr.tolist()


def test_schedule_points_keep_peak_and_last_step(client):
    query = {
        "schedule": "cosine_with_restarts",
        "base_lr": "0.001",
        "total_steps": "100000",
        "warmup_steps": "777",
        "num_cycles": "3",
        "points": "50",
    }
    full = lr_schedule(
        "cosine_with_restarts",
        base_lr=0.001,
        total_steps=100_000,
        warmup_steps=777,
        num_cycles=3,
    )

    body = client.get(SCHEDULE_URL, query).json()

    assert len(body["steps"]) == len(body["lr"]) <= 50
    assert body["steps"][0] == 0
    assert body["steps"][-1] == 100_000
    assert full.peak_step in body["steps"]
    assert max(body["lr"]) == full.peak_lr
    assert body["lr"] == full.lr[body["steps"]].tolist()


def test_schedule_points_apply_to_csv(client):
    response = client.get(SCHEDULE_URL, {**COSINE, "points": "20", "format": "csv"})
    lines = response.content.decode().splitlines()

    assert response.status_code == 200
    assert 4 <= len(lines) <= 21
    assert lines[-1].startswith("1000,")


def test_encoding_json_equals_engine(client):
    query = {"positions": "50", "d_model": "16", "base": "500", "offset": "7"}
    expected = positional_encoding(50, 16, base=500.0, offset=7)

    body = client.get(ENCODING_URL, query).json()

    assert body["params"] == {
        "positions": 50,
        "d_model": 16,
        "base": 500.0,
        "layout": "interleaved",
        "offset": 7,
    }
    assert body["shape"] == [50, 16]
    assert body["matrix"] == expected.tolist()


def test_encoding_csv_round_trips_exactly(client):
    expected = positional_encoding(40, 12, layout="concatenated", offset=3)
    query = {"positions": "40", "d_model": "12", "layout": "concatenated", "offset": "3"}

    response = client.get(ENCODING_URL, {**query, "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))

    assert response["Content-Disposition"] == (
        'attachment; filename="positional-encoding-40x12.csv"'
    )
    assert rows[0] == ["position"] + [f"dim_{column}" for column in range(12)]
    assert [int(row[0]) for row in rows[1:]] == list(range(3, 43))
    assert [[float(value) for value in row[1:]] for row in rows[1:]] == expected.tolist()


def test_encoding_npy_loads_same_matrix(client):
    expected = positional_encoding(4096, 1024)

    response = client.get(ENCODING_URL, {"positions": "4096", "d_model": "1024", "format": "npy"})
    content = b"".join(response.streaming_content)
    loaded = np.load(io.BytesIO(content), allow_pickle=False)

    assert response.status_code == 200
    assert int(response["Content-Length"]) == len(content)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].endswith('filename="positional-encoding-4096x1024.npy"')
    assert loaded.dtype == np.float64
    # Rows are computed in blocks, each from its own offset, so the last bits may differ.
    assert np.allclose(loaded, expected, rtol=0, atol=1e-12)


# (endpoint query, parameter named in the error, English fragment, Chinese fragment)
BAD_SCHEDULES = [
    ({"base_lr": "abc"}, "base_lr", "must be a number", "必须是数字"),
    ({"base_lr": "nan"}, "base_lr", "finite number", "有限"),
    ({"base_lr": "inf"}, "base_lr", "finite number", "有限"),
    ({"base_lr": "-0.1"}, "base_lr", "greater than 0 and at most 100", "大于 0 且不大于 100"),
    ({"total_steps": "0"}, "total_steps", "at least 1 and at most 10000000", "不小于 1"),
    ({"total_steps": "12.5"}, "total_steps", "whole number", "整数"),
    ({"warmup_steps": "2000"}, "warmup_steps", "at least 0 and at most 1000", "不大于 1000"),
    ({"warmup_steps": "-5"}, "warmup_steps", "at least 0", "不小于 0"),
    ({"num_cycles": "0"}, "num_cycles", "greater than 0", "大于 0"),
    ({"num_cycles": "-1"}, "num_cycles", "greater than 0", "大于 0"),
    ({"schedule": "bogus"}, "schedule", "one of constant", "以下之一"),
    ({"schedule": ""}, "schedule", "is missing", "缺少"),
    ({"foo": "1"}, "foo", "not a parameter of the cosine schedule", "不是 cosine"),
    ({"gamma": "0.5"}, "gamma", "Allowed parameters", "可用的参数"),
    ({"total_steps": "10000000"}, "total_steps", "more than the 1000000", "超过"),
    ({"points": "2"}, "points", "at least 3", "不小于 3"),
    ({"points": "1000001"}, "points", "at most 1000000", "不大于 1000000"),
    ({"format": "xml"}, "format", "one of json, csv", "以下之一"),
    ({"format": "npy"}, "format", "one of json, csv", "以下之一"),
    ({"schedule": "step"}, "warmup_steps", "not used by the step schedule", "step"),
    ({"schedule": "noam", "warmup_steps": "0"}, "warmup_steps", "at least 1", "不小于 1"),
    (
        {"schedule": "polynomial", "lr_end": "0.01"},
        "lr_end",
        "less than 0.001",
        "小于 0.001",
    ),
]
BAD_ENCODINGS = [
    ({"d_model": "31"}, "d_model", "must be even", "偶数"),
    ({"d_model": "0"}, "d_model", "at least 2", "不小于 2"),
    ({"positions": "abc"}, "positions", "must be a number", "必须是数字"),
    ({"positions": "-1"}, "positions", "at least 1", "不小于 1"),
    ({"positions": ""}, "positions", "is missing", "缺少"),
    ({"base": "1"}, "base", "greater than 1", "大于 1"),
    ({"base": "nan"}, "base", "finite number", "有限"),
    ({"base": "-inf"}, "base", "finite number", "有限"),
    ({"layout": "diagonal"}, "layout", "one of interleaved, concatenated", "以下之一"),
    ({"offset": "-1"}, "offset", "at least 0", "不小于 0"),
    ({"bar": "1"}, "bar", "not a parameter of this calculator", "不是此计算器的参数"),
    ({"positions": "4096", "d_model": "4096"}, "positions", "more than the 1000000", "超过"),
    (
        {"positions": "4097", "d_model": "4096", "format": "npy"},
        "positions",
        "more than the 16777216",
        "超过",
    ),
    ({"format": "xml"}, "format", "one of json, csv, npy", "以下之一"),
]
BAD_CASES = [(SCHEDULE_URL, COSINE, *case) for case in BAD_SCHEDULES] + [
    (ENCODING_URL, ENCODING, *case) for case in BAD_ENCODINGS
]
BAD_IDS = [
    f"{url.split('/')[-2]}-{'&'.join(f'{k}={v}' for k, v in q.items())}"
    for url, _, q, *_ in BAD_CASES
]


@pytest.mark.parametrize(
    ("url", "base", "query", "param", "english", "chinese"), BAD_CASES, ids=BAD_IDS
)
def test_bad_input_names_parameter(client, url, base, query, param, english, chinese):
    response = client.get(url, {**base, **query}, HTTP_ACCEPT_LANGUAGE="en")
    messages = error_fields(response)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(messages) == [param]
    assert param in messages[param][0]
    assert english in messages[param][0]


@pytest.mark.parametrize(
    ("url", "base", "query", "param", "english", "chinese"), BAD_CASES, ids=BAD_IDS
)
def test_bad_input_message_in_chinese(client, url, base, query, param, english, chinese):
    response = client.get(url, {**base, **query}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    message = error_fields(response)[param][0]

    assert response.status_code == 400
    assert chinese in message
    assert CJK.search(message)


def test_every_invalid_parameter_is_reported(client):
    query = {"schedule": "cosine", "base_lr": "x", "total_steps": "0", "foo": "1"}

    messages = error_fields(client.get(SCHEDULE_URL, query))

    assert set(messages) == {"base_lr", "total_steps", "foo"}


def test_repeated_parameter_is_rejected(client):
    url = f"{SCHEDULE_URL}?schedule=cosine&schedule=linear&base_lr=1&total_steps=9"
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "given 2 times" in error_fields(response)["schedule"][0]


def test_oversize_schedule_rejected_before_computing(client, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("the schedule was computed")

    monkeypatch.setattr(calculator_views, "lr_schedule", fail)
    query = {**COSINE, "total_steps": "10000000"}

    started = time.perf_counter()
    response = client.get(SCHEDULE_URL, query)
    elapsed = time.perf_counter() - started

    assert response.status_code == 400
    assert "total_steps" in error_fields(response)
    assert elapsed < 0.5


def test_oversize_matrix_rejected_before_computing(client, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("the matrix was computed")

    monkeypatch.setattr(calculator_views, "positional_encoding", fail)

    for query in (
        {"positions": "1000000", "d_model": "65536"},
        {"positions": "1000000", "d_model": "65536", "format": "npy"},
        {"positions": "1001", "d_model": "1000", "format": "csv"},
    ):
        response = client.get(ENCODING_URL, query)
        assert response.status_code == 400
        assert "positions" in error_fields(response)


def test_largest_json_schedule_is_accepted(client):
    query = {**COSINE, "total_steps": str(MAX_JSON_VALUES - 1), "schedule": "linear"}

    body = client.get(SCHEDULE_URL, query).json()

    assert len(body["lr"]) == MAX_JSON_VALUES
    assert body["final_lr"] == 0.0


def test_long_schedule_with_points_is_accepted(client):
    query = {**COSINE, "total_steps": "10000000", "points": "1000"}

    body = client.get(SCHEDULE_URL, query).json()

    assert len(body["lr"]) <= 1000
    assert body["steps"][-1] == 10_000_000


def test_schema_describes_both_endpoints(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    schedule = schema["paths"][SCHEDULE_URL]["get"]
    encoding = schema["paths"][ENCODING_URL]["get"]
    schedule_params = {param["name"]: param for param in schedule["parameters"]}
    encoding_params = {param["name"]: param for param in encoding["parameters"]}

    assert schedule_params["schedule"]["required"] is True
    assert schedule_params["schedule"]["schema"]["enum"] == list(SCHEDULE_NAMES)
    assert schedule_params["total_steps"]["schema"]["minimum"] == 1
    assert schedule_params["total_steps"]["schema"]["maximum"] == 10_000_000
    assert schedule_params["base_lr"]["schema"]["exclusiveMinimum"] is True
    assert schedule_params["warmup_steps"]["schema"]["default"] == 0
    assert schedule_params["d_model"]["schema"]["default"] == 512
    assert "Used by: noam" in schedule_params["d_model"]["description"]
    assert schedule_params["format"]["schema"]["enum"] == ["json", "csv"]
    assert encoding_params["d_model"]["schema"]["multipleOf"] == 2
    assert encoding_params["layout"]["schema"]["default"] == "interleaved"
    assert encoding_params["format"]["schema"]["enum"] == ["json", "csv", "npy"]
    assert set(schedule["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    assert set(encoding["responses"]["200"]["content"]) == {
        "application/json",
        "text/csv",
        "application/octet-stream",
    }
    assert "400" in schedule["responses"]
    assert "400" in encoding["responses"]
