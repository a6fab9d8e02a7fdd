"""Request bodies that cannot be processed get a 4xx in the error shape, never a 500."""

import json

import pytest
from django.test import override_settings
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


@pytest.fixture
def token_headers(django_user_model):
    user = django_user_model.objects.create_superuser("writer", "w@example.com", "pw-writer-1")
    return {"authorization": f"Token {Token.objects.create(user=user).key}"}


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_oversized_body_is_413(client, token_headers):
    body = json.dumps({"title": {"zh": "长" * 2000}})
    response = client.post(
        "/api/topics/", body, content_type="application/json", headers=token_headers
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


def test_lone_surrogate_is_400(client, token_headers):
    body = '{"title": {"zh": "lone \\ud800 surrogate"}, "body_markdown": {"zh": "x"}}'
    response = client.post(
        "/api/topics/", body, content_type="application/json", headers=token_headers
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_text"


def test_deeply_nested_json_is_400(client, token_headers):
    body = '{"title": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.post(
        "/api/topics/", body, content_type="application/json", headers=token_headers
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] in {"parse_error", "invalid"}
