"""Running the watch as an operator meets it: a failing source backs off and shows its last
error, a webhook that keeps failing is marked failed (never dropped) and retried on demand,
e-mail over STARTTLS with a login, `watch run` beside `serve` stopping on SIGTERM, and the
web page editing watchlists with the write token."""

from __future__ import annotations

import json
import signal
import subprocess
import time
import urllib.parse
import urllib.request

from armsgraph.watch.clock import parse_stamp

RSS = "application/rss+xml"
PLAN = "Egypt plans to buy 12 F-16 fighter jets from the United States, officials said on Monday."


def plan_feed(kit, feeds) -> bytes:
    return kit.rss(
        [kit.Entry("eg-1", "Egypt plans F-16 buy", feeds.url("/news/1"), "2025-03-03", PLAN)]
    )


def sources(kit, db: str) -> dict[str, dict]:
    out = kit.armsgraph("sources", "list", "--db", db, "--format", "json")
    assert out.returncode == 0, out.stderr
    return {s["url"]: s for s in map(json.loads, out.stdout.splitlines())}


def test_a_failing_source_backs_off_shows_its_last_error_and_recovers(sqlite_path, feeds, kit):
    db, url = sqlite_path, feeds.url("/down.rss")
    feeds.fail["/down.rss"] = 503
    assert kit.armsgraph("sources", "add", url, "--every", "2m", "--db", db).returncode == 0

    # Due at once (never polled): fails, and says so on one line.
    first = kit.armsgraph("poll", "--db", db, "--host-interval", "0")
    assert first.returncode == 1
    assert f"error: {url}: the server answered 503" in first.stderr
    s = sources(kit, db)[url]
    assert s["failures"] == 1 and "503" in s["last_error"] and s["last_status"] == "error"
    assert parse_stamp(s["next_poll_at"]) - parse_stamp(s["last_poll_at"]) == 120

    # Not due again yet: a poll leaves it alone.
    hits = len(feeds.hits("/down.rss"))
    idle = kit.armsgraph("poll", "--db", db, "--host-interval", "0")
    assert idle.returncode == 0 and "polled 0 source(s)" in idle.stdout
    assert len(feeds.hits("/down.rss")) == hits

    # Failing again: the wait doubles.
    kit.armsgraph(*kit.POLL, "--db", db)
    s = sources(kit, db)[url]
    assert s["failures"] == 2
    assert parse_stamp(s["next_poll_at"]) - parse_stamp(s["last_poll_at"]) == 240

    # Back up: read, on schedule again, and the last error is still shown with its time.
    del feeds.fail["/down.rss"]
    feeds.set("/down.rss", plan_feed(kit, feeds), RSS)
    ok = kit.armsgraph(*kit.POLL, "--db", db)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert f"polled {url}: 1 new entry" in ok.stdout
    s = sources(kit, db)[url]
    assert s["failures"] == 0 and s["last_status"] == "1 new entry" and s["total_new"] == 1
    assert "503" in s["last_error"] and s["last_error_at"] < s["last_poll_at"]
    assert parse_stamp(s["next_poll_at"]) - parse_stamp(s["last_poll_at"]) == 120
    table = kit.armsgraph("sources", "list", "--db", db)
    assert "503" in table.stdout and "1/1" in table.stdout


def test_a_webhook_that_keeps_failing_is_marked_failed_and_sent_again_on_retry(
    sqlite_path, feeds, kit
):
    db = sqlite_path
    hook = kit.WebhookReceiver()
    hook.down = True
    try:
        feeds.set("/news.rss", plan_feed(kit, feeds), RSS)
        kit.armsgraph("sources", "add", feeds.url("/news.rss"), "--db", db)
        add = kit.armsgraph(
            "watch", "add", "egypt", "--actor", "Egypt", "--webhook", hook.url,
            "--secret", kit.SECRET, "--db", db,
        )  # fmt: skip
        assert add.returncode == 0, add.stderr
        poll = (*kit.POLL, "--db", db, "--max-attempts", "2")
        one = kit.armsgraph(*poll)
        assert one.returncode == 1 and "(attempt 1; retried later)" in one.stdout
        two = kit.armsgraph(*poll)
        assert two.returncode == 1 and "gave up after 2 attempts" in two.stdout
        assert len(hook.posts) == 2 and hook.ids() == []
        # Recorded, shown, and not attempted again by itself.
        (wl,) = map(
            json.loads,
            kit.armsgraph("watch", "list", "--db", db, "--format", "json").stdout.splitlines(),
        )
        assert (wl["failed"], wl["pending"], wl["done"]) == (1, 0, 0)
        shown = kit.armsgraph("watch", "notices", "egypt", "--db", db)
        assert "webhook failed" in shown.stdout and "500" in shown.stdout
        kit.armsgraph(*poll)
        assert len(hook.posts) == 2

        hook.down = False
        retry = kit.armsgraph("watch", "retry", "egypt", "--db", db)
        assert "1 failed delivery will be sent again" in retry.stdout
        sent = kit.armsgraph(*poll)
        assert sent.returncode == 0, sent.stdout
        (notice,) = map(
            json.loads,
            kit.armsgraph(
                "watch", "notices", "egypt", "--db", db, "--format", "json"
            ).stdout.splitlines(),
        )
        assert hook.ids() == [notice["id"]]
    finally:
        hook.close()


