"""Staff give a TOTP code as well as a password when ADMIN_REQUIRES_OTP is on (DEBUG off)."""

from base64 import b32decode
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory
from tests.test_production_settings import manage, production

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]

PASSWORD = "a long enough passphrase"
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def otp_required(settings):
    settings.ADMIN_REQUIRES_OTP = True


@pytest.fixture
def enrolled(curator):
    """The curator, with the authenticator app that `enrol_totp` gives."""
    return TOTPDevice.objects.create(user=curator, name="phone", confirmed=True)


def current_code(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in(client, **fields):
    return client.post(LOGIN, {"username": "curator", "password": PASSWORD, **fields})


@pytest.mark.usefixtures("otp_required", "enrolled")
def test_the_right_password_without_a_code_does_not_sign_in(client):
    response = sign_in(client)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


@pytest.mark.usefixtures("otp_required")
def test_the_right_password_and_a_current_code_open_the_admin(client, enrolled):
    response = sign_in(client, otp_token=current_code(enrolled))
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/resources/study/").status_code == 200


@pytest.mark.usefixtures("otp_required", "enrolled")
def test_a_wrong_code_does_not_sign_in(client):
    response = sign_in(client, otp_token="000000")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.usefixtures("otp_required", "enrolled")
def test_a_session_signed_in_with_a_password_only_cannot_reach_admin_pages(curator_client):
    for path in ["/admin/", "/admin/resources/study/", "/admin/resources/study/add/"]:
        response = curator_client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/admin/login/")


@pytest.mark.usefixtures("otp_required")
def test_the_login_page_asks_for_the_code(client):
    assert b'name="otp_token"' in client.get("/admin/login/").content


def test_without_the_requirement_a_password_is_enough(client, curator):
    assert sign_in(client).status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(("debug", "required"), [("0", "True"), ("1", "False")])
def test_the_requirement_is_on_exactly_when_debug_is_off(debug, required):
    script = "from django.conf import settings; print(settings.ADMIN_REQUIRES_OTP)"
    result = manage("shell", "--no-imports", "-c", script, **production(DJANGO_DEBUG=debug))
    assert result.stdout.split() == [required], result.stderr


def test_enrol_totp_creates_a_confirmed_device_and_prints_its_address(curator, capsys):
    call_command("enrol_totp", "curator")
    output = capsys.readouterr().out

    device = TOTPDevice.objects.get(user=curator)
    assert device.confirmed
    address = next(word for word in output.split() if word.startswith("otpauth://"))
    assert address == device.config_url
    secret = parse_qs(urlsplit(address).query)["secret"][0]
    assert f"secret:  {secret}" in output
    assert b32decode(secret) == device.bin_key


def test_the_printed_secret_makes_codes_the_admin_accepts(client, curator, capsys, settings):
    settings.ADMIN_REQUIRES_OTP = True
    call_command("enrol_totp", "curator")
    secret = capsys.readouterr().out.split("secret:")[1].split()[0]
    code = f"{totp(b32decode(secret)):06d}"  # what the authenticator app shows
    assert sign_in(client, otp_token=code).status_code == 302


def test_enrol_totp_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user is called 'nobody'"):
        call_command("enrol_totp", "nobody")


def test_enrol_totp_keeps_an_existing_device_unless_told_to_replace_it(enrolled):
    with pytest.raises(CommandError, match="--replace"):
        call_command("enrol_totp", "curator")
    call_command("enrol_totp", "curator", "--replace")
    new = TOTPDevice.objects.get(user=enrolled.user)
    assert new.pk != enrolled.pk


def test_enrol_totp_warns_when_the_user_cannot_use_the_admin(capsys):
    UserFactory(username="reader")
    call_command("enrol_totp", "reader")
    assert "not staff" in capsys.readouterr().err
