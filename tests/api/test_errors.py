"""Every error of the API has the same JSON shape, and bad parameters are 400s."""

import pytest

from api.views.topics import TopicViewSet

pytestmark = pytest.mark.django_db


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert isinstance(body["error"]["message"], str)
    return body["error"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("ordering=,", "ordering"),
        ("ordering=--title", "ordering"),
        ("ordering=nope", "ordering"),
        ("ordering=title,", "ordering"),
        ("page_size=-1", "page_size"),
        ("page_size=0", "page_size"),
        ("page_size=abc", "page_size"),
        ("page_size=101", "page_size"),
        ("page_size=1.5", "page_size"),
        ("page_size=99999999999999999999999", "page_size"),
        ("page=0", "page"),
        ("page=-3", "page"),
        ("page=two", "page"),
        ("page=2", "page"),
        ("category=nowhere", "category"),
        ("tags=rag,nowhere", "tags"),
        ("updated_after=yesterday", "updated_after"),
        ("updated_after=2025-13-45T99:00:00", "updated_after"),
        ("translation=half", "translation"),
        ("status=archived", "status"),
        ("lang=fr", "lang"),
    ],
)
def test_invalid_list_parameter_is_400(api_client, query, field):
    error = _error(api_client.get(f"/api/topics/?{query}"), 400)

    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]
    assert error["message"] == f"Invalid request: check {field}."


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page_size=101", "Enter a whole number from 1 to 100 for page_size."),
        ("page=0", "Enter a whole number of 1 or more for page."),
        ("page=2", "Page 2 does not exist: the last page is 1."),
        (
            "ordering=nope",
            "Invalid ordering term “nope”. Use a comma-separated list of title, title_zh, "
            "title_en, updated_at, created_at, order, slug, each with an optional leading - "
            "for descending order.",
        ),
        (
            "translation=half",
            "Unknown translation state “half”: use complete, missing-en or missing-zh.",
        ),
        ("status=archived", "Unknown status “archived”: use draft or published."),
        (
            "updated_after=yesterday",
            "Enter an ISO 8601 date and time for updated_after, for example 2025-01-31T08:00:00Z.",
        ),
    ],
)
def test_parameter_messages_name_allowed_values(api_client, query, message):
    error = _error(api_client.get(f"/api/topics/?{query}"), 400)

    assert list(error["fields"].values()) == [[message]]


def test_several_invalid_parameters_reported_together(api_client):
    error = _error(api_client.get("/api/topics/?category=nowhere&ordering=nope"), 400)

    assert set(error["fields"]) == {"category", "ordering"}


@pytest.mark.parametrize("url", ["/api/categories/?page_size=0", "/api/glossary/?page=99"])
def test_other_lists_validate_pagination(api_client, url):
    assert _error(api_client.get(url), 400)["code"] == "invalid"


@pytest.mark.parametrize("url", ["/api/nothing-here/", "/api/topics/a/b/", "/api/v2/topics/"])
def test_unknown_api_path_is_json_404(api_client, url):
    error = _error(api_client.get(url), 404)

    assert error == {
        "code": "not_found",
        "message": f"No API endpoint at {url}. The endpoints are listed at /api/docs/.",
    }


def test_missing_trailing_slash_suggests_it(api_client):
    error = _error(api_client.post("/api/topics", {}, format="json"), 404)

    assert error["message"] == "No API endpoint at /api/topics. Did you mean /api/topics/ ?"


def test_method_not_allowed_is_405(staff_api_client):
    error = _error(staff_api_client.delete("/api/tags/rag/"), 405)

    assert error["code"] == "method_not_allowed"


def test_list_post_on_detail_is_405(staff_api_client):
    error = _error(staff_api_client.post("/api/topics/rag-optimization/", {}, format="json"), 405)

    assert error["code"] == "method_not_allowed"


def test_unacceptable_accept_header_is_406(api_client):
    error = _error(api_client.get("/api/topics/", HTTP_ACCEPT="application/xml"), 406)

    assert error["code"] == "not_acceptable"


def test_unexpected_exception_is_json_500(api_client, monkeypatch, caplog):
    def explode(self, request, *args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(TopicViewSet, "list", explode)

    response = api_client.get("/api/topics/")

    error = _error(response, 500)
    assert error == {
        "code": "server_error",
        "message": "Internal server error. It has been logged; try again later.",
    }
    assert "secret internals" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert "secret internals" in caplog.text


def test_anonymous_throttle_is_429_with_retry_after(api_client, settings):
    settings.KB_API_ANON_RATE = "3/min"

    statuses = [api_client.get("/api/tags/").status_code for _ in range(4)]
    response = api_client.get("/api/tags/")

    assert statuses == [200, 200, 200, 429]
    error = _error(response, 429)
    assert error["code"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_user_throttle_counts_per_user(staff_api_client, api_client, settings):
    settings.KB_API_ANON_RATE = "100/min"
    settings.KB_API_USER_RATE = "2/min"

    statuses = [staff_api_client.get("/api/tags/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert api_client.get("/api/tags/").status_code == 200


def test_empty_rate_disables_throttle(api_client, settings):
    settings.KB_API_ANON_RATE = ""

    statuses = {api_client.get("/api/tags/").status_code for _ in range(5)}

    assert statuses == {200}


def test_error_message_follows_accept_language(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token wrong")

    english = _error(api_client.get("/api/topics/", HTTP_ACCEPT_LANGUAGE="en"), 401)
    chinese = _error(api_client.get("/api/topics/", HTTP_ACCEPT_LANGUAGE="zh-hans"), 401)

    assert english["message"] == "Invalid token."
    assert chinese["message"] != english["message"]
    assert chinese["code"] == english["code"] == "authentication_failed"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/topics/rag%00/", 404),
        ("/api/tags/r%00ag/", 404),
        ("/api/topics/?tags=r%00ag", 400),
        ("/api/topics/?category=tr%00aining", 400),
        ("/api/topics/?ordering=title%00", 400),
        ("/api/topics/?category=50%25", 400),
    ],
)
def test_nul_and_percent_in_input_are_client_errors(api_client, url, status):
    _error(api_client.get(url), status)


@pytest.mark.parametrize(
    "moment",
    ["1010-04-17T05:29:15-22:37", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-10:00"],
)
def test_extreme_updated_after_is_not_500(api_client, moment):
    response = api_client.get("/api/topics/", {"updated_after": moment})

    assert response.status_code in (200, 400)


def test_messages_default_to_english_without_accept_language(api_client):
    api_client.cookies["kb_language"] = "zh-hans"

    error = _error(api_client.get("/api/nothing-here/"), 404)

    assert error["message"].startswith("No API endpoint")


def test_own_messages_translate_to_chinese(api_client):
    response = api_client.get("/api/topics/?page_size=0", HTTP_ACCEPT_LANGUAGE="zh-hans")

    error = _error(response, 400)
    assert error["message"] == "请求无效：请检查 page_size。"
    assert error["fields"]["page_size"] == ["page_size 请填写 1 到 100 之间的整数。"]
