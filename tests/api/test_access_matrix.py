"""Every API route, every persona, every method: the status each gets, written down.

Why each answer is what it is:
- Reading (GET, HEAD, OPTIONS) is open to everyone: the API shows published records only.
- A method a route never offers (DELETE anywhere, since deleting a record stays with
  superusers in the admin; PUT/PATCH on a list; POST on a record; any write on the root,
  the schema or the docs) is 405 with an `Allow` header, *whoever asks*. A 401 or 403
  would tell a script that other credentials could make it work, which they never can;
  and the route's methods are public anyway (the schema and OPTIONS list them).
- A method the route offers needs credentials (401 without, with `WWW-Authenticate:
  Token`), a writable token (a read-only one is 403) and the admin's model permission
  (`add_<model>` to create, `change_<model>` to change; a staff user without it is 403).
- Publishing or unpublishing also needs `publish_<model>`: a curator's token is 403, an
  editor's token publishes a record that is ready (200).
- A curator's change to a published record waits for an editor: 202, with the revision.
- Revisions are curators' and editors' business: reading them needs a token of one of
  them; publishing or rejecting one is an editor's (a curator's token is 403).
"""

import itertools
import json

import pytest
from django.core.cache import caches
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from resources import revisions
from resources.models import ApiToken, EditorialStatus
from tests.factories import (
    InterventionFactory,
    InterventionStudyFactory,
    RecommendationEvidenceFactory,
    RecommendationFactory,
    StudyFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ANONYMOUS, READ_ONLY, CURATOR, EDITOR, NO_PERMISSION = PERSONAS = (
    "anonymous",
    "read-only token",
    "curator token",
    "editor token",
    "staff token without permission",
)
METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")
# PATCH {"status": "published"} on a draft that is ready to publish
PUBLISH = "PATCH status=published"
COLLECTIONS = ("study", "intervention", "recommendation", "topic")


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONAS, status)


READ = everyone(200)
NOT_OFFERED = everyone(405)


def write(success: int) -> dict[str, int]:
    """A method the route offers: credentials, a writable token, the model permission."""
    return {
        ANONYMOUS: 401,
        READ_ONLY: 403,
        NO_PERMISSION: 403,
        CURATOR: success,
        EDITOR: success,
    }


READ_ONLY_ROUTE = {
    "GET": READ,
    "HEAD": READ,
    "OPTIONS": READ,
    "POST": NOT_OFFERED,
    "PUT": NOT_OFFERED,
    "PATCH": NOT_OFFERED,
    "DELETE": NOT_OFFERED,
}
LIST_ROUTE = {**READ_ONLY_ROUTE, "POST": write(201)}
DETAIL_ROUTE = {
    **READ_ONLY_ROUTE,
    "PUT": {**write(200), CURATOR: 202},
    "PATCH": {**write(200), CURATOR: 202},
    PUBLISH: {**write(200), CURATOR: 403},
}
# Revisions are staff business: who asks is checked before what is asked, so a stranger
# learns nothing about the routes, not even which methods they offer.
STAFF_READ = {ANONYMOUS: 401, READ_ONLY: 200, NO_PERMISSION: 403, CURATOR: 200, EDITOR: 200}
STAFF_NOT_OFFERED = {ANONYMOUS: 401, READ_ONLY: 403, NO_PERMISSION: 403, CURATOR: 405, EDITOR: 405}
STAFF_SAFE_NOT_OFFERED = {**STAFF_NOT_OFFERED, READ_ONLY: 405}
REVISION_READ_ROUTE = {
    **dict.fromkeys(METHODS, STAFF_NOT_OFFERED),
    "GET": STAFF_READ,
    "HEAD": STAFF_READ,
    "OPTIONS": STAFF_READ,
}
REVIEW_ROUTE = {
    **dict.fromkeys(METHODS, STAFF_NOT_OFFERED),
    "GET": STAFF_SAFE_NOT_OFFERED,
    "HEAD": STAFF_SAFE_NOT_OFFERED,
    "OPTIONS": STAFF_READ,
    "POST": {**STAFF_NOT_OFFERED, CURATOR: 403, EDITOR: 200},
}

EXPECTED = {
    "api:api-root": READ_ONLY_ROUTE,
    "api:schema": READ_ONLY_ROUTE,
    "api:docs": READ_ONLY_ROUTE,
    **{f"api:{name}-list": LIST_ROUTE for name in COLLECTIONS},
    **{f"api:{name}-detail": DETAIL_ROUTE for name in COLLECTIONS},
    "api:intervention-studies": READ_ONLY_ROUTE,
    "api:change-list": READ_ONLY_ROUTE,
    "api:revision-list": REVISION_READ_ROUTE,
    "api:revision-detail": REVISION_READ_ROUTE,
    "api:revision-publish": REVIEW_ROUTE,
    "api:revision-reject": REVIEW_ROUTE,
}


def api_route_names() -> set[str]:
    """Every named route under the `api` namespace, as the URL resolver knows them."""

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name and namespace == "api":
                yield f"{namespace}:{pattern.name}"

    return set(walk(get_resolver().url_patterns, ""))


# Request bodies: valid, so that only access control decides the answer ---------------

_counter = itertools.count(1)


