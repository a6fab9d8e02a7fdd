"""gunicorn settings for the knowledge base (gunicorn -c deploy/gunicorn.conf.py).

Every value can be changed through the environment variables named below, so
the systemd unit's env file is the one place to tune a server.
"""

import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent

wsgi_app = "config.wsgi:application"
chdir = str(PROJECT_DIR)

# KB_BIND: host:port, or unix:/path/to/socket. Loopback only: nginx is the
# public entry point.
bind = [os.environ.get("KB_BIND", "127.0.0.1:8001")]

# Synchronous workers: (2 × cores) + 1 is gunicorn's own starting point for a
# service that waits on its database. KB_WORKERS overrides it.
workers = int(os.environ.get("KB_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# Seconds a worker may spend on one request before the master restarts it.
timeout = int(os.environ.get("KB_WORKER_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("KB_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycling workers now and then bounds the memory any slow leak can take;
# 0 turns it off.
max_requests = int(os.environ.get("KB_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10

# nginx on the same host sets X-Forwarded-Proto; gunicorn believes it only from
# these addresses.
forwarded_allow_ips = os.environ.get("KB_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs go to stdout and stderr, which systemd's journal collects. The access
# line ends with the request id that nginx sent or Django made.
accesslog = os.environ.get("KB_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("KB_GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)sB %(M)sms request_id=%({x-request-id}o)s "%(a)s"'

# Prometheus multiprocess mode: each worker writes its metrics to files in this
# folder (KB_METRICS_DIR, else a new temporary one) and /metrics adds them up.
# It must be set before any worker imports prometheus_client, which is why it
# is set here and not in Django's settings. Management commands run without
# it, so they neither need the folder nor add their queries to the metrics.
# A temporary folder made here is removed again when gunicorn exits.
temporary_metrics_dir = None
if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    metrics_dir = os.environ.get("KB_METRICS_DIR")
    if not metrics_dir:
        metrics_dir = temporary_metrics_dir = tempfile.mkdtemp(prefix="kb-prometheus-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir


def on_starting(server):
    """Start from empty metric files, so counters of a previous run do not add up."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for stale in Path(folder).glob("*.db"):
        stale.unlink()
    server.log.info("Prometheus multiprocess metrics in %s", folder)


def child_exit(server, worker):
    """Drop a dead worker's live gauges from the multiprocess metric files."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if temporary_metrics_dir:
        shutil.rmtree(temporary_metrics_dir, ignore_errors=True)
