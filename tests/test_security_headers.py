"""Every response carries a strict Content Security Policy and the other security headers."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(client):
    return client.get("/")


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    parsed = {}
    for directive in filter(None, (part.strip() for part in policy.split(";"))):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


def test_scripts_come_only_from_the_app_or_with_a_nonce(home):
    script_src = directives(home)["script-src"]
    assert script_src[0] == "'self'"
    assert all(value in {"'self'"} or value.startswith("'nonce-") for value in script_src)
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src


@pytest.mark.parametrize(
    ("directive", "value"),
    [("object-src", "'none'"), ("base-uri", "'none'"), ("frame-ancestors", "'none'")],
)
def test_policy_forbids_plugins_base_changes_and_framing(home, directive, value):
    assert directives(home)[directive] == [value]


def test_referrer_opener_and_sniffing_policies_are_set(home):
    assert home.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert home.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert home.headers["X-Content-Type-Options"] == "nosniff"
    assert home.headers["X-Frame-Options"] == "DENY"


def test_every_response_carries_a_request_id(client):
    first = client.get("/")["X-Request-ID"]
    second = client.get("/")["X-Request-ID"]
    assert len(first) == 32
    assert first != second


def test_a_well_formed_request_id_from_the_proxy_is_kept(client):
    response = client.get("/", headers={"X-Request-ID": "proxy-abc-12345678"})
    assert response["X-Request-ID"] == "proxy-abc-12345678"


def test_a_malformed_request_id_is_replaced(client):
    response = client.get("/", headers={"X-Request-ID": "<script>"})
    assert response["X-Request-ID"] != "<script>"
