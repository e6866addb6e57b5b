"""A deal followed through real feeds on 127.0.0.1: each change is told once, on every
channel (webhook, e-mail, JSON Lines, the Atom feed), across a failed webhook attempt,
conditional requests and kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess

import feedparser

RSS, ATOM = "application/rss+xml", "application/atom+xml"


def entries(kit, base: str) -> dict:
    E = kit.Entry
    return {
        "plan": E("eg-1", "Egypt plans F-16 buy", f"{base}/news/egypt-plans-f16", "2025-03-03",
                  "Egypt plans to buy 12 F-16 fighter jets from the United States, officials said on Monday."),
        "signed": E("eg-2", "Egypt signs for F-16", f"{base}/news/egypt-signs-f16", "2025-06-10",
                    "Egypt signed a contract to buy 12 F-16 fighter jets from the United States, the defense ministry said."),
        "second": E("wire-7", "Egypt F-16 contract", f"{base}/wire/egypt-f16-contract", "2025-06-11",
                    "Egypt has signed a contract for 12 F-16 fighter jets from the United States, according to officials."),
        "k2": E("wire-1", "Poland K2", f"{base}/wire/poland-k2", "2025-06-11",
                "Poland ordered 48 K2 tanks from South Korea."),
    }  # fmt: skip


def notices_of(kit, db: str, name: str) -> list[dict]:
    out = kit.armsgraph("watch", "notices", name, "--db", db, "--format", "json", "--limit", "0")
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def jsonl_ids(path) -> list[str]:
    if not path.exists():
        return []
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]


def mail_ids(box) -> list[str]:
    return [m["X-Armsgraph-Notice"] for m in box.messages]


def test_a_deal_proposed_then_agreed_then_reported_again_is_told_once_per_change_on_every_channel(
    db_url, tmp_path, feeds, webhook, mailbox, serve, kit
):
    e = entries(kit, feeds.url(""))
    news, wire = feeds.url("/news.rss"), feeds.url("/wire.atom")
    feeds.set("/news.rss", kit.rss([e["plan"]]), RSS)
    feeds.set("/wire.atom", kit.atom([e["k2"]]), ATOM)
    jsonl = tmp_path / "notices.jsonl"
    for url in (news, wire):
        added = kit.armsgraph("sources", "add", url, "--every", "1m", "--db", db_url)
        assert added.returncode == 0, added.stderr
        assert f"following {url}" in added.stdout
    add = kit.armsgraph(
        "watch", "add", "egypt", "--actor", "Egypt", "--type", "arms_sale",
        "--webhook", webhook.url, "--secret", kit.SECRET, "--email", "analyst@example.org",
        "--jsonl", str(jsonl), "--db", db_url,
    )  # fmt: skip
    assert add.returncode == 0, add.stderr
    assert "0 event(s) match now" in add.stdout
    smtp = f"smtp://127.0.0.1:{mailbox.port}?from=alerts@example.org"

    def poll() -> subprocess.CompletedProcess:
        return kit.armsgraph(
            *kit.POLL, "--db", db_url, "--smtp", smtp, "--base-url", "https://arms.example.org"
        )

    # A new deal. The webhook's first attempt fails: said, kept, retried at the next poll.
    first = poll()
    assert first.returncode == 1, first.stdout + first.stderr
    assert "notice: egypt: arms sale" in first.stdout
    assert "new event (proposed)" in first.stdout
    assert "delivery: webhook" in first.stdout and "500" in first.stdout
    assert len(webhook.posts) == 1 and webhook.ids() == []

    # Nothing new: both feeds answer 304 to conditional requests; the webhook gets its retry.
    second = poll()
    assert second.returncode == 0, second.stdout + second.stderr
    assert "0 notice(s); delivered 1" in second.stdout
    assert feeds.hits("/news.rss")[-1]["headers"].get("If-None-Match")
    listed = kit.armsgraph("sources", "list", "--db", db_url, "--format", "json")
    by_url = {s["url"]: s for s in map(json.loads, listed.stdout.splitlines())}
    assert by_url[news]["last_status"] == "not modified"
    assert by_url[news]["total_new"] == 1 and by_url[wire]["total_new"] == 1
    assert by_url[news]["last_error"] is None

    # The deal is signed.
    feeds.set("/news.rss", kit.rss([e["signed"], e["plan"]]), RSS)
    third = poll()
    assert third.returncode == 0, third.stdout + third.stderr
    assert "status proposed → agreed" in third.stdout
    assert f"new source: {e['signed'].link}" in third.stdout

    # The same deal from a second source.
    feeds.set("/wire.atom", kit.atom([e["second"], e["k2"]]), ATOM)
    fourth = poll()
    assert fourth.returncode == 0, fourth.stdout + fourth.stderr
    assert f"new source: {e['second'].link}" in fourth.stdout
    assert "status" not in fourth.stdout.split("notice: ", 1)[1].split("\n", 1)[0]

    assert "0 notice(s); delivered 0" in poll().stdout

    told = notices_of(kit, db_url, "egypt")
    assert len(told) == 3
    ids = sorted(n["id"] for n in told)
    # Each notice once on each channel.
    assert sorted(webhook.ids()) == ids
    assert all(p["signed"] for p in webhook.posts)
    assert sorted(mail_ids(mailbox)) == ids
    assert sorted(jsonl_ids(jsonl)) == ids

    # What a notice says: what changed, the evidence sentence and its source URL, links.
    signed = next(b for b in webhook.acknowledged if b["kind"] == "changed" and
                  any(c["what"] == "status" for c in b["changes"]))  # fmt: skip
    assert {"what": "status", "from": "proposed", "to": "agreed"} in signed["changes"]
    assert signed["evidence"][0]["text"] == e["signed"].text
    assert signed["evidence"][0]["url"] == e["signed"].link
    assert signed["event"]["status"] == "agreed"
    assert signed["links"]["event"] == f"https://arms.example.org/events/{signed['event']['id']}"
    assert signed["links"]["sources"] == [e["signed"].link]
    mail = next(m for m in mailbox.messages if m["X-Armsgraph-Notice"] == signed["id"])
    assert "status proposed → agreed" in mail["Subject"]
    body = mail.get_content()
    assert f"“{e['signed'].text}”" in body and e["signed"].link in body
    assert mail["From"] == "alerts@example.org" and mail["To"] == "analyst@example.org"

    # The Atom feed, from the web app, as a feed reader reads it.
    web = serve(db_url)
    status, xml, headers = kit.get(f"{web.url}/watch/egypt.atom")
    assert status == 200 and headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(xml)
    assert not feed.bozo, feed.bozo_exception
    assert sorted(x.id.rsplit(":", 1)[1] for x in feed.entries) == ids
    newest = feed.entries[0]
    assert "new source" in newest.title
    assert e["second"].text in newest.summary and e["second"].link in newest.summary
    assert newest.link == f"{web.url}/events/{signed['event']['id']}"
    # The page: the sources with their last poll and new entries; the watchlist's last match.
    status, page, _ = kit.get(f"{web.url}/watch")
    assert status == 200
    assert news in page and "not modified" in page
    assert "egypt" in page and told[0]["created"] in page


def test_kill_9_during_a_poll_then_a_restart_delivers_every_notice_exactly_once(
    db_url, tmp_path, feeds, webhook, mailbox, kit
):
    webhook.fail_first = 0
    e = entries(kit, feeds.url(""))
    feeds.set("/a-news.rss", kit.rss([e["plan"]]), RSS)
    feeds.set("/b-wire.atom", kit.atom([e["k2"]]), ATOM)
    jsonl = tmp_path / "notices.jsonl"
    for path in ("/a-news.rss", "/b-wire.atom"):
        assert kit.armsgraph("sources", "add", feeds.url(path), "--db", db_url).returncode == 0
    for name, flt in (("egypt", ("--actor", "Egypt")), ("sales", ("--type", "arms_sale"))):
        add = kit.armsgraph(
            "watch", "add", name, *flt, "--webhook", webhook.url, "--secret", kit.SECRET,
            "--email", "analyst@example.org", "--jsonl", str(jsonl), "--db", db_url,
        )  # fmt: skip
        assert add.returncode == 0, add.stderr
    args = (*kit.POLL, "--db", db_url, "--smtp", f"smtp://127.0.0.1:{mailbox.port}")
    first = kit.armsgraph(*args)
    assert first.returncode == 0, first.stdout + first.stderr

    # The deal is signed and reported by the second wire, whose answer never comes: the
    # poll has stored the first feed's new entry when it is killed.
    feeds.set("/a-news.rss", kit.rss([e["signed"], e["plan"]]), RSS)
    feeds.set("/b-wire.atom", kit.atom([e["second"], e["k2"]]), ATOM)
    feeds.hold.add("/b-wire.atom")
    proc = kit.start(*args)
    try:
        kit.wait_while_running(feeds.held, proc, "the poll asked for the held feed")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    feeds.hold.clear()
    feeds.release.set()

    restart = kit.armsgraph(*args)
    assert restart.returncode == 0, restart.stdout + restart.stderr
    assert "notice: egypt" in restart.stdout and "notice: sales" in restart.stdout
    again = kit.armsgraph(*args)
    assert "0 notice(s); delivered 0" in again.stdout

    told = notices_of(kit, db_url, "egypt") + notices_of(kit, db_url, "sales")
    ids = sorted(n["id"] for n in told)
    assert len(ids) == len(set(ids)) >= 4
    # Every notice exactly once, per e-mail address, webhook and file.
    assert sorted(webhook.ids()) == ids
    assert sorted(mail_ids(mailbox)) == ids
    assert sorted(jsonl_ids(jsonl)) == ids
    # Together they tell the whole story: the status change and both new sources.
    egypt = [n for n in told if n["watchlist"] == "egypt"]
    changes = [c for n in egypt for c in n["changes"]]
    assert {"what": "status", "from": "proposed", "to": "agreed"} in changes
    added = {a["url"] for c in changes if c["what"] == "source" for a in c["added"]}
    assert added == {e["signed"].link, e["second"].link}


def test_kill_9_during_a_webhook_delivery_then_a_restart_sends_it_once_more_and_nothing_twice(
    db_url, tmp_path, feeds, mailbox, kit
):
    webhook = kit.WebhookReceiver()
    webhook.hold_first = True
    try:
        e = entries(kit, feeds.url(""))
        feeds.set("/news.rss", kit.rss([e["plan"]]), RSS)
        jsonl = tmp_path / "notices.jsonl"
        assert (
            kit.armsgraph("sources", "add", feeds.url("/news.rss"), "--db", db_url).returncode == 0
        )
        add = kit.armsgraph(
            "watch", "add", "egypt", "--actor", "Egypt", "--webhook", webhook.url,
            "--secret", kit.SECRET, "--email", "analyst@example.org", "--jsonl", str(jsonl),
            "--db", db_url,
        )  # fmt: skip
        assert add.returncode == 0, add.stderr
        args = (*kit.POLL, "--db", db_url, "--smtp", f"smtp://127.0.0.1:{mailbox.port}")
        proc = kit.start(*args)
        try:
            kit.wait_while_running(webhook.held, proc, "the poll posted to the webhook")
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        webhook.release.set()  # the receiver never acknowledged that request

        restart = kit.armsgraph(*args)
        assert restart.returncode == 0, restart.stdout + restart.stderr
        assert "0 notice(s); delivered 1" in restart.stdout
        (notice,) = notices_of(kit, db_url, "egypt")
        assert webhook.ids() == [notice["id"]]
        # The request cut by the kill carried the same notice id: a receiver can tell.
        assert [p["headers"]["X-Armsgraph-Notice"] for p in webhook.posts] == [notice["id"]] * 2
        assert mail_ids(mailbox) == [notice["id"]]
        assert jsonl_ids(jsonl) == [notice["id"]]
    finally:
        webhook.close()
