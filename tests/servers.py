"""Real servers for the end-to-end tests, all on free loopback ports.

Session fixtures: a scratch database with the shipped content (on the same
PostgreSQL server as the test database), a Redis server, gunicorn started with
deploy/gunicorn.conf.py, and nginx running deploy/nginx/kb.conf with a
self-signed certificate. Each is stopped at the end of the session; the
scratch database is dropped. A missing binary fails the test with the package
to install (.ci/run installs them), because a skipped end-to-end test proves
nothing.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
import requests
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
NGINX_SITE = ROOT / "deploy" / "nginx" / "kb.conf"
E2E_DATABASE = "kb_e2e"
E2E_SECRET_KEY = "e2e-only-secret-key-3f9c1a7be25d48e6a0c4f1d2b7e9a5c3-not-for-production"
ADMIN_USER = "e2e-editor"
ADMIN_PASSWORD = "e2e-Editor-pass-7291"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def require_binary(path: str, package: str) -> str:
    found = shutil.which(path) or (path if os.access(path, os.X_OK) else None)
    if not found:
        pytest.fail(f"{path} not found: install Debian's {package} (.ci/run does)")
    return found


class ServerProcess:
    """A subprocess whose output goes to a log file, stopped with SIGTERM then SIGKILL."""

    def __init__(self, name: str, command: list[str], log_dir: Path, **popen):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            command, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True, **popen
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def check_running(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(f"{self.name} exited with {self.process.returncode}:\n{self.log()[-3000:]}")

    def stop(self, timeout: float = 15) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._log.close()


def wait_until_answers(url: str, server: ServerProcess, timeout: float = 60, **kwargs) -> None:
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        server.check_running()
        try:
            response = requests.get(url, timeout=2, **kwargs)
            if response.status_code < 500:
                return
            last_error = f"HTTP {response.status_code}"
        except requests.RequestException as error:
            last_error = error
        time.sleep(0.2)
    pytest.fail(f"{url} did not answer within {timeout} s ({last_error}):\n{server.log()[-3000:]}")


@dataclass(frozen=True)
class DatabaseServer:
    """Where the test database lives: a socket folder or a host, with credentials."""

    host: str
    port: int
    user: str
    password: str

    def connect(self, dbname: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password or None,
            dbname=dbname,
            autocommit=True,
        )

    def url(self, dbname: str) -> str:
        """Return a DATABASE_URL for `dbname`; a socket folder goes into the query string."""
        credentials = quote(self.user, safe="")
        if self.password:
            credentials += ":" + quote(self.password, safe="")
        if self.host.startswith("/"):
            return f"postgresql://{credentials}@/{dbname}?host={self.host}&port={self.port}"
        return f"postgresql://{credentials}@{self.host}:{self.port}/{dbname}"

    def create_database(self, name: str) -> None:
        with self.connect() as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop_database(self, name: str) -> None:
        with self.connect() as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def current_database_server() -> DatabaseServer:
    """Return the server of Django's default database (starting the embedded one if needed)."""
    from django.db import connection

    params = connection.get_connection_params()
    return DatabaseServer(
        host=str(params.get("host") or "127.0.0.1"),
        port=int(params.get("port") or 5432),
        user=params.get("user") or "postgres",
        password=params.get("password") or "",
    )


