"""The built site (`make docs`, build/docs/) as a reader sees it: served on 127.0.0.1 and browsed with Debian's
Chromium, driven by Playwright (which never downloads a browser of its own here). An operation page shows its
title and argument table, and the site search finds an operation by name and leads to its page. The page may
ask for nothing but 127.0.0.1: any other request is blocked and fails the test."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, Route, expect, sync_playwright

from tests.conftest import REPO_ROOT

SITE = REPO_ROOT / "build" / "docs"
CHROMIUM = Path("/usr/bin/chromium")
# Headless, and nothing that phones home: no QUIC, no component or sync traffic, no first-run tasks.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def title(text: str) -> re.Pattern[str]:
    # The heading's text, then the permalink anchor (¶) the table of contents adds to every heading.
    return re.compile(rf"^{re.escape(text)}\s*¶?\s*$")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        # The access log would bury pytest's output.
        pass


@pytest.fixture(scope="module")
def site_url() -> Iterator[str]:
    if not (SITE / "index.html").is_file():
        pytest.fail(f"{SITE} has no site: run `make docs` first (make test does)")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(SITE)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        # Not a skip: CI installs it (`make build/.chromium`, part of `make test`), so its absence is a fault.
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`apt-get install -y chromium`)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, site_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    outside: list[str] = []

    def local_only(route: Route) -> None:
        if route.request.url.startswith(site_url + "/"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", local_only)
    opened = context.new_page()
    opened.set_default_timeout(20_000)
    yield opened
    context.close()
    assert not outside, f"the site asked for outside resources: {outside}"


def row(page: Page, table: Locator, argument: str) -> Locator:
    """The argument table's row for one argument (matched on the whole name: `mode` is not `prompt_mode`)."""
    name = page.locator("td:first-child code", has_text=re.compile(rf"^{argument}$"))
    return table.locator("tr", has=name)


def test_an_operation_page_shows_its_title_and_argument_table(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}/reference/image_editing/background_replace/")
    expect(page.locator("h1")).to_have_text(title("image_editing.background_replace"))
    table = page.locator("article table").first
    expect(table).to_be_visible()
    expect(table.locator("th")).to_have_text(["Argument", "Type and default", "Description"])
    expect(row(page, table, "image")).to_contain_text("required")
    expect(row(page, table, "mode")).to_contain_text('one of "base", "high_control", "fast"')
    expect(row(page, table, "prompt")).to_contain_text("not together with ref_images")
    expect(row(page, table, "wait")).to_contain_text("default: True")
    expect(page.locator("article")).to_contain_text("Give at least one of: (prompt) or (ref_images).")
    raises = page.locator("article table").nth(1)
    expect(raises.get_by_role("link", name="ImageDownloadError")).to_be_visible()


def test_the_search_finds_an_operation_by_name_and_opens_its_page(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}/")
    search = page.locator("input.md-search__input")
    search.click()
    search.fill("background_remove")
    result = page.locator(".md-search-result__item a[href*='reference/image_editing/background_remove/']").first
    expect(result).to_be_visible()
    result.click()
    # search.highlight passes the query on as `?h=...`.
    target = f"{site_url}/reference/image_editing/background_remove/"
    expect(page).to_have_url(re.compile(rf"^{re.escape(target)}(\?h=[^#]*)?$"))
    expect(page.locator("h1")).to_have_text(title("image_editing.background_remove"))
