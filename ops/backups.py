"""Backups of the database with pg_dump and pg_restore (custom format).

The client tools must be at least as new as the server: pg_dump refuses to
dump a newer server, and pg_restore reads archives of its own or older
versions. For the embedded server the tools come from the pgserver package,
which ships them with the server. For DATABASE_URL, the candidates are
Debian's tools of the server's major version (/usr/lib/postgresql/N/bin), then
the ones on PATH, then the pgserver package's. The first candidate whose major
version is at least the server's is used.
"""

import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)

DEFAULT_BACKUP_DIR = Path(settings.BASE_DIR) / "var" / "backups"
_VERSION = re.compile(r"\(PostgreSQL\) (\d+)")


@dataclass(frozen=True)
class Target:
    """Connection parameters of Django's default database, as the client tools take them."""

    host: str
    port: int
    user: str
    password: str
    dbname: str

    def tool_args(self) -> list[str]:
        return ["--host", self.host, "--port", str(self.port), "--username", self.user]

    def tool_env(self) -> dict[str, str]:
        # The password goes through the environment, never the command line.
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def current_target() -> Target:
    """Return the default database's connection, starting the embedded server if needed."""
    params = connection.get_connection_params()
    return Target(
        host=str(params.get("host") or "localhost"),
        port=int(params.get("port") or 5432),
        user=params.get("user") or "postgres",
        password=params.get("password") or "",
        dbname=params["dbname"],
    )


def server_major_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def tool_major_version(path: Path) -> int | None:
    try:
        output = subprocess.run(  # noqa: S603 (argument list, no shell)
            [str(path), "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = _VERSION.search(output)
    return int(match.group(1)) if match else None


def _pgserver_tool(name: str) -> Path | None:
    try:
        from pgserver._commands import POSTGRES_BIN_PATH
    except ImportError:
        return None
    path = Path(POSTGRES_BIN_PATH) / name
    return path if path.exists() else None


def find_tool(name: str, server_major: int, embedded: bool) -> Path:
    """Return the path of pg_dump or pg_restore suited to a server of `server_major`.

    Raises ImproperlyConfigured naming the versions found when none fits.
    """
    if embedded:
        tool = _pgserver_tool(name)
        if tool is None:
            raise ImproperlyConfigured(f"{name} not found in the pgserver package.")
        return tool

    candidates = [Path(f"/usr/lib/postgresql/{server_major}/bin/{name}")]
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    packaged = _pgserver_tool(name)
    if packaged:
        candidates.append(packaged)

    found = []
    for candidate in candidates:
        if not candidate.exists():
            continue
        major = tool_major_version(candidate)
        found.append(f"{candidate} ({major})")
        if major is not None and major >= server_major:
            return candidate
    raise ImproperlyConfigured(
        f"No {name} of PostgreSQL {server_major} or newer was found (found: "
        f"{', '.join(found) or 'none'}). Install the client tools of the server's "
        f"version, for example Debian's postgresql-client-{server_major}."
    )


def _is_embedded() -> bool:
    return connection.settings_dict["ENGINE"] == "config.embedded_postgres"


def backup(output: Path | None = None) -> Path:
    """Dump the default database into `output` (custom format) and return its path.

    Without `output`, writes var/backups/<database>-<UTC time>.dump.
    """
    target = current_target()
    tool = find_tool("pg_dump", server_major_version(), _is_embedded())
    if output is None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        output = DEFAULT_BACKUP_DIR / f"{target.dbname}-{stamp}.dump"
    output.parent.mkdir(parents=True, exist_ok=True)

    logger.info("Backing up database %s with %s into %s", target.dbname, tool, output)
    partial = output.with_name(output.name + ".partial")
    command = [str(tool), *target.tool_args(), "--format=custom", "--file", str(partial)]
    command += ["--dbname", target.dbname]
    subprocess.run(command, env=target.tool_env(), check=True, timeout=3600)  # noqa: S603
    partial.replace(output)
    logger.info("Backup written: %s (%d bytes)", output, output.stat().st_size)
    return output


def latest_backup(folder: Path = DEFAULT_BACKUP_DIR) -> Path | None:
    dumps = sorted(folder.glob("*.dump"), key=lambda path: path.stat().st_mtime)
    return dumps[-1] if dumps else None


def restore(archive: Path) -> None:
    """Replace the default database's objects with those of `archive`, in one transaction.

    Ownership and privileges in the archive are ignored, so a dump restores
    under another database user. On any error nothing changes. The content
    version then moves past both its old and its restored value, so that no
    cached page of either state is served.
    """
    from kb.cache import bump_content_version, content_version

    if not archive.is_file():
        raise FileNotFoundError(f"Backup file not found: {archive}")
    target = current_target()
    tool = find_tool("pg_restore", server_major_version(), _is_embedded())
    try:
        version_before = content_version()
    except DatabaseError:  # an empty database has no counter table yet
        version_before = 0
    connection.close()

    logger.info("Restoring %s into database %s with %s", archive, target.dbname, tool)
    command = [
        str(tool),
        *target.tool_args(),
        "--dbname",
        target.dbname,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        str(archive),
    ]
    subprocess.run(command, env=target.tool_env(), check=True, timeout=3600)  # noqa: S603

    while content_version() <= version_before:
        bump_content_version()
    logger.info("Restore of %s finished", archive)
