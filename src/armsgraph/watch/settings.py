"""The options of polling and notifying, in one object (the CLI fills it from flags and environment)."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from urllib.parse import parse_qs, unquote, urlsplit

from armsgraph.errors import ArmsgraphError

SMTP_ENV = "ARMSGRAPH_SMTP"
BASE_URL_ENV = "ARMSGRAPH_BASE_URL"


@dataclass(frozen=True)
class SmtpSettings:
    """Where e-mail goes: smtp://host:25, smtp+starttls://user:password@host:587 or
    smtps://user:password@host:465; `from` and `cafile` (a CA bundle to trust, for a
    server with its own certificate) as query parameters."""

    host: str
    port: int
    starttls: bool = False
    ssl: bool = False
    user: str | None = None
    password: str | None = None
    sender: str = "armsgraph@localhost"
    cafile: str | None = None

    @classmethod
    def from_url(cls, url: str) -> SmtpSettings:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("smtp", "smtp+starttls", "smtps") or not parts.hostname:
            raise ArmsgraphError(
                f"cannot read the SMTP server {_hide_password(url)!r}",
                where="--smtp",
                hint="write smtp://host:25, smtp+starttls://user:password@host:587 or "
                "smtps://user:password@host:465, with ?from=alerts@example.org",
            )
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        default_port = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}[scheme]
        return cls(
            host=parts.hostname,
            port=parts.port or default_port,
            starttls=scheme == "smtp+starttls",
            ssl=scheme == "smtps",
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            sender=query.get("from") or "armsgraph@localhost",
            cafile=query.get("cafile"),
        )


def _hide_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


@dataclass(frozen=True)
class WatchSettings:
    """How polling and delivery behave.

    host_interval: seconds between two requests to one host (all sources on it together).
    timeout, max_bytes: of one request.
    retry_base: seconds before the first retry of a failed delivery; each next wait is
        twice the last (capped at retry_cap); after max_attempts the delivery is marked
        failed, with its error, and shown until retried.
    base_url: where the web app is reached, for the links in notices.
    smtp: the mail server (SmtpSettings.from_url), needed by watchlists that send e-mail.
    """

    host_interval: float = 10.0
    timeout: float = 20.0
    max_bytes: int = 50_000_000
    retry_base: float = 30.0
    retry_cap: float = 6 * 3600.0
    max_attempts: int = 8
    max_backoff: float = 24 * 3600.0  # longest wait before polling a failing source again
    base_url: str = "http://127.0.0.1:8000"
    smtp: SmtpSettings | None = None

    @classmethod
    def from_env(cls, **given: object) -> WatchSettings:
        """Settings from keyword arguments (None: not given), then the environment
        (ARMSGRAPH_SMTP, ARMSGRAPH_BASE_URL), then the defaults."""
        values = {k: v for k, v in given.items() if v is not None}
        unknown = set(values) - {f.name for f in fields(cls)}
        if unknown:
            raise TypeError(f"unknown watch setting(s): {', '.join(sorted(unknown))}")
        smtp = values.get("smtp", os.environ.get(SMTP_ENV) or None)
        if isinstance(smtp, str):
            values["smtp"] = SmtpSettings.from_url(smtp)
        base = values.get("base_url") or os.environ.get(BASE_URL_ENV)
        if base:
            values["base_url"] = str(base).rstrip("/")
        return cls(**values)  # type: ignore[arg-type]
