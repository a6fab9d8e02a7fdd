"""Preconditions of topic writes: a `version` field or an If-Match header.

A PUT or PATCH of /api/topics/<slug>/ may say which state of the topic it is
based on, in either of two ways (or both):

- `"version": N` in the body, the `version` of a previous read. When the topic
  was saved since, the answer is 409 with code "edit_conflict", naming who saved
  it and when (kb.concurrency, the check the admin form uses).
- `If-Match: "<etag>"`, the ETag of a previous GET of the same URL with the same
  Accept and Accept-Language headers. It changes with any content edit, so the
  answer is 412 with code "precondition_failed" when anything in the response
  body may have changed. `If-Match: *` only requires that the topic exists.

Both checks run after the topic's row is locked, in the transaction of the
save, so no other save of the topic can come between the check and the write.
Writes without either keep the last-writer-wins behaviour.
"""

from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException

from kb.concurrency import EditConflict, check_unchanged
from kb.models import Topic


class EditConflictError(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "edit_conflict"
    default_detail = "The topic changed after you read it."


class PreconditionFailedError(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"
    default_detail = "The topic changed after you read it."


def _strip_weak(etag: str) -> str:
    return etag.removeprefix("W/")


def check_write_preconditions(view, request, topic: Topic, version: int | None) -> None:
    """Raise EditConflictError or PreconditionFailedError when the client's copy is stale.

    `view` is the topic view set: it computes the ETag that a GET of the same
    URL would send now. Must run inside transaction.atomic().
    """
    if version is not None:
        try:
            check_unchanged(topic.pk, version)
        except EditConflict as conflict:
            raise EditConflictError(conflict.message()) from None
    else:
        Topic.objects.select_for_update().filter(pk=topic.pk).exists()

    if_match = request.headers.get("If-Match", "").strip()
    if not if_match or if_match == "*":
        return
    current, _last_modified = view._validators(request)
    sent = {_strip_weak(tag) for tag in parse_etags(if_match)}
    if _strip_weak(current) not in sent:
        raise PreconditionFailedError(
            _(
                "The topic or content it shows changed after you read it: If-Match "
                "%(sent)s does not match the current ETag %(current)s. Read the topic "
                "again and apply your change to it."
            )
            % {"sent": if_match, "current": current}
        )
