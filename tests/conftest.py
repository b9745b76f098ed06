import pytest
from django.core.cache import caches
from django.utils import timezone

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def admin_without_second_factor(settings):
    """Tests sign staff in with force_login, which gives no second factor, so the admin asks
    for one only where a test turns ADMIN_REQUIRES_OTP on (tests/test_two_factor.py)."""
    settings.ADMIN_REQUIRES_OTP = False


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    """Pages are rendered afresh in every test, so that query counts stay honest and data
    made by factories (which do not invalidate) shows; tests/test_page_cache.py turns the
    page cache on."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate limits and sign-in failure counts per address live in the "throttle" cache,
    which outlives a test; each test starts with none."""
    caches["throttle"].clear()


@pytest.fixture
def fast_passwords(settings):
    """Real sign-ins hash passwords; a fast hasher keeps tests that sign in many times quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def curator(db):
    """A member of the curators group, as a real curator account would be."""
    return UserFactory(username="curator", is_staff=True, groups=["curators"])


@pytest.fixture
def editor(db):
    """A member of the editors group: a curator who may also publish and unpublish."""
    return UserFactory(username="editor", is_staff=True, groups=["editors"])


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def visitor(client):
    """An anonymous educator on the public site."""
    return client


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture
def clock(time_machine):
    """Time stands still at the test's start until `clock.shift(timedelta(...))` moves it on."""
    time_machine.move_to(timezone.now(), tick=False)
    return time_machine