def test_email_goes_over_starttls_with_a_login(sqlite_path, tmp_path, feeds, kit):
    import ssl

    from aiosmtpd.smtp import AuthResult

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    made = subprocess.run(
        [kit.openssl(), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        capture_output=True, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins: list[str] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"alice" and auth_data.password == b"s3cret pass"
        if ok:
            logins.append(auth_data.login.decode())
        return AuthResult(success=ok)

    box = kit.Mailbox(
        tls_context=context, require_starttls=True, auth_required=True,
        authenticator=authenticator, auth_require_tls=True,
    )  # fmt: skip
    try:
        db = sqlite_path
        feeds.set("/news.rss", plan_feed(kit, feeds), RSS)
        kit.armsgraph("sources", "add", feeds.url("/news.rss"), "--db", db)
        kit.armsgraph(
            "watch", "add", "egypt", "--actor", "Egypt", "--email", "a@example.org", "--db", db
        )
        smtp = (
            f"smtp+starttls://alice:s3cret%20pass@127.0.0.1:{box.port}"
            f"?from=alerts@example.org&cafile={urllib.parse.quote(str(cert))}"
        )
        # Without TLS the server refuses: the delivery waits with the reason.
        plain = kit.armsgraph(
            *kit.POLL, "--db", db, "--smtp", f"smtp://alice:x@127.0.0.1:{box.port}"
        )
        assert plain.returncode == 1 and "delivery: email a@example.org" in plain.stdout
        assert box.messages == []
        done = kit.armsgraph(*kit.POLL, "--db", db, "--smtp", smtp)
        assert done.returncode == 0, done.stdout + done.stderr
        (msg,) = box.messages
        assert logins == ["alice"]
        assert msg["To"] == "a@example.org" and PLAN in msg.get_content()
    finally:
        box.close()


def _post(url: str, fields: dict[str, str]) -> tuple[int, str]:
    data = urllib.parse.urlencode(fields).encode()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, data=data), timeout=30) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def test_watch_run_beside_serve_on_one_database_and_stops_cleanly_on_sigterm(
    db_url, feeds, serve, kit
):
    feeds.set("/news.rss", plan_feed(kit, feeds), RSS)
    kit.armsgraph("sources", "add", feeds.url("/news.rss"), "--db", db_url)
    web = serve(db_url, "--write-token", kit.WRITE_TOKEN)
    # A watchlist made on the web page, with the write token (and refused without it).
    fields = {"name": "egypt", "actor": "Egypt", "type": "arms_sale"}
    assert _post(f"{web.url}/watch", {**fields, "token": "wrong"})[0] == 403
    status, page = _post(
        f"{web.url}/watch", {**fields, "type": "arms_sales", "token": kit.WRITE_TOKEN}
    )
    assert status == 422 and "unknown type &#39;arms_sales&#39;" in page
    assert _post(f"{web.url}/watch", {**fields, "token": kit.WRITE_TOKEN})[0] == 303

    run = kit.start("watch", "run", "--db", db_url, "--host-interval", "0")
    try:
        feed = ""
        for _ in range(600):  # bounded: the first round stores and tells the deal
            status, feed, _ = kit.get(f"{web.url}/watch/egypt.atom")
            if "new event" in feed or run.poll() is not None:
                break
            time.sleep(0.1)
        assert "new event (proposed)" in feed
        # Edited on the page while the watcher runs: both write the same database.
        status, _ = _post(
            f"{web.url}/watch/egypt",
            {"actor": "Egypt", "status": "agreed", "token": kit.WRITE_TOKEN},
        )
        assert status == 303
        status, page, _ = kit.get(f"{web.url}/watch/egypt")
        assert 'value="agreed"' in page and PLAN in page
    finally:
        run.send_signal(signal.SIGTERM)
        _out, err = run.communicate(timeout=120)
    assert run.returncode == 0, err
    assert "round 1: 1 polled, 1 new entries, 1 notices" in err
    assert "SIGTERM: stopping after the current step" in err and "stopped after" in err
    assert "locked" not in err and "Traceback" not in err
