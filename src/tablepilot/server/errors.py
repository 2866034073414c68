"""Errors only the HTTP server raises; each is a TablepilotError so the API renders it in the one shape."""

from __future__ import annotations

from tablepilot.errors import ConfigError, InputError, TablepilotError


class AuthError(InputError):
    """Missing, malformed, unknown or revoked API token."""

    code = "auth_error"
    http_status = 401


class NotFoundError(InputError):
    """Unknown id, or one that belongs to another user: both answer the same, so ids leak nothing."""

    code = "not_found"
    http_status = 404


class RateLimitError(InputError):
    code = "rate_limited"
    http_status = 429


class UploadTooLargeError(InputError):
    code = "upload_too_large"
    http_status = 413


class RequestTimeoutError(TablepilotError):
    code = "timeout"
    http_status = 504


class ServerConfigError(ConfigError):
    """The ``server`` extra is missing or a server setting is invalid."""


INSTALL_HINT = "pip install 'tablepilot[server]'  (adds fastapi, uvicorn and python-multipart)"


def missing_server_extra(exc: ImportError) -> ServerConfigError:
    return ServerConfigError(
        f"the web server needs a package that is not installed ({exc.name})", hint=INSTALL_HINT
    )


class UnsupportedFileError(InputError):
    code = "unsupported_file"
    http_status = 415
