"""Limit on failed admin logins, counted in the shared cache.

Failures are counted per (user name, client address) pair and per client
address. When either count reaches its limit, logins from that address (for
that name, or for any name) are rejected for KB_LOGIN_LOCKOUT_SECONDS, even
with the right password, and the login form says so. A success clears the
pair's count. With Redis (REDIS_URL) the counts are shared by all workers and
hosts; with the local-memory cache each process counts on its own, so the
effective limit is multiplied by the number of processes.
"""

import hashlib
import logging

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .client_address import client_address

logger = logging.getLogger(__name__)


def _pair_key(username: str, address: str) -> str:
    # Hashed, because user names may hold characters that cache keys must not.
    digest = hashlib.sha256(f"{username.casefold()}\0{address}".encode()).hexdigest()
    return f"login-failures:pair:{digest}"


def _address_key(address: str) -> str:
    return f"login-failures:address:{address}"


def is_locked(username: str, address: str) -> bool:
    counts = cache.get_many([_pair_key(username, address), _address_key(address)])
    pair = counts.get(_pair_key(username, address), 0)
    by_address = counts.get(_address_key(address), 0)
    return (
        pair >= settings.KB_LOGIN_MAX_FAILURES
        or by_address >= settings.KB_LOGIN_MAX_FAILURES_PER_ADDRESS
    )


def _increment(key: str) -> int:
    # add() starts the window; incr() keeps the expiry that add() set.
    timeout = settings.KB_LOGIN_LOCKOUT_SECONDS
    if cache.add(key, 1, timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout)
        return 1


def record_failure(username: str, address: str) -> None:
    pair = _increment(_pair_key(username, address))
    by_address = _increment(_address_key(address))
    if pair == settings.KB_LOGIN_MAX_FAILURES or (
        by_address == settings.KB_LOGIN_MAX_FAILURES_PER_ADDRESS
    ):
        logger.warning(
            "Admin login locked for %s seconds: %d failures for user %r and %d from address %s",
            settings.KB_LOGIN_LOCKOUT_SECONDS,
            pair,
            username,
            by_address,
            address,
        )


def clear_failures(username: str, address: str) -> None:
    cache.delete(_pair_key(username, address))


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin login form, rejecting logins from addresses that failed too often."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "locked": _(
            "Too many failed logins from your address. For security, login is "
            "blocked for %(minutes)d minutes; try again later or ask another "
            "administrator to reset your password."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request) if self.request else ""
        if is_locked(username, address):
            raise ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": max(1, settings.KB_LOGIN_LOCKOUT_SECONDS // 60)},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            record_failure(username, address)
            raise
        clear_failures(username, address)
        return cleaned
