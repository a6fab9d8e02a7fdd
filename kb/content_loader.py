"""Load the shipped content in fixtures/ into the database, idempotently.

fixtures/ holds the two cheat sheets (cheatsheet.zh.md, cheatsheet.en.md) and
JSON files for taxonomy, topic metadata and the glossary. Every row is written
through the models' save(), so rendering, history and the search index follow.

By default only missing rows are created: a topic, term, category or tag that
exists (matched by slug) is left as editors made it, so running the loader on
every start never reverts an edit. With `update=True` existing rows are
overwritten to match the files.
"""

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .cheatsheet import decode, parse
from .importer import import_sections
from .models import Category, GlossaryTerm, Tag, Topic

logger = logging.getLogger(__name__)

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


@dataclass
class LoadReport:
    changed: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, changed: bool) -> None:
        self.changed.setdefault(kind, 0)
        self.changed[kind] += int(changed)


def _read_json(directory: Path, name: str):
    return json.loads((directory / name).read_text(encoding="utf-8"))


def _upsert(model, lookup: dict, values: dict, update: bool) -> bool:
    """Create one row, or update it when `update` is set; return True when written."""
    instance = model.objects.filter(**lookup).first() or model(**lookup)
    if instance.pk and not update:
        return False
    if instance.pk and all(getattr(instance, key) == value for key, value in values.items()):
        return False
    for key, value in values.items():
        setattr(instance, key, value)
    instance.full_clean()
    instance.save()
    return True


def _bilingual(prefix: str, value: dict) -> dict:
    return {f"{prefix}_zh": value.get("zh", ""), f"{prefix}_en": value.get("en", "")}


def load_taxonomy(directory: Path, report: LoadReport, update: bool) -> None:
    data = _read_json(directory, "taxonomy.json")
    for item in data["categories"]:
        values = {**_bilingual("name", item["name"]), "order": item.get("order", 0)}
        values.update(_bilingual("description", item.get("description", {})))
        report.count("categories", _upsert(Category, {"slug": item["slug"]}, values, update))
    for item in data["tags"]:
        values = {**_bilingual("name", item["name"]), "order": item.get("order", 0)}
        report.count("tags", _upsert(Tag, {"slug": item["slug"]}, values, update))


def load_glossary(directory: Path, report: LoadReport, update: bool) -> None:
    for item in _read_json(directory, "glossary.json"):
        values = {
            "term_zh": item["zh"],
            "term_en": item["en"],
            "aliases": list(item.get("aliases", [])),
            **_bilingual("definition", item.get("definition", {})),
        }
        report.count(
            "glossary terms", _upsert(GlossaryTerm, {"slug": item["slug"]}, values, update)
        )


def load_topics(directory: Path, report: LoadReport, update: bool) -> None:
    metadata = _read_json(directory, "topics.json")
    slugs = {item["section"]: item["slug"] for item in metadata}
    existing = set(Topic.objects.filter(slug__in=slugs.values()).values_list("slug", flat=True))
    if not update:
        metadata = [item for item in metadata if item["slug"] not in existing]
    wanted = {item["section"] for item in metadata}
    for language in ("zh", "en"):
        path = directory / f"cheatsheet.{language}.md"
        sections = parse(decode(path.read_bytes(), str(path)), str(path))
        sections = [section for section in sections if section.number in wanted]
        result = import_sections(sections, language, slug_for_section=slugs)
        report.count("topic texts", bool(result.created or result.updated))

    for item in metadata:
        topic = Topic.objects.get(slug=item["slug"])
        report.count("topics", _apply_metadata(topic, item))
    for item in metadata:
        topic = Topic.objects.get(slug=item["slug"])
        related = list(Topic.objects.filter(slug__in=item.get("related", [])))
        if {t.pk for t in topic.related.all()} != {t.pk for t in related}:
            topic.related.set(related)


def _apply_metadata(topic: Topic, item: dict) -> bool:
    values = {
        "order": item["section"],
        "category": Category.objects.get(slug=item["category"]) if item.get("category") else None,
        "calculator": item.get("calculator") or "",
        "status": Topic.Status.PUBLISHED,
        **_bilingual("summary", item.get("summary", {})),
    }
    changed = any(getattr(topic, key) != value for key, value in values.items())
    if changed:
        for key, value in values.items():
            setattr(topic, key, value)
        topic.save()
    tags = list(Tag.objects.filter(slug__in=item.get("tags", [])))
    if {tag.pk for tag in topic.tags.all()} != {tag.pk for tag in tags}:
        topic.tags.set(tags)
        changed = True
    return changed


def load_content(directory: Path = FIXTURES_DIR, *, update: bool = False) -> LoadReport:
    """Load taxonomy, glossary and topics from `directory` in one transaction.

    Rows that exist are kept as they are unless `update` is set.
    """
    report = LoadReport()
    with transaction.atomic():
        load_taxonomy(directory, report, update)
        load_glossary(directory, report, update)
        load_topics(directory, report, update)
    logger.info("Loaded content from %s: %s", directory, report.changed)
    return report
