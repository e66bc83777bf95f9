"""One place that turns failures into clear HTTP answers: 4xx for bad input, 503 for outages."""

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, InterfaceError, OperationalError
from rest_framework import status
from rest_framework.exceptions import APIException, Throttled
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from blog.cache import CACHE_UNAVAILABLE
from comments.guard import SubmitForbidden, SubmitThrottled
from comments.services import CommentError, CommentsClosed, EditNotAllowed

logger = logging.getLogger(__name__)

UNAVAILABLE = "The comment service cannot reach its database right now; try again shortly."
CACHE_DOWN = "The comment service cannot reach its cache right now; try again shortly."


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus our domain errors, oversize bodies and database outages."""
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    if isinstance(exc, SubmitThrottled):
        exc = Throttled(wait=exc.retry_after, detail=exc.message)
    if isinstance(exc, CommentsClosed | EditNotAllowed | SubmitForbidden):
        return Response({"detail": exc.message}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, CommentError):
        key = exc.field or "non_field_errors"
        return Response({key: [exc.message]}, status=status.HTTP_400_BAD_REQUEST)
    detail = UNAVAILABLE if type(exc) is DatabaseError else outage_detail(exc)
    if detail is not None:
        logger.error("%s (%s)", detail, exc)
        return unavailable_response(detail)
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = _encodable(response.data)
    return response


def _encodable(data: Any) -> Any:
    """Replace lone surrogates that DRF echoes from the input ("\\ud800" is not a valid
    choice): UTF-8 cannot encode them, and rendering the 400 would fail with a 500."""
    if isinstance(data, str):
        return data.encode("utf-8", "replace").decode("utf-8")
    if isinstance(data, dict):
        return {_encodable(key): _encodable(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_encodable(item) for item in data]
    return data


def outage_detail(exc: BaseException) -> str | None:
    """Return what to tell the client when `exc` means the database or the cache is gone."""
    if isinstance(exc, OperationalError | InterfaceError):
        return UNAVAILABLE
    if isinstance(exc, CACHE_UNAVAILABLE):
        return CACHE_DOWN
    return None


def unavailable_response(detail: str = UNAVAILABLE) -> Response:
    response = Response({"detail": detail}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    response["Retry-After"] = "5"
    return response
