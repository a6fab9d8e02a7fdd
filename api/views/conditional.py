"""Conditional GET for API reads: ETag and Last-Modified headers, 304 responses.

The validators come from kb.content_version, one cheap query over all content,
so they change after any edit, including edits that only touch what a response
embeds (a renamed tag, a related topic turned into a draft). The ETag also
covers everything else a response body depends on: the URL with its query,
host and scheme (absolute links), the renderer, the language, and whether the
client may see drafts.
"""

import hashlib

from django.http import HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.utils.translation import get_language
from rest_framework.response import Response

from kb.cache import CACHE_STATUS_HEADER, read_cache, versioned_key, write_cache
from kb.content_version import content_version

VARY_HEADERS = ("Accept", "Accept-Language", "Authorization", "Cookie")


def _strip_weak(etag: str) -> str:
    return etag.removeprefix("W/")


class ConditionalReadMixin:
    """For GET and HEAD of a view set: return 304 when the client's copy is current.

    `last_modified_source` names the ContentVersion timestamp behind Last-Modified
    ("topics_modified", "glossary_modified"), or None for resources without
    timestamps, which get an ETag only.
    """

    last_modified_source: str | None = None

    def list(self, request, *args, **kwargs):
        return self._conditional(request, super().list, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self._conditional(request, super().retrieve, *args, **kwargs)

    def _conditional(self, request, read, *args, **kwargs):
        etag, last_modified = self._validators(request)
        if self._client_copy_is_current(request, etag, last_modified):
            response = HttpResponseNotModified()
        else:
            response = self._read_through_cache(request, etag, read, *args, **kwargs)
        if response.status_code in (200, 304):
            response["ETag"] = etag
            if last_modified is not None:
                response["Last-Modified"] = http_date(last_modified.timestamp())
            private = request.user.is_authenticated
            response["Cache-Control"] = "private, no-cache" if private else "no-cache"
            patch_vary_headers(response, VARY_HEADERS)
        return response

    @staticmethod
    def _read_through_cache(request, etag: str, read, *args, **kwargs):
        """Serve anonymous reads from the shared cache, keyed by the ETag.

        The ETag covers everything the body depends on, and kb.cache adds the
        content version, so an edit makes every stored body unreachable at once.
        Signed-in clients (drafts, permissions) always get a fresh body.
        """
        if request.user.is_authenticated:
            return read(request, *args, **kwargs)
        key = versioned_key("api-read", etag)
        stored = read_cache(key)
        if stored is not None:
            response = Response(stored)
            response[CACHE_STATUS_HEADER] = "hit"
            return response
        response = read(request, *args, **kwargs)
        if response.status_code == 200:
            write_cache(key, response.data)
            response[CACHE_STATUS_HEADER] = "miss"
        return response

    def _validators(self, request):
        version = content_version()
        variant = "\n".join(
            [
                version.fingerprint,
                request.scheme,
                request.get_host(),
                request.get_full_path(),
                getattr(request.accepted_renderer, "format", ""),
                get_language() or "",
                "staff" if request.user.is_staff else "public",
            ]
        )
        digest = hashlib.sha256(variant.encode()).hexdigest()[:32]
        etag = f'"{digest}"'
        # NOTE: Last-Modified has one-second resolution and ignores renamed categories
        # and tags, so a client that sends only If-Modified-Since can miss those.
        last_modified = None
        if self.last_modified_source:
            last_modified = getattr(version, self.last_modified_source)
        return etag, last_modified

    @staticmethod
    def _client_copy_is_current(request, etag: str, last_modified) -> bool:
        # As RFC 9110 section 13.2.2 orders it: If-None-Match, when sent, decides
        # alone; If-Modified-Since counts only without it.
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {_strip_weak(tag) for tag in parse_etags(if_none_match)}
            return "*" in tags or etag in tags

        since = parse_http_date_safe(request.headers.get("If-Modified-Since"))
        if since is None or last_modified is None:
            return False
        return int(last_modified.timestamp()) <= since
