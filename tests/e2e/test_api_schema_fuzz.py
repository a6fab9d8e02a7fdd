"""Schemathesis against a real server: every documented operation, generated requests.

The schemathesis command line runs all its phases (examples, coverage, fuzzing,
stateful) with a staff token, so writes are exercised too, against the copy of
the test database that the server uses. MAX_EXAMPLES bounds the cases per
operation and phase, which keeps the run near a minute and a half on 2 cores.
"""

import re
import subprocess
import sys

import pytest

MAX_EXAMPLES = 25
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance"
RUN_TIMEOUT_SECONDS = 300

# django_db makes pytest-django create the test database, which live_api copies.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


def test_api_conforms_to_its_schema(live_api, record_property, tmp_path):
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{live_api.base_url}/api/schema/?format=json",
        "--checks",
        CHECKS,
        "--max-examples",
        str(MAX_EXAMPLES),
        "--header",
        f"Authorization: Token {live_api.staff_token}",
        # One worker: with several, this schemathesis version sometimes fails
        # inside Hypothesis while building coverage cases.
        "--workers",
        "1",
        "--seed",
        "20261205",
        "--no-color",
        "--report-dir",
        str(tmp_path),
    ]
    # The working folder is where schemathesis and Hypothesis keep their caches.
    result = subprocess.run(  # noqa: S603 (fixed command line)
        command,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS,
        check=False,
    )

    generated = re.search(r"(\d+) generated", result.stdout)
    # tests/e2e/conftest.py prints this after the run.
    record_property("schemathesis_generated_cases", generated.group(1) if generated else "?")
    server_log = live_api.log_path.read_text(errors="replace")
    # The failures come before long warning and summary sections; show them first.
    failures = result.stdout.partition("FAILURES")[2][:6000]
    assert result.returncode == 0, failures + (
        result.stdout[-6000:] + result.stderr[-2000:] + server_log[-6000:]
    )
    assert generated is not None, result.stdout[-2000:]
    assert int(generated.group(1)) > 0
