"""The OpenAPI schema and the interactive docs."""

import re
from io import StringIO

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_spectacular_validates_without_warnings(tmp_path):
    output = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(output))

    schema = yaml.safe_load(output.read_text(encoding="utf-8"))
    assert schema["openapi"].startswith("3.")


@pytest.fixture
def schema(api_client) -> dict:
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_schema_lists_every_endpoint(schema):
    assert set(schema["paths"]) == {
        "/api/topics/",
        "/api/topics/{slug}/",
        "/api/categories/",
        "/api/categories/{slug}/",
        "/api/tags/",
        "/api/tags/{slug}/",
        "/api/glossary/",
        "/api/glossary/{slug}/",
        "/api/search/",
        "/api/calculators/lr-schedule/",
        "/api/calculators/positional-encoding/",
    }


def _component(schema: dict, reference: str) -> dict:
    return schema["components"]["schemas"][reference.removeprefix("#/components/schemas/")]


def test_every_operation_documents_errors(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"401", "429"} <= set(responses), (method, path)
            for status, response in responses.items():
                if not status.startswith(("4", "5")):
                    continue
                body = _component(schema, response["content"]["application/json"]["schema"]["$ref"])
                detail = _component(schema, body["properties"]["error"]["$ref"])
                assert {"code", "message"} <= set(detail["required"]), (method, path, status)


def test_write_operations_document_auth_errors(schema):
    topic = schema["paths"]["/api/topics/{slug}/"]

    for method in ("put", "patch", "delete"):
        assert {"401", "403", "404"} <= set(topic[method]["responses"])
    assert {"400", "401", "403"} <= set(schema["paths"]["/api/topics/"]["post"]["responses"])


def test_reads_allow_anonymous_and_writes_do_not(schema):
    topics = schema["paths"]["/api/topics/"]

    assert {} in topics["get"]["security"]
    assert {} not in topics["post"]["security"]


def test_error_component_shape(schema):
    detail = schema["components"]["schemas"]["ErrorDetail"]

    assert detail["required"] == ["code", "message"]
    assert set(detail["properties"]) == {"code", "message", "fields"}


def test_list_schema_says_bodies_are_left_out(schema):
    listed = schema["components"]["schemas"]["TopicSummary"]["properties"]
    detail = schema["components"]["schemas"]["TopicDetail"]["properties"]

    assert "body_markdown" not in listed
    assert {"body_markdown", "body_html", "toc"} <= set(detail)
    assert "leaves out the bodies" in schema["paths"]["/api/topics/"]["get"]["description"]


def test_docs_page_loads_only_local_assets(client, settings):
    # Tests run without collectstatic, so the manifest storage of production has no entries.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    response = client.get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    # The start-up script is a file of its own (?script=), as the CSP allows no inline script.
    script = client.get("/api/docs/?script=").content.decode()
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page)
    urls += re.findall(r"""url:\s*["']([^"']+)["']""", script)
    assert urls
    for url in urls:
        assert not re.match(r"^(https?:)?//", url), url
    # Swagger UI's default validator badge is an image from validator.swagger.io.
    assert '"validatorUrl": null' in script


@pytest.mark.parametrize(
    "url",
    [
        "/api/",
        "/api/topics/?tags=rag,llm&ordering=-updated_at",
        "/api/topics/rag-optimization/",
        "/api/categories/",
        "/api/glossary/learning-rate/",
        "/api/search/?q=rag&tags=rag",
        "/api/topics/?page=0",
    ],
)
def test_browsable_api_renders_html(staff_client, url):
    response = staff_client.get(url, HTTP_ACCEPT="text/html")

    assert response.status_code in (200, 400)
    assert "text/html" in response["Content-Type"]


def test_token_admin_lists_tokens(staff_client):
    response = staff_client.get("/admin/authtoken/tokenproxy/")

    assert response.status_code == 200


def test_issue_api_token_prints_and_resets(staff_user):
    first, again, reset = StringIO(), StringIO(), StringIO()

    call_command("issue_api_token", staff_user.username, stdout=first)
    call_command("issue_api_token", staff_user.username, stdout=again)
    call_command("issue_api_token", staff_user.username, "--reset", stdout=reset)

    assert len(first.getvalue().strip()) == 40
    assert again.getvalue() == first.getvalue()
    assert reset.getvalue() != first.getvalue()


def test_issued_token_authenticates(staff_user, api_client):
    output = StringIO()
    call_command("issue_api_token", staff_user.username, stdout=output)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {output.getvalue().strip()}")

    assert api_client.get("/api/topics/?status=draft").status_code == 200


def test_issue_api_token_for_unknown_user_fails():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No user named 'ghost'"):
        call_command("issue_api_token", "ghost")
