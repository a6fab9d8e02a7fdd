"""A real API server process (gunicorn) on a free loopback port, for end-to-end tests.

The server uses a copy of the test database, made with CREATE DATABASE …
TEMPLATE, so it contains the shipped content, and whatever the tests write
through it never reaches the database of the other tests.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, connections
from psycopg import sql
from rest_framework.authtoken.models import Token

PROJECT_DIR = Path(settings.BASE_DIR)
STARTUP_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class LiveApi:
    base_url: str
    staff_token: str
    log_path: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _admin_connection(params: dict) -> psycopg.Connection:
    return psycopg.connect(
        host=params.get("host"),
        port=params.get("port"),
        user=params.get("user"),
        password=params.get("password"),
        dbname="postgres",
        autocommit=True,
    )


def _create_staff_token() -> tuple[str, int]:
    user = get_user_model().objects.create_superuser("e2e-staff", "e2e-staff@example.com")
    return Token.objects.create(user=user).key, user.pk


def _wait_until_ready(base_url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The API server exited early; see {log_path}")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:  # noqa: S310 (loopback URL)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"The API server did not answer within {STARTUP_TIMEOUT_SECONDS} s")


@pytest.fixture(scope="session")
def live_api(django_db_setup, django_db_blocker, tmp_path_factory):
    """Start gunicorn on a copy of the test database; yield its URL and a staff token."""
    with django_db_blocker.unblock():
        params = connection.get_connection_params()
        source = connection.settings_dict["NAME"]
        # Without a test marked django_db, pytest-django creates no test database
        # and this would copy the development database.
        assert source.startswith("test_"), f"not a test database: {source}"
        copy = f"{source}_e2e"
        token, user_id = _create_staff_token()
        connections.close_all()
        with _admin_connection(params) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(copy)))
            admin.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(copy), sql.Identifier(source)
                )
            )
        get_user_model().objects.filter(pk=user_id).delete()

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    user = quote(params.get("user") or "", safe="")
    password = quote(params.get("password") or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@"
    environment = {
        **os.environ,
        # libpq takes the host (a TCP host or the embedded server's socket folder)
        # and port from these when the URL has none.
        "DATABASE_URL": f"postgresql://{credentials}/{copy}",
        "PGHOST": str(params.get("host") or ""),
        "PGPORT": str(params.get("port") or ""),
        "DJANGO_SECRET_KEY": "e2e-only-secret-key",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: without a proxy in front, HTTPS-only would redirect.
        "DJANGO_HTTPS": "false",
        # Fuzzing sends far more requests than any rate would allow.
        "KB_API_ANON_RATE": "",
        "KB_API_USER_RATE": "",
    }
    log_path = tmp_path_factory.mktemp("e2e") / "gunicorn.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--log-level",
        "warning",
        # Generated queries with many repeated parameters exceed gunicorn's default
        # request-line limit (4094 bytes), and its 414 comes before the API runs.
        "--limit-request-line",
        "0",
    ]
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603 (fixed command line)
            command, cwd=PROJECT_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        _wait_until_ready(base_url, process, log_path)
        yield LiveApi(base_url=base_url, staff_token=token, log_path=log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        with django_db_blocker.unblock(), _admin_connection(params) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(copy))
            )


def pytest_terminal_summary(terminalreporter):
    """Print how many cases schemathesis generated, with or without -s."""
    for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get(
        "failed", []
    ):
        for name, value in getattr(report, "user_properties", []):
            if name == "schemathesis_generated_cases":
                terminalreporter.write_line(f"{report.nodeid}: {value} generated cases")
