"""The deployment files at work: nginx (deploy/nginx/kb.conf) in front of gunicorn
(deploy/gunicorn.conf.py), both real processes on loopback ports."""

import json
import re
import time

import pytest
import requests

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


def get(stack, path, headers=None):
    url = f"{stack.nginx_url}{path}"
    return requests.get(url, headers=headers, verify=str(stack.certificate), timeout=10)


def test_home_page_through_nginx(stack):
    response = get(stack, "/zh-hans/")
    assert response.status_code == 200
    assert "学习率" in response.text or "Transformer" in response.text
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


def test_plain_http_redirects_to_https(stack):
    response = requests.get(f"{stack.nginx_http_url}/zh-hans/", allow_redirects=False, timeout=10)
    assert response.status_code == 301
    assert response.headers["Location"].startswith("https://127.0.0.1")


def test_topic_page_and_language_through_nginx(stack):
    response = get(stack, "/en/topics/transformer-learning-rate/")
    assert response.status_code == 200
    assert 'lang="en"' in response.text


def test_static_files_served_by_nginx(stack):
    page = get(stack, "/en/").text
    css_path = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', page).group(1)
    response = get(stack, css_path, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["X-Served-By"] == "nginx-static"
    assert response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"]
    assert "X-Request-ID" not in response.headers
    assert "font-family" in response.text


def test_gzip_on_proxied_pages(stack):
    response = get(stack, "/en/glossary/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"


def test_api_schema_through_nginx(stack):
    response = get(stack, "/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    assert response.status_code == 200
    assert "openapi" in response.text


def test_health_and_readiness_through_nginx(stack):
    assert get(stack, "/healthz").json() == {"status": "ok"}
    assert get(stack, "/readyz").json() == {"status": "ok", "database": "ok"}


def wait_for_log_line(read_log, text: str, timeout: float = 5) -> str:
    """Return the log once it contains `text`; servers write it after the response."""
    deadline = time.monotonic() + timeout
    log = read_log()
    while text not in log and time.monotonic() < deadline:
        time.sleep(0.1)
        log = read_log()
    return log


def test_request_id_from_nginx_reaches_django_logs(stack):
    response = get(stack, "/en/glossary/")
    request_id = response.headers["X-Request-ID"]
    access_log = wait_for_log_line(
        (stack.nginx_dir / "access.log").read_text, f"request_id={request_id}"
    )
    assert f"request_id={request_id}" in access_log
    gunicorn_log = wait_for_log_line(stack.gunicorn.log, f"request_id={request_id}")
    lines = [line for line in gunicorn_log.splitlines() if request_id in line]
    django_lines = [json.loads(line) for line in lines if line.startswith("{")]
    assert any(entry["path"] == "/en/glossary/" for entry in django_lines)
    assert any(f"request_id={request_id}" in line for line in lines if not line.startswith("{"))


def test_metrics_add_up_all_workers(stack):
    for _ in range(20):
        get(stack, "/healthz")
    response = requests.get(f"{stack.gunicorn_url}/metrics", timeout=10)
    assert response.status_code == 200
    assert 'kb_http_requests_total{method="GET",route="healthz",status="200"}' in response.text
    assert list(stack.metrics_dir.glob("counter_*.db"))


def test_metrics_closed_to_clients_through_nginx(stack):
    response = get(stack, "/metrics", headers={"X-Forwarded-For": "127.0.0.1"})
    # nginx allows only loopback, and this client is loopback; Django uses the
    # address nginx appended, not the one the client claimed.
    assert response.status_code == 200
    forged = requests.get(
        f"{stack.gunicorn_url}/metrics",
        headers={"X-Forwarded-For": "127.0.0.1, 203.0.113.50"},
        timeout=10,
    )
    assert forged.status_code == 403


def test_large_body_rejected_by_nginx(stack):
    response = requests.post(
        f"{stack.nginx_url}/admin/login/",
        data=b"x" * (7 * 1024 * 1024),
        verify=str(stack.certificate),
        timeout=30,
    )
    assert response.status_code == 413


def test_unknown_host_rejected(stack):
    response = get(stack, "/en/", headers={"Host": "evil.example.com"})
    assert response.status_code == 400
