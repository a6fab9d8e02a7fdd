"""Keep search documents in step with topics, tags, categories and the glossary.

Topic.save() runs in a transaction, so the receivers below write the search
document in the same transaction as the topic (admin, API, import and history
reverts all save through it). QuerySet.update() and bulk_create() send no
signals: code that uses them must call kb.search.documents.index_topic_ids or
run `manage.py rebuild_search_index`.
"""

import logging

from django.db.models import Q
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
    pre_save,
)
from django.dispatch import receiver

from ..models import Category, GlossaryTerm, Tag, Topic
from . import glossary
from .documents import index_topic_ids, index_topics, topics_for_indexing

logger = logging.getLogger(__name__)


@receiver(post_save, sender=Topic, dispatch_uid="kb.search.topic_saved")
def topic_saved(sender, instance: Topic, raw: bool = False, **kwargs) -> None:
    if raw:  # loaddata: the command that loads fixtures rebuilds the index itself
        return
    index_topic_ids([instance.pk])


@receiver(m2m_changed, sender=Topic.tags.through, dispatch_uid="kb.search.topic_tags_changed")
def topic_tags_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "post_clear", "pre_clear"}:
        return
    if not reverse:
        if action != "pre_clear":
            index_topic_ids([instance.pk])
        return
    # tag.topics.add(...) and friends: pk_set holds topic ids, except for clear.
    if action == "pre_clear":
        instance._search_cleared_topic_ids = list(instance.topics.values_list("pk", flat=True))
    elif action == "post_clear":
        index_topic_ids(getattr(instance, "_search_cleared_topic_ids", []))
    else:
        index_topic_ids(pk_set or [])


@receiver(post_save, sender=Tag, dispatch_uid="kb.search.tag_saved")
@receiver(post_save, sender=Category, dispatch_uid="kb.search.category_saved")
def name_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if raw or created:
        return
    index_topic_ids(instance.topics.values_list("pk", flat=True))


@receiver(pre_delete, sender=Tag, dispatch_uid="kb.search.tag_deleting")
def tag_deleting(sender, instance: Tag, **kwargs) -> None:
    instance._search_topic_ids = list(instance.topics.values_list("pk", flat=True))


@receiver(post_delete, sender=Tag, dispatch_uid="kb.search.tag_deleted")
def tag_deleted(sender, instance: Tag, **kwargs) -> None:
    index_topic_ids(getattr(instance, "_search_topic_ids", []))


def _topics_mentioning(spellings: list[str]) -> list[int]:
    condition = Q()
    for spelling in spellings:
        for field in ("title", "summary", "body"):
            for language in ("zh", "en"):
                condition |= Q(**{f"{field}_{language}__icontains": spelling})
    if not condition:
        return []
    return list(Topic.objects.filter(condition).values_list("pk", flat=True))


@receiver(pre_save, sender=GlossaryTerm, dispatch_uid="kb.search.term_saving")
def glossary_term_saving(sender, instance: GlossaryTerm, raw: bool = False, **kwargs) -> None:
    previous = GlossaryTerm.objects.filter(pk=instance.pk).first() if instance.pk else None
    instance._search_old_spellings = previous.all_spellings() if previous else []


@receiver(post_save, sender=GlossaryTerm, dispatch_uid="kb.search.term_saved")
@receiver(post_delete, sender=GlossaryTerm, dispatch_uid="kb.search.term_deleted")
def glossary_term_changed(sender, instance: GlossaryTerm, raw: bool = False, **kwargs) -> None:
    """Reload the glossary in this process and reindex the topics that mention the term."""
    glossary.invalidate()
    if raw:
        return
    spellings = instance.all_spellings() + getattr(instance, "_search_old_spellings", [])
    index_topic_ids(_topics_mentioning(spellings))


@receiver(post_migrate, dispatch_uid="kb.search.index_missing")
def index_missing_documents(sender, app_config=None, **kwargs) -> None:
    """Index topics that have no search document yet, e.g. right after this table was added."""
    if app_config is None or app_config.label != "kb":
        return
    missing = Topic.objects.filter(search_document__isnull=True)
    if missing.exists():
        count = index_topics(topics_for_indexing(missing))
        logger.info("Indexed %d topics that had no search document", count)
