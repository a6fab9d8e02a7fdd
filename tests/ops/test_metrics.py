import pytest
from django.test import RequestFactory

from ops.client_address import address_allowed, client_address

pytestmark = pytest.mark.django_db


def test_metrics_served_to_loopback(client):
    client.get("/zh-hans/")
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert 'kb_http_requests_total{method="GET",route="zh-hans/",status="200"}' in body
    assert "kb_http_request_duration_seconds_bucket" in body
    assert "kb_db_queries_total" in body
    assert "kb_db_query_duration_seconds_count" in body


def test_metrics_rejected_for_other_addresses(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403


def test_metrics_allow_list_takes_networks(client, settings):
    settings.KB_METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


def test_forged_forwarded_for_does_not_open_metrics(client, settings):
    settings.KB_TRUSTED_PROXY_COUNT = 1
    # nginx appends the real client (203.0.113.9) after what the client sent.
    response = client.get(
        "/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="127.0.0.1, 203.0.113.9"
    )
    assert response.status_code == 403


def test_unmatched_paths_share_one_route_label(client):
    client.get("/no/such/path/one")
    client.get("/no/such/path/two")
    body = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert 'route="<unmatched>",status="404"' in body
    assert "/no/such/path" not in body


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "127.0.0.1"),
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "10.9.9.9, 198.51.100.1", "198.51.100.1"),
        (2, "10.9.9.9, 198.51.100.1, 192.0.2.5", "198.51.100.1"),
        (2, "198.51.100.1", "127.0.0.1"),
        (1, "", "127.0.0.1"),
    ],
)
def test_client_address_through_proxies(settings, count, forwarded, expected):
    settings.KB_TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_address_allowed_handles_invalid_entries():
    assert address_allowed("::1", ["not-an-address", "::1"])
    assert not address_allowed("garbage", ["0.0.0.0/0"])
    assert not address_allowed("192.0.2.1", ["192.0.3.0/24"])
