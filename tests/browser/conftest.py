"""Browser tests: Debian's Chromium driven by Playwright against Django's live server."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make for setup are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def site(live_server, page):
    """A page bound to the live server: `site.goto("/studies/")`."""
    page.set_default_timeout(10_000)

    class Site:
        url = live_server.url

        def goto(self, path):
            response = page.goto(live_server.url + path)
            assert response is not None
            return response

    Site.page = page
    return Site()


@pytest.fixture
def page_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def axe_violations(page) -> list[str]:
    """WCAG 2.2 A/AA violations axe-core finds on the page, as readable lines."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes)"
        for violation in results.response["violations"]
    ]


def save_screenshots(page, name: str) -> None:
    """A desktop and a phone screenshot of the current page, kept as CI artefacts."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=ARTIFACTS / f"{name}-{label}.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def unstacked_cells(page, min_width: int = 200) -> list[str]:
    """Cells of the page's tables that are squeezed (narrower than `min_width`) or, in a
    stacked table, shown without their column's name: "caption: cell text" for each."""
    return page.evaluate(
        """(minWidth) => [...document.querySelectorAll('main table')]
            .filter(table => table.offsetParent !== null)
            .flatMap(table => [...table.querySelectorAll('tbody th, tbody td')].filter(cell => {
                const narrow = cell.getBoundingClientRect().width < minWidth;
                const label = cell.tagName === 'TD' && !getComputedStyle(cell, '::before')
                    .content.includes(cell.dataset.label || 'no label');
                return narrow || label;
            }).map(cell => `${table.caption?.innerText}: ${cell.innerText.slice(0, 40)}`))""",
        min_width,
    )
