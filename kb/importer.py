"""Create or update topics from cheat-sheet sections, and export them back."""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from .cheatsheet import Section, render
from .models import Topic

logger = logging.getLogger(__name__)


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


class ImportFailed(Exception):
    """A section failed validation; the import was rolled back."""


def _find_topic(section: Section, language: str, slug_for_section: dict[int, str]) -> Topic | None:
    """Return the topic a section updates, or None when the section is a new topic.

    A section names its topic by slug (its marker line, or `slug_for_section`),
    else by an equal title in the same language. Failing both, it fills the
    topic whose order is the section number only when that topic has no text
    in this language yet, so an import never overwrites an unrelated topic.
    """
    slug = section.slug or slug_for_section.get(section.number)
    if slug:
        return Topic.objects.filter(slug=slug).first()

    same_title = list(Topic.objects.filter(**{f"title_{language}": section.title})[:2])
    if len(same_title) > 1:
        raise ImportFailed(
            f"Section {section.number} ({section.title!r}) matches several topics with that "
            f"title. Add a line `<!-- slug: … -->` under its heading to choose one. "
            "Nothing was imported."
        )
    if same_title:
        return same_title[0]

    untranslated = Topic.objects.filter(
        order=section.number, **{f"title_{language}": "", f"body_{language}": ""}
    )
    return untranslated.first() if untranslated.count() == 1 else None


def import_sections(
    sections: list[Section],
    language: str,
    *,
    status: str = Topic.Status.PUBLISHED,
    slug_for_section: dict[int, str] | None = None,
) -> ImportReport:
    """Write each section's title and body into the topic it belongs to.

    `_find_topic` picks the topic a section belongs to. When none matches, a
    new topic is created. Topics whose text is already equal are not saved, so
    a second import of the same file changes nothing. Any invalid section rolls
    the whole import back and raises ImportFailed.
    """
    slug_for_section = slug_for_section or {}
    report = ImportReport()
    with transaction.atomic():
        for section in sections:
            topic = _find_topic(section, language, slug_for_section)
            created = topic is None
            if created:
                slug = section.slug or slug_for_section.get(section.number, "")
                topic = Topic(slug=slug, order=section.number, status=status)
            title_field, body_field = f"title_{language}", f"body_{language}"
            if not created and (
                getattr(topic, title_field) == section.title
                and getattr(topic, body_field) == section.body
            ):
                report.unchanged.append(topic.slug)
                continue
            setattr(topic, title_field, section.title)
            setattr(topic, body_field, section.body)
            _validate(topic, section)
            topic.save()
            (report.created if created else report.updated).append(topic.slug)
    logger.info(
        "Imported %s sections (%s): %d created, %d updated, %d unchanged",
        len(sections),
        language,
        len(report.created),
        len(report.updated),
        len(report.unchanged),
    )
    return report


def _validate(topic: Topic, section: Section) -> None:
    try:
        topic.full_clean(exclude=["slug"] if not topic.slug else None)
    except ValidationError as error:
        details = "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
        raise ImportFailed(
            f"Section {section.number} ({section.title!r}) is invalid: {details}. "
            "Nothing was imported."
        ) from error


def export_sections(
    language: str, *, include_drafts: bool = False
) -> tuple[list[Section], list[str]]:
    """Return the sections of every topic written in `language`, and the slugs skipped."""
    topics = Topic.objects.all() if include_drafts else Topic.objects.published()
    sections, skipped = [], []
    for topic in topics.order_by("order", "slug"):
        title, body = getattr(topic, f"title_{language}"), getattr(topic, f"body_{language}")
        if not title:
            skipped.append(topic.slug)
            continue
        sections.append(Section(len(sections) + 1, title, body, slug=topic.slug))
    return sections, skipped


def export_text(language: str, *, include_drafts: bool = False) -> tuple[str, list[str]]:
    sections, skipped = export_sections(language, include_drafts=include_drafts)
    return render(sections), skipped
