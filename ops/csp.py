"""The content security policy header, from django-csp with one per-path exception."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware; paths in KB_CSP_INLINE_STYLE_PATHS also allow inline styles.

    style-src is replaced rather than extended there, because browsers ignore
    'unsafe-inline' in a source list that also holds hashes.
    """

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(tuple(settings.KB_CSP_INLINE_STYLE_PATHS)):
            parts.replace = {**(parts.replace or {}), "style-src": ["'self'", "'unsafe-inline'"]}
        return parts
