"""Request rate limits, read from settings on every request so tests can change them.

DRF's own classes copy DEFAULT_THROTTLE_RATES once at import time, so
override_settings would not reach them. The counters live in the Django cache
named "default"; with the local-memory cache each process counts on its own.
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class AnonymousRateThrottle(AnonRateThrottle):
    """Limit per client IP address for requests without a signed-in user (KB_API_ANON_RATE)."""

    def get_rate(self) -> str | None:
        return settings.KB_API_ANON_RATE or None


class AuthenticatedRateThrottle(UserRateThrottle):
    """Limit per user for signed-in requests (KB_API_USER_RATE)."""

    def get_rate(self) -> str | None:
        return settings.KB_API_USER_RATE or None

    def get_cache_key(self, request, view):
        # Anonymous requests are AnonymousRateThrottle's; counting them here too
        # would apply the user rate to them as well.
        if not request.user or not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)