def production_like_env(database_url: str, **overrides: str) -> dict[str, str]:
    """Environment of a production process (DEBUG off) for the given database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KB_"))}
    env.update(
        {
            "DJANGO_SECRET_KEY": E2E_SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": database_url,
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str], timeout: float = 300) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare_content_database(server: DatabaseServer, name: str) -> str:
    """Create database `name` with migrations, the shipped content and an admin; return its URL."""
    server.create_database(name)
    url = server.url(name)
    env = production_like_env(url, DJANGO_SUPERUSER_PASSWORD=ADMIN_PASSWORD)
    manage("migrate", "--no-input", "-v", "0", env=env)
    manage("load_content", env=env)
    manage(
        "createsuperuser",
        "--no-input",
        "--username",
        ADMIN_USER,
        "--email",
        "e2e@example.com",
        env=env,
    )
    return url


@pytest.fixture(scope="session")
def server_logs(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("server-logs")


@pytest.fixture(scope="session")
def e2e_database(django_db_blocker):
    """URL of a scratch database with the shipped content, dropped after the session."""
    with django_db_blocker.unblock():
        server = current_database_server()
    url = prepare_content_database(server, E2E_DATABASE)
    yield url
    server.drop_database(E2E_DATABASE)


class RedisServer(ServerProcess):
    """A Redis server of our own on a free loopback port, without persistence."""

    def __init__(self, log_dir: Path):
        binary = require_binary("redis-server", "redis-server")
        self.port = free_port()
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        super().__init__("redis", command + ["--save", "", "--appendonly", "no"], log_dir)
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def wait_until_ready(self, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_running()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"redis-server did not listen on port {self.port}:\n{self.log()}")


def start_redis(log_dir: Path) -> RedisServer:
    redis = RedisServer(log_dir)
    redis.wait_until_ready()
    return redis


@pytest.fixture(scope="session")
def redis_url(server_logs):
    redis = start_redis(server_logs)
    yield redis.url
    redis.stop()


@dataclass
class Stack:
    gunicorn_url: str
    nginx_url: str
    nginx_http_url: str
    gunicorn: ServerProcess
    nginx: ServerProcess
    nginx_dir: Path
    metrics_dir: Path
    # The self-signed certificate nginx serves: pass it as `verify` to requests.
    certificate: Path


def start_gunicorn(database_url: str, log_dir: Path, name: str = "gunicorn", **env_overrides):
    port = free_port()
    settings = {
        "KB_WORKERS": "2",
        "DJANGO_LOG_FORMAT": "json",
        # All test traffic comes from one address, which the API's throttle would limit.
        "KB_API_ANON_RATE": "",
        "KB_API_USER_RATE": "",
        **env_overrides,
    }
    env = production_like_env(database_url, KB_BIND=f"127.0.0.1:{port}", **settings)
    gunicorn = ServerProcess(
        name,
        [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
        log_dir,
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_answers(f"{url}/healthz", gunicorn)
    return gunicorn, url


def make_certificate(folder: Path) -> tuple[Path, Path]:
    openssl = require_binary("openssl", "openssl")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def render_nginx_site(
    folder: Path, gunicorn_port: int, http_port: int, https_port: int, cert: Path, key: Path
) -> str:
    """Return deploy/nginx/kb.conf with loopback ports and this test's paths.

    Each replaced line must exist in the site file, so a change there that the
    test no longer covers fails here instead of passing unnoticed.
    """
    replacements = [
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("    listen [::]:80;\n", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("    listen [::]:443 ssl http2;\n", ""),
        ("server_name kb.example.com;", "server_name 127.0.0.1 localhost;"),
        ("server 127.0.0.1:8001;", f"server 127.0.0.1:{gunicorn_port};"),
        ("/etc/letsencrypt/live/kb.example.com/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/kb.example.com/privkey.pem", str(key)),
        ("alias /srv/kb/app/staticfiles/;", f"alias {ROOT}/staticfiles/;"),
        ("/var/log/nginx/kb.access.log", str(folder / "access.log")),
        ("/var/log/nginx/kb.error.log", str(folder / "error.log")),
        ("/etc/nginx/kb_proxy_params", str(ROOT / "deploy" / "nginx" / "kb_proxy_params")),
        ("root /var/www/html;", f"root {folder / 'certbot'};"),
    ]
    site = NGINX_SITE.read_text()
    for old, new in replacements:
        assert old in site, f"{NGINX_SITE} no longer contains {old!r}"
        site = site.replace(old, new)
    return site


def write_nginx_config(folder: Path, site: str) -> Path:
    for temp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi", "certbot"):
        (folder / temp).mkdir(exist_ok=True)
    (folder / "site.conf").write_text(site)
    # As root, nginx's workers would run as the user nobody, who may lack read
    # permission on the checkout.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    config = folder / "nginx.conf"
    config.write_text(
        f"{user}worker_processes 1;\n"
        f"pid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} info;\n"
        "events { worker_connections 512; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        "    default_type application/octet-stream;\n"
        "    sendfile on;\n"
        f"    client_body_temp_path {folder / 'client_body'};\n"
        f"    proxy_temp_path {folder / 'proxy'};\n"
        f"    fastcgi_temp_path {folder / 'fastcgi'};\n"
        f"    uwsgi_temp_path {folder / 'uwsgi'};\n"
        f"    scgi_temp_path {folder / 'scgi'};\n"
        f"    include {folder / 'site.conf'};\n"
        "}\n"
    )
    return config


def start_nginx(folder: Path, gunicorn_port: int, log_dir: Path):
    binary = require_binary("/usr/sbin/nginx", "nginx")
    http_port, https_port = free_port(), free_port()
    cert, key = make_certificate(folder)
    site = render_nginx_site(folder, gunicorn_port, http_port, https_port, cert, key)
    config = write_nginx_config(folder, site)
    test = subprocess.run(
        [binary, "-t", "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert test.returncode == 0, test.stderr
    nginx = ServerProcess(
        "nginx",
        [binary, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(config)]
        + ["-g", "daemon off;"],
        log_dir,
    )
    url = f"https://127.0.0.1:{https_port}"
    wait_until_answers(f"{url}/healthz", nginx, verify=str(cert))
    return nginx, url, f"http://127.0.0.1:{http_port}", cert


@pytest.fixture(scope="session")
def stack(e2e_database, redis_url, server_logs, tmp_path_factory):
    """gunicorn (2 workers, Redis cache) behind nginx with HTTPS, on the scratch database."""
    metrics_dir = tmp_path_factory.mktemp("prometheus")
    gunicorn, gunicorn_url = start_gunicorn(
        e2e_database,
        server_logs,
        REDIS_URL=redis_url,
        DJANGO_TRUST_X_FORWARDED_PROTO="true",
        KB_TRUSTED_PROXY_COUNT="1",
        KB_METRICS_DIR=str(metrics_dir),
    )
    nginx_dir = tmp_path_factory.mktemp("nginx")
    port = int(gunicorn_url.rsplit(":", 1)[1])
    try:
        nginx, nginx_url, nginx_http_url, cert = start_nginx(nginx_dir, port, server_logs)
    except BaseException:
        gunicorn.stop()
        raise
    yield Stack(
        gunicorn_url, nginx_url, nginx_http_url, gunicorn, nginx, nginx_dir, metrics_dir, cert
    )
    nginx.stop()
    gunicorn.stop()
