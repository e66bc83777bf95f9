"""OpenAPI generation: drf-spectacular's AutoSchema, plus the error answers the contract names.

Every operation documents the errors it can give (API.md "Errors"): 400 field errors for
bad input, 401/403 where a moderator or an edit token is needed, 404 for unknown objects
(and stale cursors), 413 for oversize bodies, 415 for bodies that are not JSON or a form,
and 429 with Retry-After where submits are throttled.
"""

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
ERROR_DESCRIPTIONS = {
    "400": "Invalid input: an object of field names to lists of messages.",
    "401": "Authentication is required (a moderator's token or session).",
    "403": "Not allowed: not a moderator, wrong or expired edit token, comments closed.",
    "404": "No such post, comment or page of results.",
    "411": "A chunked body the server cannot frame: send it with a Content-Length.",
    "409": "A request with the same Idempotency-Key is still being processed.",
    "413": "The request body is too large.",
    "415": "The body is not JSON (or a form).",
    "422": "The Idempotency-Key was already used for a different request.",
    "429": "Rate-limited: wait the number of seconds in Retry-After.",
}
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique string (e.g. a UUID): a retry with the same key and body gets "
    "the first answer back instead of posting twice.",
)
LOCATION = {"Location": {"schema": {"type": "string"}, "description": "The new comment's URL."}}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}}


class ErrorAnswer(serializers.Serializer[Any]):
    """DRF's error shape for everything but field errors."""

    detail = serializers.CharField()


class AutoSchema(SpectacularAutoSchema):
    """AutoSchema that adds the documented error answers to each operation."""

    def _get_response_bodies(self, direction: Any = "response") -> Any:
        responses = super()._get_response_bodies(direction)
        if "201" in responses:
            responses["201"]["headers"] = LOCATION
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._error_response(code, direction)
        return responses

    def _error_codes(self) -> list[str]:
        codes = ["400", "404"]
        moderated = "/moderation/" in self.path or (
            self.path.startswith("/api/v1/posts/")
            and "/comments/" not in self.path
            and self.method in WRITE_METHODS
        )
        if moderated:
            codes += ["401", "403"]
        if self.method in WRITE_METHODS:  # a client may send any body chunked (411)
            codes += ["403", "411", "413", "415", "429"]
        if self.method == "POST" and self.path.endswith("/{slug}/comments/"):
            codes += ["409", "422"]
        return codes

    def _error_response(self, code: str, direction: Any) -> Any:
        body = OpenApiTypes.OBJECT if code == "400" else ErrorAnswer
        response = self._get_response_for_code(  # type: ignore[no-untyped-call]
            OpenApiResponse(response=body, description=ERROR_DESCRIPTIONS[code]),
            code,
            direction=direction,
        )
        if code == "429":
            response["headers"] = RETRY_AFTER
        return response
