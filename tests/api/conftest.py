import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

from resources.models import ApiToken


@pytest.fixture(autouse=True)
def fresh_throttles():
    """Rate-limit counters live in their own cache, pages in the default one; each test
    starts with neither."""
    for alias in ("default", "throttle"):
        caches[alias].clear()
    yield
    for alias in ("default", "throttle"):
        caches[alias].clear()


@pytest.fixture
def api():
    """An anonymous integration: an LMS or a research group's script."""
    return APIClient()


@pytest.fixture
def curator_api(curator):
    """A curator's script with a writable token."""
    _, key = ApiToken.issue(curator, "import script", read_only=False)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def editor_api(editor):
    """An editor's script: it may publish, as editors may in the admin."""
    _, key = ApiToken.issue(editor, "publishing script", read_only=False)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def read_only_api(curator):
    _, key = ApiToken.issue(curator, "LMS sync", read_only=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client