def new_body(collection: str) -> dict:
    """A valid new record, with a slug no other request has used."""
    n = next(_counter)
    return {
        "study": {"title": f"A new study {n}", "slug": f"new-study-{n}", "year": 2024},
        "intervention": {
            "name": f"A new practice {n}",
            "slug": f"new-practice-{n}",
            "intervention_type": "mentoring",
            "summary": "Students mentor staff.",
        },
        "recommendation": {
            "title": f"A new recommendation {n}",
            "slug": f"new-recommendation-{n}",
            "statement": "Offer it.",
            "rationale": "Studies report it helps.",
            "audience": "educators",
            "strength": "conditional",
            "certainty": "very_low",
        },
        "topic": {"name": f"A new topic {n}", "slug": f"new-topic-{n}"},
    }[collection]


def full_body(collection: str, slug: str) -> dict:
    """A whole record for PUT, keeping its slug."""
    return {**new_body(collection), "slug": slug}


PATCH_BODY = {
    "study": {"key_findings": "Changed findings."},
    "intervention": {"how_it_works": "Changed text."},
    "recommendation": {"rationale": "Changed rationale."},
    "topic": {"description": "Changed description."},
}


def ready_draft(collection: str) -> str:
    """A draft with everything publishing needs (a published study behind it); its slug."""
    draft = {"status": EditorialStatus.DRAFT, "published_at": None}
    if collection == "study":
        return StudyFactory(**draft).slug
    if collection == "topic":
        return TopicFactory(**draft).slug
    if collection == "intervention":
        return InterventionStudyFactory(intervention=InterventionFactory(**draft)).intervention.slug
    return RecommendationEvidenceFactory(
        recommendation=RecommendationFactory(**draft)
    ).recommendation.slug


# Personas ------------------------------------------------------------------------------


def token_client(user, read_only: bool) -> APIClient:
    _, key = ApiToken.issue(user, "matrix", read_only=read_only)
    client = APIClient(raise_request_exception=False)  # a 500 is a mismatch like any other
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def clients(curator, editor) -> dict[str, APIClient]:
    return {
        ANONYMOUS: APIClient(raise_request_exception=False),
        READ_ONLY: token_client(curator, read_only=True),
        CURATOR: token_client(curator, read_only=False),
        EDITOR: token_client(editor, read_only=False),
        NO_PERMISSION: token_client(UserFactory(is_staff=True), read_only=False),
    }


@pytest.fixture
def published():
    """One published record per collection, for the detail routes."""
    return {
        "study": StudyFactory(slug="a-study").slug,
        "intervention": InterventionFactory(slug="a-practice").slug,
        "recommendation": RecommendationFactory(slug="a-recommendation").slug,
        "topic": TopicFactory(slug="a-topic").slug,
    }


def request(client: APIClient, route: str, method: str, published: dict) -> int:
    collection, _, kind = route.removeprefix("api:").rpartition("-")
    if collection == "revision" and kind != "list":
        path = reverse(route, kwargs={"pk": pending_revision().pk})
    elif kind == "studies":
        path = reverse(route, kwargs={"slug": published[collection]})
    elif kind == "detail":
        slug = ready_draft(collection) if method == PUBLISH else published[collection]
        path = reverse(route, kwargs={"slug": slug})
    else:
        path = reverse(route)
    body = None
    if method == PUBLISH:
        method, body = "PATCH", {"status": "published"}
    elif method == "POST" and collection == "revision":
        body = {"note": "Checked against the study."}
    elif method == "POST" and kind == "list" and collection in COLLECTIONS:
        body = new_body(collection)
    elif collection not in COLLECTIONS:
        body = {}
    elif method == "PUT" and kind == "detail":
        body = full_body(collection, published[collection])
    elif method == "PATCH" and kind == "detail":
        body = PATCH_BODY[collection]
    caches["throttle"].clear()  # or the rate limits would count the whole matrix as one burst
    data = "" if body is None else json.dumps(body)
    return client.generic(method, path, data, content_type="application/json").status_code


def pending_revision():
    """A curator's change to a published topic, waiting for an editor: made afresh for each
    request, so that publishing or rejecting one leaves the next request its own."""
    topic = TopicFactory()
    data = revisions.snapshot(topic)
    data["fields"]["name"] = "A better name"
    return revisions.propose(topic, data, UserFactory(is_staff=True, groups=["curators"]))


def test_the_expected_table_covers_every_api_route():
    assert api_route_names() == set(EXPECTED)


def test_every_route_persona_and_method_gets_the_expected_status(clients, published):
    mismatches = []
    for route, methods in sorted(EXPECTED.items()):
        for method, by_persona in methods.items():
            for persona in PERSONAS:
                actual = request(clients[persona], route, method, published)
                if actual != by_persona[persona]:
                    mismatches.append((route, method, persona, by_persona[persona], actual))
    table = "\n".join(
        f"{route:<24} {method:<24} {persona:<32} expected {expected} got {actual}"
        for route, method, persona, expected, actual in mismatches
    )
    assert not mismatches, f"{len(mismatches)} mismatches:\n{table}"


def test_every_method_is_in_the_table():
    for route, methods in EXPECTED.items():
        assert set(METHODS) <= set(methods), route
        for by_persona in methods.values():
            assert set(by_persona) == set(PERSONAS), route


def test_a_method_not_offered_names_the_methods_that_are(api):
    StudyFactory(slug="a-study")
    response = api.delete("/api/v1/studies/a-study/")
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"GET", "PUT", "PATCH", "HEAD", "OPTIONS"}
