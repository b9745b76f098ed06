"""Sign-in lockouts and rate limits find the real client, directly or behind a TLS proxy.

Direct: the connection's own address, whatever X-Forwarded-For says. Behind proxies named
in TRUSTED_PROXIES: the address they put in X-Forwarded-For, read from the right, so that
what a client writes into the header itself is never believed.
"""

import pytest
from django.test import RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from library.client_address import client_address
from resources.api.throttling import AnonRateThrottle
from tests.factories import UserFactory
from tests.test_security_log import security_log  # noqa: F401  (a fixture)
from tests.test_two_factor import current_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]

PASSWORD = "a long enough passphrase"
LOGIN = "/admin/login/?next=/admin/"
PROXY = "10.0.0.2"
ALICE = "203.0.113.7"
BOB = "198.51.100.20"


@pytest.fixture
def behind_a_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]


@pytest.fixture
def staff(db):
    return UserFactory(username="ayesha", is_staff=True, groups=["curators"])


def via_proxy(client_ip: str, forged: str = "") -> dict:
    """What the proxy sends on: the connection is its own; it appends the client's address."""
    chain = f"{forged}, {client_ip}" if forged else client_ip
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": chain}


def sign_in(client, password, username="ayesha", **meta):
    return client.post(LOGIN, {"username": username, "password": password}, **meta)


def address_of(**meta) -> str:
    return client_address(RequestFactory().get("/", **meta))


# Which address is the client's. -----------------------------------------------------------


def test_directly_the_forwarded_for_header_is_ignored():
    assert address_of(REMOTE_ADDR=ALICE, HTTP_X_FORWARDED_FOR=BOB) == ALICE


@pytest.mark.usefixtures("behind_a_proxy")
def test_behind_a_trusted_proxy_the_address_it_appended_is_the_clients():
    assert address_of(**via_proxy(ALICE)) == ALICE
    assert address_of(**via_proxy(ALICE, forged=BOB)) == ALICE  # the client wrote BOB


@pytest.mark.usefixtures("behind_a_proxy")
def test_behind_two_trusted_proxies_the_first_untrusted_hop_from_the_right_is_the_client():
    meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{BOB}, {ALICE}, 10.0.0.9"}
    assert address_of(**meta) == ALICE


@pytest.mark.usefixtures("behind_a_proxy")
def test_a_connection_from_elsewhere_is_not_believed_even_with_proxies_configured():
    assert address_of(REMOTE_ADDR=ALICE, HTTP_X_FORWARDED_FOR=BOB) == ALICE


@pytest.mark.usefixtures("behind_a_proxy")
def test_garbage_in_the_header_falls_back_to_the_proxy():
    assert address_of(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="not an address") == PROXY


# Lockouts behind a proxy. -----------------------------------------------------------------


@pytest.mark.usefixtures("behind_a_proxy")
def test_behind_a_proxy_a_guesser_locks_out_only_their_own_address(client, staff):
    statuses = [sign_in(client, "wrong", **via_proxy(ALICE)).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert sign_in(client, PASSWORD, **via_proxy(ALICE)).status_code == 429
    assert sign_in(client, PASSWORD, **via_proxy(BOB)).status_code == 302


@pytest.mark.usefixtures("behind_a_proxy")
def test_behind_a_proxy_forging_the_header_on_each_guess_still_counts_every_guess(client, staff):
    for n in range(5):
        sign_in(client, "wrong", **via_proxy(ALICE, forged=f"192.0.2.{n}"))
    assert sign_in(client, PASSWORD, **via_proxy(ALICE)).status_code == 429


def test_directly_behind_an_untrusted_proxy_every_guess_counts_against_its_address(client, staff):
    for n in range(5):
        sign_in(client, "wrong", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert sign_in(client, PASSWORD, REMOTE_ADDR=PROXY).status_code == 429


# One address guessing at many usernames. --------------------------------------------------


def test_an_address_that_fails_for_many_usernames_is_paused_for_all_of_them(
    client,
    staff,
    settings,
    security_log,  # noqa: F811
):
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 6
    for n in range(6):
        assert sign_in(client, "wrong", username=f"guess{n}", REMOTE_ADDR=ALICE).status_code == 200
    response = sign_in(client, PASSWORD, REMOTE_ADDR=ALICE)
    assert response.status_code == 429
    assert b"for every account" in response.content
    assert sign_in(client, PASSWORD, REMOTE_ADDR=BOB).status_code == 302
    paused = [line for line in security_log() if line["action"] == "address_paused"]
    assert [line["address"] for line in paused] == [ALICE]


# Wrong authenticator codes. ---------------------------------------------------------------


@pytest.fixture
def enrolled(staff, settings):
    settings.ADMIN_REQUIRES_OTP = True
    return TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)


def sign_in_with_code(client, code, **meta):
    fields = {"username": "ayesha", "password": PASSWORD, "otp_token": code}
    return client.post(LOGIN, fields, **meta)


def test_a_wrong_code_after_the_right_password_is_logged(client, enrolled, security_log):  # noqa: F811
    sign_in_with_code(client, "000000", REMOTE_ADDR=ALICE)
    (line,) = [line for line in security_log() if line["action"] == "otp_failed"]
    assert line["username"] == "ayesha"
    assert line["address"] == ALICE
    assert "000000" not in str(line)


def test_wrong_codes_count_towards_the_lockout(client, enrolled):
    statuses = [sign_in_with_code(client, "000000").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert sign_in_with_code(client, current_code(enrolled)).status_code == 429


# The API's rate limits. -------------------------------------------------------------------


@pytest.mark.usefixtures("behind_a_proxy")
def test_behind_a_proxy_each_client_has_its_own_api_rate_limit(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "2/minute", raising=False)
    api = APIClient()
    alice = [api.get("/api/v1/topics/", **via_proxy(ALICE)).status_code for _ in range(3)]
    assert alice == [200, 200, 429]
    assert api.get("/api/v1/topics/", **via_proxy(BOB)).status_code == 200
