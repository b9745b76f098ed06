"""Every response carries a strict Content Security Policy and the other security headers."""

import re

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


# The policy on a public page, an admin page and the API docs. -----------------------------

PAGES = ["/", "/studies/", "/admin/resources/study/", "/api/v1/docs/"]


@pytest.fixture
def pages(admin_client):
    from tests.factories import StudyFactory

    StudyFactory(title="Students teach the dean")
    return {path: admin_client.get(path) for path in PAGES}


@pytest.mark.parametrize("path", PAGES)
def test_no_unsafe_inline_anywhere_in_the_policy(pages, path):
    response = pages[path]
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert directives(response)["style-src"] == ["'self'"]


@pytest.mark.parametrize("path", PAGES)
def test_a_permissions_policy_turns_off_what_the_site_does_not_use(pages, path):
    policy = dict(item.split("=", 1) for item in pages[path]["Permissions-Policy"].split(", "))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert policy[feature] == "()"
    assert policy["clipboard-write"] == "(self)"


@pytest.mark.parametrize("path", ["/", "/studies/", "/api/v1/docs/"])
def test_the_sites_own_pages_carry_no_inline_style_or_script(pages, path):
    html = pages[path].content.decode()
    assert " style=" not in html
    assert "<style" not in html
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts
    for attributes in scripts:
        assert "src=" in attributes or 'type="application/ld+json"' in attributes, attributes


def test_the_admins_own_additions_carry_no_inline_style(pages):
    html = pages["/admin/resources/study/"].content.decode()
    assert 'class="workflow-state workflow-state--published"' in html
    assert 'style="color' not in html
