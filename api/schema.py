"""The OpenAPI description's shared parts: the schema class and the error responses."""

from drf_spectacular import openapi
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from .permissions import ReadOpenModelPermissions


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, knowing that ReadOpenModelPermissions lets anyone read."""

    def get_auth(self):
        auths = super().get_auth()
        permissions = [type(permission) for permission in self.view.get_permissions()]
        anonymous_read = ReadOpenModelPermissions in permissions and self.method in SAFE_METHODS
        if anonymous_read and {} not in auths:
            auths.append({})
        return auths


ERROR_DESCRIPTIONS = {
    400: "Invalid request: `error.fields` names each invalid field or parameter.",
    401: "Not authenticated: send `Authorization: Token <key>`.",
    403: "Authenticated, but without the permission this request needs.",
    404: "Not found, or a draft and the client is not staff.",
    405: "Method not allowed on this resource.",
    409: "Edit conflict: the topic was saved after the `version` the request sent.",
    412: "Precondition failed: `If-Match` does not match the topic's current ETag.",
    503: "The database is unavailable: retry after the seconds in `Retry-After`.",
    429: "Too many requests: retry after the number of seconds in `Retry-After`.",
}

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "error": inline_serializer(
            name="ErrorDetail",
            fields={
                "code": serializers.CharField(
                    help_text=(
                        "Stable code for programs: invalid, not_found, not_authenticated, "
                        "authentication_failed, permission_denied, method_not_allowed, "
                        "not_acceptable, unsupported_media_type, parse_error, throttled, "
                        "server_error."
                    )
                ),
                "message": serializers.CharField(
                    help_text="Sentence for people, in the language of Accept-Language."
                ),
                "fields": serializers.DictField(
                    child=serializers.ListField(child=serializers.CharField()),
                    required=False,
                    help_text=(
                        "Only on 400: messages per field or query parameter; nested "
                        "fields are joined with dots, as in title.zh."
                    ),
                ),
            },
        )
    },
)


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """Return OpenAPI responses with the error body for the given status codes."""
    return {
        status: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[status])
        for status in statuses
    }


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "ETag of a previous GET of this URL with the same Accept and Accept-Language. "
        "The write is rejected with 412 when the content changed since."
    ),
)


def slug_parameter(noun: str, example: str) -> OpenApiParameter:
    """Return the `{slug}` path parameter, with an existing slug as its example."""
    return OpenApiParameter(
        "slug",
        OpenApiTypes.STR,
        OpenApiParameter.PATH,
        description=f"Slug of the {noun}.",
        pattern=r"^[-a-zA-Z0-9_]+$",
        examples=[OpenApiExample(example, value=example)],
    )
