from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView


@extend_schema(exclude=True)
class UnknownPathView(APIView):
    """Any path under /api/ that no endpoint matches: a 404 in the API's error shape.

    Django's own handler404 would return the site's HTML page.
    """

    permission_classes = [AllowAny]

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound(self._message(request.path))

    def options(self, request, *args, **kwargs):
        raise NotFound(self._message(request.path))

    @staticmethod
    def _message(path: str) -> str:
        if not path.endswith("/"):
            try:
                match = resolve(path + "/")
            except Resolver404:
                match = None
            if match is not None and getattr(match.func, "view_class", None) is not UnknownPathView:
                return _("No API endpoint at %(path)s. Did you mean %(path)s/ ?") % {"path": path}
        return _("No API endpoint at %(path)s. The endpoints are listed at /api/docs/.") % {
            "path": path
        }
