"""Screenshots of the web app's home, actor, map, network and events pages for the README (docs/screenshots/).

    armsgraph demo && python scripts/screenshots.py armsgraph-demo.db docs/screenshots

Serves the store on a free loopback port and drives Debian's headless Chromium (Playwright).
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from armsgraph.serve.app import create_app

CHROMIUM = "/usr/bin/chromium"
# (file name, path, what must be drawn first, where the shot starts)
PAGES = [
    ("home", "/", "#trend-events svg", None),
    ("actor", "/actors/country:USA", "#graph[data-ready]", "#actor-trends"),
    ("map", "/map", "#map[data-ready]", None),
    ("network", "/network?rollup=country", "#graph[data-ready]", None),
    ("events", "/events?type=arms_sale,local_production,upgrade", "table.events", None),
]


def main(db: str, out: str) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(db), log_level="warning", lifespan="off"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    Path(out).mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 820})
        for name, path, ready, start in PAGES:
            page.goto(f"http://127.0.0.1:{port}{path}")
            page.wait_for_selector(ready)
            page.wait_for_timeout(500)
            clip = None
            if start:
                top = page.locator(start).bounding_box()["y"]
                clip = {"x": 0, "y": top, "width": 1280, "height": 1100}
            page.screenshot(path=str(Path(out) / f"{name}.png"), clip=clip, full_page=bool(clip))
            print(f"{out}/{name}.png")
        browser.close()
    server.should_exit = True


if __name__ == "__main__":
    main(*sys.argv[1:3])
