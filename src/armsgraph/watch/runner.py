"""A round of watching (poll the due sources, match the watchlists, deliver the outbox) and the loop of rounds."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from armsgraph.store.store import Store
from armsgraph.watch.clock import parse_stamp
from armsgraph.watch.matching import match_all
from armsgraph.watch.notify import DeliverySummary, deliver_due, next_due
from armsgraph.watch.poll import Ingestor, PollResult, claim_source, due_sources, poll_source
from armsgraph.watch.settings import WatchSettings
from armsgraph.watch.sources import list_sources

MAX_SLEEP = 60.0  # a round at least this often: events others ingest are matched too


@dataclass
class RoundSummary:
    """What one round did."""

    polled: list[PollResult] = field(default_factory=list)
    notices: list[dict] = field(default_factory=list)
    delivery: DeliverySummary = field(default_factory=DeliverySummary)
    stopped: bool = False

    @property
    def new_entries(self) -> int:
        return sum(p.new for p in self.polled)

    @property
    def errors(self) -> list[str]:
        return [p.error for p in self.polled if p.error]


def run_round(
    store: Store,
    settings: WatchSettings,
    ingestor: Ingestor,
    *,
    force: bool = False,
    stop: threading.Event | None = None,
    on_poll: Callable[[PollResult], None] | None = None,
) -> RoundSummary:
    """Poll every due source (all with `force`) that no other process is polling, then
    match every watchlist, then attempt every delivery that is due."""
    out = RoundSummary()
    for source in due_sources(store, force=force):
        if stop is not None and stop.is_set():
            break
        if not claim_source(store, source["id"]):
            continue  # another process polls it now
        result = poll_source(store, source, settings, ingestor, stop=stop)
        out.polled.append(result)
        if on_poll:
            on_poll(result)
    # Matching is one short transaction per watchlist, safe to run even when stopping:
    # what was stored is told, and a stop cannot leave a notice half made.
    out.notices = match_all(store)
    out.delivery = deliver_due(store, settings, stop=stop)
    out.stopped = bool(stop is not None and stop.is_set())
    return out


def next_wake(store: Store, now: float | None = None) -> float:
    """When the next round is due: the next source poll or delivery, within MAX_SLEEP."""
    now = time.time() if now is None else now
    times = [now + MAX_SLEEP]
    for s in list_sources(store):
        times.append(parse_stamp(s["next_poll_at"]) if s["next_poll_at"] else now)
    due = next_due(store)
    if due is not None:
        times.append(due)
    return max(min(times), now + 1.0)


def run_forever(
    store: Store,
    settings: WatchSettings,
    ingestor: Ingestor,
    *,
    stop: threading.Event,
    on_round: Callable[[int, RoundSummary, float], None] | None = None,
    on_poll: Callable[[PollResult], None] | None = None,
    max_rounds: int | None = None,
) -> int:
    """Run rounds until `stop` is set (SIGTERM, SIGINT) or `max_rounds` are done; sleeps
    between rounds until the next poll or delivery is due. Returns the rounds run."""
    rounds = 0
    while not stop.is_set():
        summary = run_round(store, settings, ingestor, stop=stop, on_poll=on_poll)
        rounds += 1
        wake = next_wake(store)
        if on_round:
            on_round(rounds, summary, wake)
        if max_rounds is not None and rounds >= max_rounds:
            break
        stop.wait(max(0.0, wake - time.time()))
    return rounds
