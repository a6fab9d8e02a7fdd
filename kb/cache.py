"""Page caching for readers, and its invalidation on every edit of the content.

Every cache key holds the content version: a number in the database that grows
by one whenever a topic, category, tag or glossary term is saved or deleted, or
a topic's tags or related topics change (the signals below). An edit therefore
makes every older entry unreachable at once, in every process and on every
host, whether the cache is Redis or local memory; stale entries expire by
their timeout. The number is bumped inside the edit's transaction, so a reader
never sees the new number before the new content.

Saves that bypass model signals (QuerySet.update(), bulk_create(), raw SQL)
must call bump_content_version() themselves.
"""

import functools
import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.translation import get_language

from .models import Category, ContentVersionCounter, GlossaryTerm, Tag, Topic

logger = logging.getLogger(__name__)

try:
    from redis.exceptions import RedisError
except ImportError:  # redis is optional when no REDIS_URL is used
    RedisError = OSError

# A cache that fails (Redis down) is skipped: the page is rendered as if uncached.
CACHE_ERRORS = (RedisError, OSError)
CONTENT_MODELS = (Topic, Category, Tag, GlossaryTerm)
CACHE_STATUS_HEADER = "X-Cache"


def content_version() -> int:
    """Return the current content version (0 before the first edit).

    One primary-key query. The API can use it in ETags and cache keys.
    """
    value = ContentVersionCounter.objects.filter(pk=1).values_list("value", flat=True).first()
    return value or 0


def bump_content_version() -> None:
    """Add one to the content version, in the caller's transaction."""
    table = connection.ops.quote_name(ContentVersionCounter._meta.db_table)
    with connection.cursor() as cursor:
        # Table name from model metadata, never from input.
        cursor.execute(
            f"INSERT INTO {table} (id, value) VALUES (1, 1) "  # noqa: S608
            f"ON CONFLICT (id) DO UPDATE SET value = {table}.value + 1"
        )


def _on_content_saved_or_deleted(sender, **kwargs) -> None:
    bump_content_version()


def _on_topic_links_changed(sender, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        bump_content_version()


def connect_signals() -> None:
    for model in CONTENT_MODELS:
        uid = f"kb.cache.{model.__name__}"
        post_save.connect(_on_content_saved_or_deleted, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(
            _on_content_saved_or_deleted, sender=model, dispatch_uid=f"{uid}.delete"
        )
    for through in (Topic.tags.through, Topic.related.through):
        m2m_changed.connect(
            _on_topic_links_changed, sender=through, dispatch_uid=f"kb.cache.{through.__name__}"
        )


def _cache_get(key: str) -> Any:
    try:
        return cache.get(key)
    except CACHE_ERRORS as error:
        logger.warning("Cache read failed, serving uncached: %s", error)
        return None


def _cache_set(key: str, value: Any, timeout: int) -> None:
    try:
        cache.set(key, value, timeout)
    except CACHE_ERRORS as error:
        logger.warning("Cache write failed: %s", error)


def versioned_key(namespace: str, *parts: str) -> str:
    """Return a cache key that holds the current content version, for data derived
    from the content (API bodies, page fragments)."""
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()
    return f"{namespace}:v{content_version()}:{digest}"


def read_cache(key: str) -> Any:
    """Return the value cached under `key` (from versioned_key()), or None; None too
    when the cache fails."""
    return _cache_get(key)


def write_cache(key: str, value: Any) -> None:
    """Cache `value` under `key` for KB_PAGE_CACHE_SECONDS; a failing cache is logged."""
    _cache_set(key, value, settings.KB_PAGE_CACHE_SECONDS)


def cached_by_content(namespace: str, parts: tuple[str, ...], compute: Callable[[], Any]) -> Any:
    """Return compute()'s value, cached until the content changes or the timeout ends."""
    key = versioned_key(namespace, *parts)
    value = _cache_get(key)
    if value is None:
        value = compute()
        _cache_set(key, value, settings.KB_PAGE_CACHE_SECONDS)
    return value


def cache_page_for_readers(params: tuple[str, ...] = ()):
    """Return a decorator that caches a page's 200 responses for anonymous GET and HEAD.

    The key holds the content version, the language, the scheme, host and path
    (pages print absolute links), and the query parameters named in `params`,
    which the view validates. A request with any other query parameter is
    served fresh and not stored, so made-up parameters cannot fill the cache.
    Signed-in users (editors see drafts and edit links) always get a fresh
    page, and so do other methods. Cookies that middleware adds afterwards are
    never stored.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if (
                request.method not in ("GET", "HEAD")
                or request.user.is_authenticated
                or not set(request.GET) <= set(params)
            ):
                return view(request, *args, **kwargs)

            query = [(name, value) for name in params for value in request.GET.getlist(name)]
            address = request.build_absolute_uri(request.path)
            key = versioned_key("page", get_language() or "", address, repr(query))
            stored = _cache_get(key)
            if stored is not None:
                content, content_type = stored
                response = HttpResponse(content, content_type=content_type)
                response[CACHE_STATUS_HEADER] = "hit"
                return response

            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if response.status_code == 200 and not response.streaming and not response.cookies:
                timeout = settings.KB_PAGE_CACHE_SECONDS
                _cache_set(key, (response.content, response["Content-Type"]), timeout)
                response[CACHE_STATUS_HEADER] = "miss"
            return response

        return wrapped

    return decorator
