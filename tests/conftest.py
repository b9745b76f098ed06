import pytest

from tests.factories import UserFactory


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
