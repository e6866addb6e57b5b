"""Fetch http(s) URLs with httpx: bounded time and size, clear errors for timeouts and HTTP codes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from armsgraph import __version__
from armsgraph.errors import InputError
from armsgraph.ingest.common import human_size

DEFAULT_TIMEOUT = 20.0
TOO_BIG_HINT = "raise the limit with --max-size if this is expected"
USER_AGENT = f"armsgraph/{__version__} (+https://pypi.org/project/armsgraph/)"


@dataclass
class Fetched:
    url: str  # final URL after redirects
    status: int
    content_type: str  # media type only, lower case ("text/html")
    content: bytes


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def fetch(url: str, *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = 50_000_000) -> Fetched:
    """GET a URL; the body is read in chunks and refused past max_bytes. InputError when
    the server cannot be reached, answers an error, or sends too much."""
    import httpx

    with (
        http_errors(url, timeout),
        httpx.Client(
            timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT}
        ) as client,
        client.stream("GET", url) as resp,
    ):
        if resp.status_code >= 400:
            raise InputError(
                f"the server answered {resp.status_code} {resp.reason_phrase}",
                where=url,
                hint=_status_hint(resp.status_code),
            )
        content = read_capped(resp, url, max_bytes)
        return Fetched(str(resp.url), resp.status_code, media_type(resp), content)


@contextmanager
def http_errors(url: str, timeout: float) -> Iterator[None]:
    """httpx's failures (timeout, redirects, network) inside the block as InputError on `url`."""
    import httpx

    try:
        yield
    except httpx.TimeoutException:
        raise InputError(
            f"timed out after {timeout:g} s",
            where=url,
            hint="the server is slow or unreachable; try again later or allow a longer timeout",
        ) from None
    except httpx.TooManyRedirects:
        raise InputError(
            "too many redirects", where=url, hint="check the URL in a browser"
        ) from None
    except httpx.HTTPError as exc:
        raise InputError(
            f"could not fetch ({type(exc).__name__}: {exc})",
            where=url,
            hint="check the URL and the network connection",
        ) from None


def read_capped(resp: Any, url: str, max_bytes: int, hint: str = TOO_BIG_HINT) -> bytes:
    """The body of a streamed httpx response, read in chunks; InputError (with `hint`) past
    max_bytes."""
    declared = resp.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise _too_big(url, int(declared), max_bytes, hint)
    chunks: list[bytes] = []
    size = 0
    for chunk in resp.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise _too_big(url, size, max_bytes, hint)
        chunks.append(chunk)
    return b"".join(chunks)


def media_type(resp: Any) -> str:
    """The response's media type alone, lower case ("text/html")."""
    return resp.headers.get("content-type", "").split(";")[0].strip().lower()


def _status_hint(status: int) -> str:
    if status == 404:
        return "the page does not exist; check the URL"
    if status in (401, 403):
        return "the server refuses access; save the page from a browser and give the file"
    if status == 429:
        return "the server limits requests; try again later"
    if status >= 500:
        return "the server failed; try again later"
    return "check the URL"


def _too_big(url: str, size: int, max_bytes: int, hint: str) -> InputError:
    return InputError(
        f"response is larger than the limit of {human_size(max_bytes)} (got {human_size(size)})",
        where=url,
        hint=hint,
    )
