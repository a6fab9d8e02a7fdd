"""The API's one error shape, and the DRF exception handler that produces it.

Every error response of /api/ has this body:

    {"error": {"code": "invalid", "message": "…", "fields": {"page_size": ["…"]}}}

`code` is stable and meant for programs; `message` is a sentence for people,
translated to Chinese when the request sends Accept-Language: zh-hans.
`fields` appears only on validation errors (400): it maps each invalid request
field or query parameter to its messages. Nested fields use dots ("title.zh").
"""

import logging
import math

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from ops.database_errors import DATABASE_ERRORS, RETRY_AFTER_SECONDS, log_outage

logger = logging.getLogger(__name__)

SERVER_ERROR_CODE = "server_error"


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    error = {"code": code, "message": message}
    if fields is not None:
        error["fields"] = fields
    return {"error": error}


def flatten_field_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """Flatten DRF's nested error detail into {"field.sub": [messages]}."""
    if isinstance(detail, dict):
        flat = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten_field_errors(value, name))
        return flat

    name = prefix or api_settings.NON_FIELD_ERRORS_KEY
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {name: [str(item) for item in detail]}
        # A list of nested errors: one entry per list position that has errors.
        flat = {}
        for index, item in enumerate(detail):
            if item:
                flat.update(flatten_field_errors(item, f"{name}.{index}"))
        return flat

    return {name: [str(detail)]}


def _validation_response(exc: exceptions.ValidationError) -> Response:
    fields = flatten_field_errors(exc.detail)
    message = _("Invalid request: check %(names)s.") % {"names": ", ".join(fields)}
    return Response(error_body("invalid", message, fields), status=status.HTTP_400_BAD_REQUEST)


def _api_exception_response(exc: exceptions.APIException) -> Response:
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(math.ceil(exc.wait))

    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    return Response(error_body(code, str(exc.detail)), status=exc.status_code, headers=headers)


def drf_service_unavailable(request, error: Exception) -> Response:
    log_outage(request, error)
    message = _("The database is unavailable. Retry in a few seconds.")
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    return Response(
        error_body("service_unavailable", message),
        status=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers=headers,
    )


def _bad_request_response(exc: Exception) -> Response | None:
    """Return a 4xx response for request bodies that cannot be processed, or None."""
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        message = _("The request body is larger than %(limit)s bytes.") % {"limit": limit}
        return Response(error_body("request_too_large", message), status=413)
    if isinstance(exc, RecursionError):
        message = _("The JSON body is nested too deeply.")
        return Response(error_body("parse_error", message), status=400)
    if isinstance(exc, UnicodeError):
        message = _("The text contains characters that are not valid Unicode (lone surrogates).")
        return Response(error_body("invalid_text", message), status=400)
    if isinstance(exc, SuspiciousOperation):
        logger.warning("Rejected suspicious API request: %s", exc)
        return Response(error_body("bad_request", _("The request is invalid.")), status=400)
    return None


def exception_handler(exc, context):
    """Turn any exception raised in an API view into a response with the error shape.

    Unexpected exceptions are logged with their traceback, and the response is
    a 500 that names no internals.
    """
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    set_rollback()
    if isinstance(exc, DATABASE_ERRORS):
        # The same 503 that pages get from ops.database_errors, in this envelope.
        return drf_service_unavailable(context.get("request"), exc)
    if isinstance(exc, exceptions.ValidationError):
        return _validation_response(exc)
    if isinstance(exc, exceptions.APIException):
        return _api_exception_response(exc)
    bad_request = _bad_request_response(exc)
    if bad_request is not None:
        return bad_request

    request = context.get("request")
    logger.exception(
        "Unhandled error in %s %s",
        getattr(request, "method", "?"),
        getattr(request, "path", "?"),
    )
    message = _("Internal server error. It has been logged; try again later.")
    return Response(
        error_body(SERVER_ERROR_CODE, message), status=status.HTTP_500_INTERNAL_SERVER_ERROR
    )
