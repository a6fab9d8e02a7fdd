"""Finding rows by the slug a client sent, without letting arbitrary text reach SQL."""

import re

from django.db.models import Model, QuerySet

# Pattern of any slug in this project (Django's SlugField rule). Topic slugs are
# stricter, but this is only a guard in front of the query.
SLUG_SHAPE = re.compile(r"[-a-zA-Z0-9_]+")


def looks_like_slug(text: str) -> bool:
    return SLUG_SHAPE.fullmatch(text) is not None


def find_by_slug(queryset: QuerySet, slug: str) -> Model | None:
    """Return the row of `queryset` with `slug`, or None.

    Text that cannot be a slug is not queried at all: PostgreSQL rejects NUL
    bytes in text parameters, which would otherwise turn a 404 into a 500.
    """
    if not looks_like_slug(slug):
        return None
    return queryset.filter(slug=slug).first()
