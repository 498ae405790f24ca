"""The HTTP API's errors: one JSON shape, ``{"error": {"type": ..., "message": ...}}``, for
every failure, so a shop's widget (or an OpenAI client, which reads the same shape) can show
the message as it is.

    ApiError                 status and type chosen by the raiser (401 for an identity token
     │                            that vouches for no one: expired, forged, another audience)
     ├── Unauthorized        401  missing, unknown or revoked API key
     ├── NotFoundError       404  unknown session, user, product, turn, model or path
     ├── RateLimited         429  with Retry-After (seconds); also past the failed
     │                            authentications an address may make
     └── ServerBusy          503  every turn slot stayed busy for turn_queue_seconds

Aisle's own errors map by kind: ``SessionUserMismatch`` is 409 (the session belongs to another
shopper), ``store.errors.NotFound`` 404, any other ``AisleError`` 400 with its message. Request
validation is 422 with the field paths, unexpected exceptions 500 without internals.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.conversation import SessionUserMismatch
from store.errors import AisleError, NotFound

log = logging.getLogger("aisle.api")

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    405: "invalid_request_error",
    409: "conflict_error",
    413: "request_too_large",
    422: "invalid_request_error",
    429: "rate_limit_error",
    500: "server_error",
    503: "server_busy",
}


class ApiError(Exception):
    """An error with an HTTP status; ``type`` defaults to the status' usual name."""

    status = 400

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status or self.status
        self.type = type or _TYPES.get(self.status, "error")
        self.headers = headers or {}


class Unauthorized(ApiError):
    status = 401

    def __init__(self, message: str) -> None:
        super().__init__(message, headers={"WWW-Authenticate": "Bearer"})


class NotFoundError(ApiError):
    status = 404


class RateLimited(ApiError):
    status = 429

    def __init__(self, retry_after: float) -> None:
        seconds = max(1, math.ceil(retry_after))
        super().__init__(
            f"rate limit exceeded; retry in {seconds} s",
            headers={"Retry-After": str(seconds)},
        )


class ServerBusy(ApiError):
    status = 503

    def __init__(self, waited: float) -> None:
        super().__init__(
            f"every assistant slot stayed busy for {waited:.0f} s; try again shortly",
            headers={"Retry-After": "10"},
        )


def error_body(status: int, message: str, type: str | None = None) -> dict[str, object]:
    return {"error": {"type": type or _TYPES.get(status, "error"), "message": message}}


def error_response(
    status: int, message: str, type: str | None = None, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        error_body(status, message, type), status_code=status, headers=dict(headers or {})
    )


def as_api_error(exc: BaseException) -> ApiError:
    """Any exception as the ApiError the client sees (500 hides the internals)."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, SessionUserMismatch):
        return ApiError(str(exc), status=409)
    if isinstance(exc, NotFound):
        return NotFoundError(str(exc))
    if isinstance(exc, AisleError):
        return ApiError(str(exc))
    log.error("unexpected error in the API", exc_info=exc)
    return ApiError("internal error; the server log has the details", status=500)


def install_error_handlers(app: FastAPI) -> None:
    """Route every error the app can raise to the one JSON shape."""

    async def on_api_error(_request: Request, exc: Exception) -> JSONResponse:
        error = as_api_error(exc)
        return error_response(error.status, error.message, error.type, error.headers)

    async def on_http(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        return error_response(exc.status_code, str(exc.detail), headers=exc.headers)

    async def on_validation(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        problems = []
        for problem in exc.errors():
            where = ".".join(str(part) for part in problem.get("loc", ()) if part != "body")
            problems.append(f"{where or 'body'}: {problem.get('msg', 'invalid')}")
        return error_response(422, "invalid request: " + "; ".join(problems))

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(AisleError, on_api_error)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(Exception, on_api_error)
