"""Deliver the outbox: webhook (signed JSON), e-mail over SMTP, a JSON Lines file; and the Atom feed.

A delivery is claimed (a lease, and one more attempt counted) and committed before it is
sent, and marked done after; a failed attempt waits retry_base, then twice as long each
time, and after max_attempts the delivery is marked failed with its error, shown by
`armsgraph watch list` and the web page until `armsgraph watch retry` sends it again.
A process killed between sending and marking sends once more on restart: each notice
carries its id (the webhook's X-Armsgraph-Notice header, the e-mail's Message-ID, the
JSON Lines "id", which is checked before appending again) for the receiver to know it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import smtplib
import ssl
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from html import escape
from typing import Any

from sqlalchemy import select, update

from armsgraph.ingest.fetch import USER_AGENT
from armsgraph.model import content_hash
from armsgraph.store.schema import watch_deliveries, watch_notices, watchlists
from armsgraph.store.store import Store
from armsgraph.watch.clock import lease_free, owner_id, stamp
from armsgraph.watch.settings import SmtpSettings, WatchSettings

LEASE_SECONDS = 5 * 60
SIGNATURE_HEADER = "X-Armsgraph-Signature"
NOTICE_HEADER = "X-Armsgraph-Notice"


class DeliveryError(Exception):
    """One attempt failed; the message says why (recorded on the delivery)."""


@dataclass
class DeliverySummary:
    done: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def sign(secret: str, body: bytes) -> str:
    """The value of the X-Armsgraph-Signature header: sha256= and the hex HMAC-SHA256 of the
    request body with the watchlist's secret (check it with hmac.compare_digest)."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def absolute(payload: dict[str, Any], base_url: str) -> dict[str, Any]:
    """The notice with its links made absolute against the web app's address."""
    base = base_url.rstrip("/")
    links = {k: base + v if v.startswith("/") else v for k, v in payload["links"].items()}
    links["sources"] = [e["url"] for e in payload.get("evidence") or [] if e.get("url")]
    return {**payload, "links": links}


def notice_text(payload: dict[str, Any]) -> str:
    """A notice as plain text (the e-mail body): what changed, then each evidence sentence
    quoted with its source URL, then the link to the event."""
    from armsgraph.watch.notice import change_words

    lines = [payload["summary"], ""]
    lines += [f"- {change_words(c)}" for c in payload["changes"]]
    lines += ["", "Evidence:"]
    for e in payload["evidence"]:
        lines.append(f"  “{e.get('text') or ''}”")
        where = ", ".join(x for x in (e.get("published"), e.get("status")) if x)
        lines.append(f"    — {e.get('url') or e['document_id']}" + (f" ({where})" if where else ""))
    lines += ["", f"Event: {payload['links']['event']}", f"Watchlist: {payload['watchlist']}"]
    return "\n".join(lines) + "\n"


def notice_html(payload: dict[str, Any]) -> str:
    """A notice as an HTML fragment (an Atom entry's content), every text escaped."""
    from armsgraph.watch.notice import change_words

    parts = ["<ul>"] + [f"<li>{escape(change_words(c))}</li>" for c in payload["changes"]]
    parts.append("</ul>")
    for e in payload["evidence"]:
        parts.append(f"<blockquote>{escape(e.get('text') or '')}</blockquote>")
        url = e.get("url")
        if url and url.startswith(("http://", "https://")):
            parts.append(f'<p>— <a href="{escape(url)}">{escape(url)}</a></p>')
        else:
            parts.append(f"<p>— {escape(url or e['document_id'])}</p>")
    link = payload["links"]["event"]
    parts.append(f'<p><a href="{escape(link)}">The event in armsgraph</a></p>')
    return "".join(parts)


# -- channels --------------------------------------------------------------------------------


