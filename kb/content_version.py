"""A cheap fingerprint of all content, for HTTP validators (ETag, Last-Modified).

Any save or deletion of a topic, category, tag or glossary term changes the
fingerprint: saves move max(updated_at), deletions change the row count, and
categories and tags, which have no timestamp, are hashed whole (they are small).
One query computes it.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from .models import Category, GlossaryTerm, Tag, Topic


@dataclass(frozen=True)
class ContentVersion:
    fingerprint: str
    topics_modified: datetime | None
    glossary_modified: datetime | None


def _taxonomy_digest_sql(table: str) -> str:
    # The table name comes from model metadata, never from input.
    columns = "concat_ws('|', id, slug, name_zh, name_en, \"order\")"
    return f"SELECT md5(coalesce(string_agg({columns}, ',' ORDER BY id), '')) FROM {table}"  # noqa: S608


def content_version() -> ContentVersion:
    """Return the current fingerprint and the latest topic and glossary edit times."""
    topic_table = Topic._meta.db_table
    history_table = Topic.history.model._meta.db_table
    glossary_table = GlossaryTerm._meta.db_table
    # Table names come from model metadata, never from input.
    query = (
        f"SELECT (SELECT count(*) FROM {topic_table}),"  # noqa: S608
        f" (SELECT max(updated_at) FROM {topic_table}),"
        f" (SELECT max(history_date) FROM {history_table}),"
        f" (SELECT count(*) FROM {glossary_table}),"
        f" (SELECT max(updated_at) FROM {glossary_table}),"
        f" ({_taxonomy_digest_sql(Category._meta.db_table)}),"
        f" ({_taxonomy_digest_sql(Tag._meta.db_table)})"
    )
    with connection.cursor() as cursor:
        cursor.execute(query)
        row = cursor.fetchone()

    topic_updated, history_updated, glossary_updated = row[1], row[2], row[4]
    fingerprint = hashlib.sha256(repr(row).encode()).hexdigest()[:32]
    # A deletion leaves no updated_at behind, but its history record has a date.
    candidates = [moment for moment in (topic_updated, history_updated) if moment is not None]
    return ContentVersion(
        fingerprint=fingerprint,
        topics_modified=max(candidates) if candidates else None,
        glossary_modified=glossary_updated,
    )
