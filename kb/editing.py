"""Edits of topics made outside the admin forms (the REST API), with the admin's checks.

Every change runs the model's full_clean(), so slug rules and uniqueness, the
title rule, field lengths and the body size limit apply exactly as in admin,
and every save goes into the topic's edit history under the given user.
"""

from collections.abc import Iterable

from django.db import transaction

from .models import Category, Tag, Topic

# Tag and category slugs are resolved by the caller; these fields are set as given.
EDITABLE_FIELDS = (
    "slug",
    "title_zh",
    "title_en",
    "summary_zh",
    "summary_en",
    "body_zh",
    "body_en",
    "status",
    "order",
    "calculator",
)


def save_topic(
    topic: Topic,
    *,
    fields: dict,
    user,
    reason: str,
    category: Category | None = None,
    set_category: bool = False,
    tags: Iterable[Tag] | None = None,
    related: Iterable[Topic] | None = None,
) -> Topic:
    """Validate and save `topic` with the changed `fields`, then its tags and related topics.

    `tags` and `related` replace the current sets when given and stay as they are
    when None. The category changes only when `set_category` is true, so that
    None can mean "no category". Raises django.core.exceptions.ValidationError
    with errors keyed by model field name; nothing is saved then.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Fields not editable through save_topic: {sorted(unknown)}")

    for name, value in fields.items():
        setattr(topic, name, value)
    if set_category:
        topic.category = category
    topic.full_clean()

    topic._history_user = user
    topic._change_reason = reason
    with transaction.atomic():
        topic.save()
        # Each changed set adds a history record, as a save from the admin form does.
        if tags is not None:
            topic.tags.set(list(tags))
        if related is not None:
            topic.related.set([other for other in related if other.pk != topic.pk])
    return topic


def delete_topic(topic: Topic, *, user, reason: str) -> None:
    """Delete `topic`; its history keeps a deletion record naming `user`."""
    topic._history_user = user
    topic._change_reason = reason
    topic.delete()