def send_webhook(
    url: str, body: bytes, secret: str | None, notice_id: str, timeout: float, attempt: int
) -> None:
    import httpx

    if not secret:
        raise DeliveryError(
            "the watchlist has no secret to sign with (give it one: watch add --replace --secret)"
        )
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        NOTICE_HEADER: notice_id,
        SIGNATURE_HEADER: sign(secret, body),
        "X-Armsgraph-Attempt": str(attempt),
    }
    try:
        resp = httpx.post(url, content=body, headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{url}: could not post ({type(exc).__name__}: {exc})") from exc
    if not 200 <= resp.status_code < 300:
        raise DeliveryError(f"{url}: the receiver answered {resp.status_code} {resp.reason_phrase}")


def send_email(
    smtp: SmtpSettings | None, address: str, payload: dict[str, Any], timeout: float
) -> None:
    if smtp is None:
        raise DeliveryError(
            "no SMTP server configured (give --smtp or set ARMSGRAPH_SMTP, e.g. "
            "smtp+starttls://user:password@mail.example.org:587?from=alerts@example.org)"
        )
    msg = EmailMessage()
    msg["From"] = smtp.sender
    msg["To"] = address
    msg["Subject"] = f"[armsgraph] {payload['watchlist']}: {payload['summary']}"[:250]
    # The same id on every attempt: a mail client shows a message sent twice once.
    msg["Message-ID"] = f"<{payload['id']}.{content_hash(address, length=8)}@armsgraph>"
    msg["X-Armsgraph-Notice"] = payload["id"]
    msg.set_content(notice_text(payload))
    context = (
        ssl.create_default_context(cafile=smtp.cafile) if (smtp.starttls or smtp.ssl) else None
    )
    try:
        if smtp.ssl:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=timeout, context=context
            )
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
        with client:
            client.ehlo()
            if smtp.starttls:
                client.starttls(context=context)
                client.ehlo()
            if smtp.user:
                client.login(smtp.user, smtp.password or "")
            client.send_message(msg)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"{smtp.host}:{smtp.port}: {type(exc).__name__}: {exc}") from exc


def append_jsonl(path: str, payload: dict[str, Any], *, check_first: bool) -> None:
    """Append the notice as one line; when an earlier attempt may have written it
    (`check_first`), do nothing if the file holds its id already."""
    line = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    try:
        if check_first and os.path.exists(path):
            marker = json.dumps({"id": payload["id"]})[1:-1]  # "id": "…"
            with open(path, encoding="utf-8") as fh:
                for existing in fh:
                    if existing.startswith("{") and marker in existing:
                        try:
                            if json.loads(existing).get("id") == payload["id"]:
                                return
                        except ValueError:
                            continue
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise DeliveryError(f"{path}: {exc.strerror or exc}") from exc


# -- the outbox ---------------------------------------------------------------------------------


def _claim(store: Store, row: Any, owner: str) -> int | None:
    """Take one delivery for an attempt; the attempt's number, or None if another process
    has it (or it is no longer due)."""
    d = watch_deliveries
    now = stamp()
    with store.transaction() as conn:
        key = (d.c.notice_id == row.notice_id, d.c.channel == row.channel, d.c.target == row.target)
        free = lease_free(
            d.c.lease_owner, d.c.lease_until, now, [row.lease_owner] if row.lease_owner else []
        )
        done = conn.execute(
            update(d)
            .where(*key, d.c.status == "pending", d.c.next_attempt_at <= now, free)
            .values(
                lease_owner=owner,
                lease_until=stamp(time.time() + LEASE_SECONDS),
                attempts=d.c.attempts + 1,
            )
        )
        if done.rowcount != 1:
            return None
        return conn.execute(select(d.c.attempts).where(*key)).scalar_one()


