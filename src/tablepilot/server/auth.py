"""API tokens and per-token rate limits.

A token reads ``tp_<id>_<secret>``: the id finds the stored row, the secret is checked against a salted
SHA-256 (secrets are 256 random bits, so a slow KDF would add latency to every request and no safety).
Only the salt and the digest are stored; the token itself is printed once, when it is created.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from tablepilot.server.errors import AuthError, RateLimitError

TOKEN_RE = re.compile(r"^tp_([0-9a-f]{12})_([A-Za-z0-9_-]{20,100})$")
USER_RE = re.compile(r"^[\w.@+-]{1,64}$")


@dataclass(frozen=True)
class NewToken:
    token_id: str
    secret: str
    salt: str
    digest: str

    @property
    def token(self) -> str:
        return f"tp_{self.token_id}_{self.secret}"


def digest_secret(secret: str, salt: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode("ascii")).hexdigest()


def new_token() -> NewToken:
    token_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(16)
    return NewToken(token_id, secret, salt, digest_secret(secret, salt))


def parse_token(token: str) -> tuple[str, str]:
    """Split a presented token into (id, secret); malformed tokens fail before any lookup."""
    match = TOKEN_RE.match(token.strip())
    if match is None:
        raise AuthError(
            "the API token is malformed", hint="tokens look like tp_<12 hex>_<secret>; copy it whole"
        )
    return match.group(1), match.group(2)


def secret_matches(secret: str, salt: str, digest: str) -> bool:
    return hmac.compare_digest(digest_secret(secret, salt), digest)


def check_user_name(name: str) -> str:
    if not USER_RE.match(name):
        raise AuthError(
            f"{name!r} is not a valid user name",
            hint="use 1-64 letters, digits or . _ @ + - (no spaces)",
        )
    return name


def bearer_token(header: str | None) -> str:
    if not header:
        raise AuthError(
            "this request needs an API token",
            hint="send 'Authorization: Bearer <token>'; create one with `tablepilot token create --user NAME`",
        )
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise AuthError(
            "the Authorization header is not a bearer token", hint="send 'Authorization: Bearer <token>'"
        )
    return value.strip()


class RateLimiter:
    """A token bucket per API token: ``per_minute`` sustained, bursts up to ``burst``; thread-safe."""

    def __init__(
        self, per_minute: int, burst: int | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst if burst is not None else max(10, per_minute // 4))
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self._now = clock

    def hit(self, key: str) -> None:
        """Spend one request; raise ``RateLimitError`` (with ``retry_after`` seconds) when none is left."""
        if self.rate <= 0:
            return
        now = self._now()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens < 1.0:
                wait = (1.0 - tokens) / self.rate
                self._buckets[key] = (tokens, now)
                raise RateLimitError(
                    "too many requests for this API token",
                    hint=f"wait {wait:.1f} s and retry; ask the admin for a higher --rate-limit if this is normal use",
                    retry_after=round(wait, 2),
                )
            self._buckets[key] = (tokens - 1.0, now)
