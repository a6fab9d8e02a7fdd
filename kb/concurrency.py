"""Optimistic concurrency for topic edits: a save based on a stale copy is rejected.

An editor's form (admin) or request (API) carries the `version` of the topic
it was based on. Inside the saving transaction, check_unchanged() locks the
topic's row and compares versions; when another save came in between, it
raises EditConflict, and the caller shows the error instead of saving. The
first editor's change stays as it was saved, and the second editor's input
is returned to them unchanged.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from .models import Topic


@dataclass(eq=False)
class EditConflict(Exception):
    """The topic changed after the editor loaded it."""

    topic_id: int
    expected_version: int
    current_version: int
    changed_by: str
    changed_at: datetime | None

    def __str__(self) -> str:
        return self.message()

    def message(self) -> str:
        """Return a sentence for the editor in the active language."""
        when = date_format(localtime(self.changed_at), "DATETIME_FORMAT") if self.changed_at else ""
        return _(
            "This topic was changed by %(user)s at %(time)s after you opened it "
            "(your copy is version %(expected)s, the saved one is version %(current)s). "
            "Your changes were not saved. Copy them, reload the page to see the "
            "other change, and apply yours again."
        ) % {
            "user": self.changed_by or _("another editor"),
            "time": when,
            "expected": self.expected_version,
            "current": self.current_version,
        }


def check_unchanged(topic_id: int, expected_version: int) -> None:
    """Lock the topic's row and raise EditConflict unless its version is `expected_version`.

    Must run inside transaction.atomic(), followed by the save in the same
    transaction, so that no other save can come between the check and the
    save. Raises Topic.DoesNotExist when the topic was deleted.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("check_unchanged() must be called inside transaction.atomic()")

    current = Topic.objects.select_for_update().only("version").get(pk=topic_id).version
    if current == expected_version:
        return

    latest = Topic.history.filter(id=topic_id).select_related("history_user").first()
    changed_by = ""
    changed_at = None
    if latest is not None:
        changed_at = latest.history_date
        if latest.history_user is not None:
            changed_by = latest.history_user.get_username()
    raise EditConflict(topic_id, expected_version, current, changed_by, changed_at)