def deliver_due(
    store: Store,
    settings: WatchSettings,
    *,
    stop: threading.Event | None = None,
    owner: str | None = None,
    limit: int = 500,
) -> DeliverySummary:
    """Attempt every delivery that is due (each at most once in this call)."""
    owner = owner or owner_id()
    d = watch_deliveries
    summary = DeliverySummary()
    with store.connect() as conn:
        rows = conn.execute(
            select(d)
            .where(d.c.status == "pending", d.c.next_attempt_at <= stamp())
            .order_by(d.c.next_attempt_at, d.c.notice_id, d.c.channel, d.c.target)
            .limit(limit)
        ).all()
    for row in rows:
        if stop is not None and stop.is_set():
            break
        attempt = _claim(store, row, owner)
        if attempt is None:
            continue
        with store.connect() as conn:
            n = conn.execute(
                select(watch_notices).where(watch_notices.c.id == row.notice_id)
            ).first()
            secret = (
                conn.execute(
                    select(watchlists.c.secret).where(watchlists.c.name == n.watchlist)
                ).scalar()
                if n is not None
                else None
            )
        error = None
        if n is None:
            error = "the notice is gone (its watchlist was removed)"
        else:
            payload = absolute(json.loads(n.payload), settings.base_url)
            try:
                if row.channel == "webhook":
                    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
                    send_webhook(row.target, body, secret, n.id, settings.timeout, attempt)
                elif row.channel == "email":
                    send_email(settings.smtp, row.target, payload, settings.timeout)
                elif row.channel == "jsonl":
                    append_jsonl(row.target, payload, check_first=attempt > 1)
                else:
                    error = f"unknown channel {row.channel!r}"
            except DeliveryError as exc:
                error = str(exc)
        key = (d.c.notice_id == row.notice_id, d.c.channel == row.channel, d.c.target == row.target)
        now = time.time()
        if error is None:
            values: dict[str, Any] = {
                "status": "done",
                "delivered_at": stamp(now),
                "last_error": None,
            }
            summary.done += 1
        elif attempt >= settings.max_attempts or n is None:
            values = {"status": "failed", "last_error": f"attempt {attempt}: {error}"}
            summary.failed += 1
            summary.errors.append(
                f"{row.channel} {row.target}: {error} (gave up after {attempt} attempts)"
            )
        else:
            wait = min(settings.retry_base * 2 ** (attempt - 1), settings.retry_cap)
            values = {
                "next_attempt_at": stamp(now + wait),
                "last_error": f"attempt {attempt}: {error}",
            }
            summary.retrying += 1
            summary.errors.append(
                f"{row.channel} {row.target}: {error} (attempt {attempt}; retried later)"
            )
        with store.transaction() as conn:
            conn.execute(update(d).where(*key).values(lease_owner=None, lease_until=None, **values))
    return summary


def retry_failed(store: Store, name: str | None = None) -> int:
    """Put failed deliveries (of one watchlist, or all) back in the outbox, due now, with a
    fresh count of attempts; how many."""
    d = watch_deliveries
    cond = [d.c.status == "failed"]
    if name:
        cond.append(
            d.c.notice_id.in_(select(watch_notices.c.id).where(watch_notices.c.watchlist == name))
        )
    with store.transaction() as conn:
        done = conn.execute(
            update(d).where(*cond).values(status="pending", attempts=0, next_attempt_at=stamp())
        )
        return done.rowcount


def next_due(store: Store) -> float | None:
    """When the next pending delivery is due (seconds since the epoch), or None."""
    from armsgraph.watch.clock import parse_stamp

    d = watch_deliveries
    with store.connect() as conn:
        at = conn.execute(
            select(d.c.next_attempt_at)
            .where(d.c.status == "pending")
            .order_by(d.c.next_attempt_at)
            .limit(1)
        ).scalar()
    return parse_stamp(at) if at else None


# -- the Atom feed ------------------------------------------------------------------------------


def atom_feed(watchlist: dict[str, Any], notices: list[dict[str, Any]], base_url: str) -> str:
    """The Atom 1.0 document of a watchlist's latest notices (newest first)."""
    base = base_url.rstrip("/")
    name = watchlist["name"]
    updated = notices[0]["created_at"] if notices else watchlist["updated_at"]
    filters = (
        ", ".join(f"{k}={v}" for k, v in sorted(watchlist["filters"].items())) or "every event"
    )
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<id>urn:armsgraph:watch:{escape(name)}</id>",
        f"<title>armsgraph watchlist {escape(name)}</title>",
        f"<subtitle>{escape(filters)}</subtitle>",
        f"<updated>{escape(updated)}</updated>",
        f'<link rel="self" type="application/atom+xml" href="{escape(base)}/watch/{escape(name)}.atom"/>',
        f'<link rel="alternate" type="text/html" href="{escape(base)}/watch/{escape(name)}"/>',
        "<author><name>armsgraph</name></author>",
        '<generator uri="https://pypi.org/project/armsgraph/">armsgraph</generator>',
    ]
    for n in notices:
        payload = absolute(n["payload"], base)
        out += [
            "<entry>",
            f"<id>urn:armsgraph:notice:{escape(n['id'])}</id>",
            f"<title>{escape(n['summary'])}</title>",
            f"<updated>{escape(n['created_at'])}</updated>",
            f"<published>{escape(n['created_at'])}</published>",
            f'<link rel="alternate" type="text/html" href="{escape(payload["links"]["event"])}"/>',
            f'<category term="{escape(n["kind"])}"/>',
            f'<content type="html">{escape(notice_html(payload))}</content>',
            "</entry>",
        ]
    out.append("</feed>")
    return "\n".join(out) + "\n"
