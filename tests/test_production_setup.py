"""The production shape works however it was set up: static files collected with debug on
or off, and the site's own 500 page even when they were never collected."""

import pytest

from tests.test_production_settings import manage, production

# An about page, asked for as the TLS proxy would pass it on.
REQUEST_A_PAGE = """
from django.test import Client
response = Client(raise_request_exception=False).get(
    "/about/", HTTP_HOST="evidence.example.org", secure=True
)
print(response.status_code, "Something went wrong on our side" in response.content.decode())
"""


@pytest.fixture
def static_root(tmp_path):
    return tmp_path / "static"


def serve_a_page(static_root) -> list[str]:
    result = manage(
        "shell", "--no-imports", "-c", REQUEST_A_PAGE,
        **production(DJANGO_STATIC_ROOT=str(static_root), DJANGO_LOG_LEVEL="CRITICAL"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.mark.parametrize("debug", ["1", "0"])
def test_static_files_collected_with_debug_on_or_off_serve_pages_with_debug_off(static_root, debug):
    collected = manage(
        "collectstatic", "--noinput", "-v0",
        **production(DJANGO_DEBUG=debug, DJANGO_STATIC_ROOT=str(static_root)),
    )  # fmt: skip
    assert collected.returncode == 0, collected.stderr
    assert (static_root / "staticfiles.json").is_file()
    assert serve_a_page(static_root) == ["200", "False"]


def test_without_collected_static_files_the_error_page_is_the_sites_own(static_root):
    assert serve_a_page(static_root) == ["500", "True"]
