import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = ROOT / "deploy" / "systemd" / "kb.env.example"


def production_env() -> dict[str, str]:
    """The example env file's variables, with a real-looking secret and no caller's DJANGO_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KB_"))}
    for line in ENV_EXAMPLE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    env["DJANGO_SECRET_KEY"] = "k7$Qp2!vX9#rL4@mZ8^wN3&cT6*yB1(hD5)fJ0-gS_aE+uI=oP" * 2
    env.pop("DATABASE_URL", None)
    return env


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_env():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_env_example_holds_no_secret():
    text = ENV_EXAMPLE.read_text()
    secret_line = re.search(r"^DJANGO_SECRET_KEY=(.*)$", text, re.MULTILINE)
    assert secret_line is not None
    assert "change-me" in secret_line.group(1)


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_start_requires_variable(missing):
    env = production_env()
    env.pop(missing)
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{missing} is missing" in result.stderr


def test_invalid_log_format_is_rejected():
    env = production_env()
    env["DJANGO_LOG_FORMAT"] = "xml"
    result = run_manage("check", env=env)
    assert "DJANGO_LOG_FORMAT must be plain or json" in result.stderr


class InlineCodeFinder(HTMLParser):
    """Collects inline <script> and <style> elements and style/on* attributes."""

    def __init__(self):
        super().__init__()
        self.inline = []
        self._open = None

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and "src" not in names:
            self._open = "script"
        if tag == "style":
            self._open = "style"
        for name, value in attrs:
            if name.startswith("on"):
                self.inline.append(f"{tag} {name}={value}")
            if name == "style" and value not in (
                "text-align:left",
                "text-align:center",
                "text-align:right",
            ):
                self.inline.append(f"{tag} style={value}")

    def handle_data(self, data):
        if self._open and data.strip():
            self.inline.append(f"<{self._open}> {data.strip()[:40]}")

    def handle_endtag(self, tag):
        self._open = None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/zh-hans/",
        "/en/",
        "/en/topics/",
        "/zh-hans/topics/transformer-learning-rate/",
        "/en/topics/deploy-ml-applications/?view=both",
        "/en/glossary/",
        "/en/no-such-page/",
    ],
)
def test_pages_have_no_inline_code_and_send_csp(client, path):
    response = client.get(path)
    finder = InlineCodeFinder()
    finder.feed(response.content.decode())
    assert finder.inline == []
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == "'self'"
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"


def directives(policy: str) -> dict[str, str]:
    """Split a CSP header into directive → sources; django-csp does not fix their order."""
    pairs = (part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    return dict(pairs)


@pytest.mark.django_db
def test_api_docs_policy_allows_inline_styles_only(client):
    policy = directives(client.get("/api/docs/")["Content-Security-Policy"])
    assert policy["style-src"] == "'self' 'unsafe-inline'"
    assert policy["script-src"] == "'self'"


def test_error_pages_have_no_inline_code():
    for name in ("400.html", "500.html", "503.html"):
        finder = InlineCodeFinder()
        finder.feed((ROOT / "templates" / name).read_text())
        assert finder.inline == [], name


@pytest.mark.django_db
def test_disallowed_host_gets_400_not_500(client):
    response = client.get("/en/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert "evil.example.com" not in response.content.decode()
