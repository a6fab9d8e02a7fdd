"""Backup and restore round trip on scratch databases, with the real pg_dump and pg_restore."""

import subprocess
import sys
from pathlib import Path

import pytest
from psycopg import sql

from tests.servers import (
    ROOT,
    current_database_server,
    prepare_content_database,
    production_like_env,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

SOURCE, COPY = "kb_backup_source", "kb_backup_copy"
# Every text of topics, glossary and history, in a stable order.
TEXT_QUERIES = {
    "topics": "SELECT md5(string_agg(concat_ws('|', id, slug, title_zh, title_en, summary_zh, "
    "summary_en, body_zh, body_en, body_html_zh, body_html_en, toc_zh::text, toc_en::text, "
    "version), '§' ORDER BY id)) FROM kb_topic",
    "glossary": "SELECT md5(string_agg(concat_ws('|', id, slug, term_zh, term_en, "
    "aliases::text, definition_zh, definition_en), '§' ORDER BY id)) FROM kb_glossaryterm",
    "history": "SELECT md5(string_agg(concat_ws('|', history_id, id, title_zh, title_en, "
    "summary_zh, summary_en, body_zh, body_en, history_type, history_date::text), '§' "
    "ORDER BY history_id)) FROM kb_historicaltopic",
    "chinese_characters": "SELECT sum(length(body_zh) + length(title_zh)) FROM kb_topic",
}


def fingerprint(server, dbname: str) -> dict:
    with server.connect(dbname) as connection:
        tables = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
        counts = {
            table: connection.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for (table,) in tables
        }
        texts = {
            name: connection.execute(query).fetchone()[0] for name, query in TEXT_QUERIES.items()
        }
    return {"rows": counts, "texts": texts}


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def databases(django_db_blocker):
    with django_db_blocker.unblock():
        server = current_database_server()
    yield server
    server.drop_database(SOURCE)
    server.drop_database(COPY)


def test_backup_restores_every_row_and_character(databases, tmp_path):
    server = databases
    source_url = prepare_content_database(server, SOURCE)
    with server.connect(SOURCE) as connection:
        # An emoji and a rare character, to be sure nothing narrows the encoding.
        connection.execute(
            "UPDATE kb_topic SET summary_zh = summary_zh || ' 🚀 龘' "
            "WHERE slug = 'rag-optimization'"
        )
    before = fingerprint(server, SOURCE)
    assert before["rows"]["kb_topic"] == 6
    assert before["rows"]["kb_historicaltopic"] > 0

    archive = tmp_path / "kb.dump"
    backup = manage(
        "backup_database", "--output", str(archive), env=production_like_env(source_url)
    )
    assert backup.returncode == 0, backup.stderr
    assert archive.stat().st_size > 10_000
    assert archive.read_bytes()[:5] == b"PGDMP"

    server.create_database(COPY)
    copy_url = server.url(COPY)
    restore = manage(
        "restore_database", str(archive), "--no-input", env=production_like_env(copy_url)
    )
    assert restore.returncode == 0, restore.stderr

    after = fingerprint(server, COPY)
    # The restore moves the content version forward, so that table differs on purpose.
    assert after["rows"] == before["rows"]
    assert after["texts"] == before["texts"]
    with server.connect(COPY) as connection:
        summary = connection.execute(
            "SELECT summary_zh FROM kb_topic WHERE slug = 'rag-optimization'"
        ).fetchone()[0]
    assert summary.endswith(" 🚀 龘")


def test_restore_over_existing_content_replaces_it(databases, tmp_path):
    server = databases
    source_url = prepare_content_database(server, SOURCE)
    archive = tmp_path / "kb.dump"
    assert (
        manage(
            "backup_database", "--output", str(archive), env=production_like_env(source_url)
        ).returncode
        == 0
    )
    with server.connect(SOURCE) as connection:
        connection.execute("UPDATE kb_topic SET title_en = 'Changed after the backup'")
        version_before = connection.execute("SELECT value FROM kb_contentversioncounter").fetchone()
    restore = manage(
        "restore_database", str(archive), "--no-input", env=production_like_env(source_url)
    )
    assert restore.returncode == 0, restore.stderr
    with server.connect(SOURCE) as connection:
        titles = {row[0] for row in connection.execute("SELECT title_en FROM kb_topic")}
        version_after = connection.execute("SELECT value FROM kb_contentversioncounter").fetchone()
    assert "Changed after the backup" not in titles
    assert version_before is None or version_after[0] > version_before[0]


def test_restore_rejects_missing_file(tmp_path):
    env = production_like_env("postgresql://postgres@127.0.0.1:1/none")
    result = manage("restore_database", str(tmp_path / "missing.dump"), "--no-input", env=env)
    assert result.returncode != 0
    assert "Backup file not found" in result.stderr


def test_embedded_server_uses_pgserver_tools():
    from ops.backups import find_tool

    tool = find_tool("pg_dump", 18, embedded=True)
    assert "pgserver" in str(tool)
    assert tool.exists()


def test_tool_older_than_server_is_not_used(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from ops import backups

    monkeypatch.setattr(backups, "_pgserver_tool", lambda name: None)
    monkeypatch.setattr(backups.shutil, "which", lambda name: "/usr/bin/" + name)
    monkeypatch.setattr(backups, "tool_major_version", lambda path: 15)
    monkeypatch.setattr(Path, "exists", lambda self: str(self) == "/usr/bin/pg_dump")
    with pytest.raises(ImproperlyConfigured, match="postgresql-client-99"):
        backups.find_tool("pg_dump", 99, embedded=False)
