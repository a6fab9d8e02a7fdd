"""The database stops under load and comes back; gunicorn keeps running throughout.

The test runs its own PostgreSQL (initdb and pg_ctl from the pgserver package,
as the `pgserver` system user when the tests run as root) so that it can stop
it, and never touches another server. While the database is down, pages must
return 503 with the bilingual page, the API 503 with its JSON error envelope,
and no request may return 500 or show a traceback. Once it is back, every request
must succeed again without restarting gunicorn's workers.
"""

import json
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.servers import (
    ROOT,
    DatabaseServer,
    free_port,
    prepare_content_database,
    start_gunicorn,
)

pytestmark = pytest.mark.e2e

PATHS = [
    "/en/",
    "/zh-hans/topics/transformer-learning-rate/",
    "/en/glossary/",
    "/api/topics/",
    "/api/schema/",
    "/readyz",
    "/healthz",
]
# Served without the database, so they must succeed during the outage too.
DATABASE_FREE_PATHS = {"/api/schema/", "/healthz"}
RESULTS = ROOT / "artifacts" / "database-outage.json"


def system_user(name: str) -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        return None


class OwnPostgres:
    """A PostgreSQL cluster in a temporary folder, listening on a loopback port."""

    def __init__(self):
        import pgserver._commands

        self.bin = Path(pgserver._commands.POSTGRES_BIN_PATH)
        self.folder = Path(tempfile.mkdtemp(prefix="kb-outage-pg-", dir="/tmp"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.user = None
        if os.geteuid() == 0:
            # PostgreSQL does not run as root. pgserver creates the user pgserver for
            # the embedded server; Debian's postgresql package creates postgres.
            self.user = system_user("pgserver") or system_user("postgres")
            if self.user is None:
                pytest.fail("no pgserver or postgres user: start the embedded PostgreSQL once")
            os.chown(self.folder, self.user.pw_uid, self.user.pw_gid)

    def run(self, *command: str) -> None:
        kwargs = {"user": self.user.pw_uid, "group": self.user.pw_gid} if self.user else {}
        result = subprocess.run(
            [str(self.bin / command[0]), *command[1:]],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=self.folder,
            **kwargs,
        )
        assert result.returncode == 0, f"{command[0]} failed: {result.stdout}{result.stderr}"

    def init(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def start_and_wait(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.folder}"
        log = str(self.folder / "log")
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def server(self) -> DatabaseServer:
        return DatabaseServer(host="127.0.0.1", port=self.port, user="postgres", password="")


@dataclass
class Outcome:
    path: str
    started: float
    finished: float
    status: int
    content_type: str
    body: str


def hammer(base_url: str, stop: threading.Event, outcomes: list, worker: int) -> None:
    session = requests.Session()
    index = worker
    while not stop.is_set():
        path = PATHS[index % len(PATHS)]
        index += 1
        started = time.monotonic()
        try:
            response = session.get(f"{base_url}{path}", timeout=10)
            status, content_type, body = (
                response.status_code,
                response.headers.get("Content-Type", ""),
                response.text,
            )
        except requests.RequestException as error:
            status, content_type, body = 0, "", repr(error)
        outcomes.append(Outcome(path, started, time.monotonic(), status, content_type, body))


def worker_pids(master_pid: int) -> set[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return {int(pid) for pid in children}


@pytest.fixture(scope="module")
def own_postgres():
    postgres = OwnPostgres()
    try:
        postgres.init()
        postgres.start_and_wait()
        yield postgres
    finally:
        postgres.remove()


def test_outage_gives_503_and_recovers_without_restart(own_postgres, server_logs):
    url = prepare_content_database(own_postgres.server, "kb_outage")
    gunicorn, base_url = start_gunicorn(
        url,
        server_logs,
        name="gunicorn-outage",
        DJANGO_HTTPS="false",
        DJANGO_CONN_MAX_AGE="60",
        # No recycling after N requests, so a changed worker id means a crash.
        KB_MAX_REQUESTS="0",
    )
    try:
        workers_before = worker_pids(gunicorn.pid)
        outcomes: list[Outcome] = []
        stop = threading.Event()
        threads = [
            threading.Thread(target=hammer, args=(base_url, stop, outcomes, n)) for n in range(4)
        ]
        for thread in threads:
            thread.start()

        time.sleep(3)
        down_from = time.monotonic()
        own_postgres.stop()
        down_confirmed = time.monotonic()
        time.sleep(4)
        back_from = time.monotonic()
        own_postgres.start_and_wait()
        back_confirmed = time.monotonic()
        time.sleep(4)
        stop.set()
        for thread in threads:
            thread.join(15)

        gunicorn.check_running()
        workers_after = worker_pids(gunicorn.pid)
    finally:
        gunicorn.stop()

    statuses = {}
    for outcome in outcomes:
        statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
    before = [o for o in outcomes if o.finished < down_from]
    during = [o for o in outcomes if o.started > down_confirmed and o.finished < back_from]
    during_free = [o for o in during if o.path in DATABASE_FREE_PATHS]
    during = [o for o in during if o.path not in DATABASE_FREE_PATHS]
    after = [o for o in outcomes if o.started > back_confirmed + 1.0]
    first_success = min(
        (o.finished for o in outcomes if o.started > back_from and o.status == 200),
        default=None,
    )
    summary = {
        "requests": len(outcomes),
        "statuses": statuses,
        "outage_seconds": round(back_from - down_from, 2),
        "requests_during_outage": len(during),
        # From the start command to the first successful page; pg_ctl returns
        # only after the server accepts connections, which may be later.
        "seconds_to_first_success_after_start": (
            round(first_success - back_from, 2) if first_success else None
        ),
        "workers_restarted": sorted(workers_before ^ workers_after),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n")

    assert set(statuses) <= {200, 503}, summary
    assert before and all(o.status == 200 for o in before), summary
    assert during, summary
    assert all(o.status == 503 for o in during), summary
    assert during_free and all(o.status == 200 for o in during_free), summary
    assert after and all(o.status == 200 for o in after), summary
    assert workers_before == workers_after, "gunicorn workers were restarted"

    for outcome in during:
        assert "Traceback" not in outcome.body
        assert "OperationalError" not in outcome.body
        if outcome.path.startswith("/api/"):
            assert outcome.content_type == "application/json"
            assert json.loads(outcome.body)["error"]["code"] == "service_unavailable"
        elif outcome.path == "/readyz":
            assert json.loads(outcome.body)["database"] == "unreachable"
        else:
            assert "数据库暂时不可用" in outcome.body
            assert "The database is unavailable" in outcome.body
