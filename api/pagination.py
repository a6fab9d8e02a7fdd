"""Page-number pagination that rejects invalid page parameters instead of guessing.

DRF's own class falls back to the default size for a bad `page_size`, clamps
one above the maximum, and returns 404 for a page past the end. Clients then
get a different page than they requested without noticing, so here each of
those is a 400 with a message for the parameter.
"""

from django.core.paginator import EmptyPage
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def _positive_int(raw: str, maximum: int | None = None) -> int | None:
    """Return `raw` as an int in 1..maximum, or None when it is not one."""
    text = raw.strip()
    # Longer numbers are no valid page or size here, and int() of thousands of
    # digits raises ValueError.
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    value = int(text)
    if value < 1 or (maximum is not None and value > maximum):
        return None
    return value


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    last_page_strings = ()

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size, page_number = self._read_parameters(request)
        paginator = self.django_paginator_class(queryset, page_size)
        try:
            self.page = paginator.page(page_number)
        except EmptyPage:
            message = _("Page %(page)d does not exist: the last page is %(last)d.") % {
                "page": page_number,
                "last": paginator.num_pages,
            }
            raise ValidationError({self.page_query_param: [message]}) from None

        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return list(self.page)

    def _read_parameters(self, request) -> tuple[int, int]:
        """Return (page size, page number) from the query, or raise one 400 for both."""
        errors = {}
        params = request.query_params

        page_size = self.page_size
        raw_size = params.get(self.page_size_query_param, "")
        if raw_size.strip():
            page_size = _positive_int(raw_size, self.max_page_size)
            if page_size is None:
                errors[self.page_size_query_param] = [
                    _("Enter a whole number from 1 to %(max)d for page_size.")
                    % {"max": self.max_page_size}
                ]

        page_number = 1
        raw_page = params.get(self.page_query_param, "")
        if raw_page.strip():
            page_number = _positive_int(raw_page)
            if page_number is None:
                errors[self.page_query_param] = [_("Enter a whole number of 1 or more for page.")]

        if errors:
            raise ValidationError(errors)
        return page_size, page_number

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Page number, from 1. A page past the last one is a 400 error.",
                "schema": {"type": "integer", "minimum": 1, "default": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": (
                    f"Results per page, from 1 to {self.max_page_size}. A value outside "
                    "that range is a 400 error; it is not clamped."
                ),
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                },
            },
        ]

    def get_paginated_response_schema(self, schema):
        response_schema = super().get_paginated_response_schema(schema)
        response_schema["required"] = ["count", "next", "previous", "results"]
        return response_schema
