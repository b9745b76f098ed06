"""Bad input is a 400 (or, for a page past the end, a 404) in JSON that names the parameter."""

import pytest

from tests.factories import StudyFactory

pytestmark = pytest.mark.django_db

TOO_MANY = ",".join(f"slug-{n}" for n in range(21))
CASES = [
    # (path, query, status, parameter named in "errors")
    ("studies", "design=meta_analysis", 400, "design"),
    ("studies", "design=", 400, "design"),
    ("studies", "learner_level=residents", 400, "learner_level"),
    ("studies", "outcome_level=5", 400, "outcome_level"),
    ("studies", "outcome_level=2c", 400, "outcome_level"),
    ("studies", "appraised=maybe", 400, "appraised"),
    ("studies", "year_min=abc", 400, "year_min"),
    ("studies", "year_min=2020.5", 400, "year_min"),
    ("studies", "year_min=1799", 400, "year_min"),
    ("studies", "year_max=2101", 400, "year_max"),
    ("studies", "year_max=-1", 400, "year_max"),
    ("studies", "year_min=99999999999999999999999999", 400, "year_min"),
    ("studies", "year_max=1e3", 400, "year_max"),
    ("studies", f"topic={TOO_MANY}", 400, "topic"),
    ("studies", f"country={TOO_MANY}", 400, "country"),
    ("studies", "topic=mentorship,,curriculum", 400, "topic"),
    ("studies", "topic=not a slug", 400, "topic"),
    ("studies", f"intervention={TOO_MANY}", 400, "intervention"),
    ("studies", "&".join(["design=qualitative"] * 21), 400, "design"),
    ("studies", "sort=doi", 400, "sort"),
    ("studies", "sort=-status", 400, "sort"),
    ("studies", "sort=year,nonsense", 400, "sort"),
    ("studies", "q=" + "x" * 201, 400, "q"),
    ("studies", "q=%00", 400, "q"),
    ("studies", "journal=" + "j" * 301, 400, "journal"),
    ("studies", "page=0", 400, "page"),
    ("studies", "page=-1", 400, "page"),
    ("studies", "page=two", 400, "page"),
    ("studies", "page=1.5", 400, "page"),
    ("studies", "page=" + "9" * 30, 400, "page"),
    ("studies", "page=", 400, "page"),
    ("studies", "page_size=101", 400, "page_size"),
    ("studies", "page_size=0", 400, "page_size"),
    ("studies", "page_size=ten", 400, "page_size"),
    ("studies", "page_size=99999999999999999999", 400, "page_size"),
    ("studies", "page=2", 404, "detail"),
    ("studies", "page=999999", 404, "detail"),
    ("interventions", "type=workshop", 400, "type"),
    ("interventions", "setting=hospital", 400, "setting"),
    ("interventions", "rating=excellent", 400, "rating"),
    ("interventions", "learner_level=x", 400, "learner_level"),
    ("interventions", "outcome_level=9", 400, "outcome_level"),
    ("interventions", "sort=rating", 400, "sort"),
    ("interventions", f"topic={TOO_MANY}", 400, "topic"),
    ("interventions", "page_size=1000", 400, "page_size"),
    ("recommendations", "strength=weak", 400, "strength"),
    ("recommendations", "certainty=certain", 400, "certainty"),
    ("recommendations", "audience=patients", 400, "audience"),
    ("recommendations", f"intervention={TOO_MANY}", 400, "intervention"),
    ("recommendations", "page=abc", 400, "page"),
    ("topics", "q=" + "x" * 300, 400, "q"),
    ("topics", "page=3", 404, "detail"),
    ("topics", "page_size=-5", 400, "page_size"),
]


@pytest.mark.parametrize(("path", "query", "status", "parameter"), CASES)
def test_bad_input_is_answered_in_json_naming_the_parameter(api, path, query, status, parameter):
    StudyFactory()
    response = api.get(f"/api/v1/{path}/?{query}")
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    errors = response.json()["errors"]
    assert list(errors) == [parameter]
    assert all(isinstance(message, str) and message for message in errors[parameter])


def test_there_are_at_least_forty_cases():
    assert len(CASES) >= 40


@pytest.mark.parametrize(
    "path",
    ["studies/no-such-study/", "interventions/nothing/", "recommendations/x/", "topics/y/"],
)
def test_an_unknown_slug_is_a_404_in_json(api, path):
    response = api.get(f"/api/v1/{path}")
    assert response.status_code == 404
    assert response.json()["errors"]["detail"]


def test_a_write_with_an_integer_too_large_for_the_database_is_a_400(curator_api):
    response = curator_api.post(
        "/api/v1/studies/",
        {"title": "t", "slug": "t", "sample_size": 10**20, "year": 10**10},
        format="json",
    )
    assert response.status_code == 400
    assert {"sample_size", "year"} <= set(response.json()["errors"])


def test_a_write_with_a_malformed_date_is_a_400(curator_api):
    response = curator_api.post(
        "/api/v1/studies/",
        {"title": "t", "slug": "t", "publication_date": "2024-13-45"},
        format="json",
    )
    assert response.status_code == 400
    assert "publication_date" in response.json()["errors"]


def test_an_unknown_format_is_a_404_in_json(api):
    response = api.get("/api/v1/studies/?format=docx")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("query", ["q=a&q=b", "year_min=2000&year_min=2001", "page=1&page=2"])
def test_a_one_value_parameter_given_twice_is_a_400(api, query):
    name = query.split("=")[0]
    response = api.get(f"/api/v1/studies/?{query}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [name]


# Characters no database can store, bodies too deep or too large. ---------------------------

UNSTORABLE_ROUTES = [
    "/studies/?intervention=%00",
    "/studies/?topic=%00",
    "/studies/?cites=%00",
    "/recommendations/?intervention=%00",
    "/interventions/?topic=%00",
    "/search/?q=%00",
    "/studies/export/?format=ris&topic=%00",
    "/studies/%00/",
    "/topics/%00/",
    "/api/v1/studies/%00/",
    "/api/v1/topics/%00/",
    "/api/v1/interventions/%00/",
    "/api/v1/studies/?intervention=%00",
    "/api/v1/recommendations/?topic=%00",
    "/api/v1/studies/?%00=x",
]


@pytest.mark.parametrize("route", UNSTORABLE_ROUTES)
def test_a_nul_byte_in_an_address_is_a_400_or_404_never_a_500(client, route):
    StudyFactory()
    response = client.get(route)  # the test client raises on a 500
    assert response.status_code in (400, 404), route
    if route.startswith("/api/"):
        assert response["Content-Type"] == "application/json"


def test_a_nul_byte_in_a_filter_names_the_parameter(api):
    response = api.get("/api/v1/studies/?intervention=%00")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["intervention"]


def test_a_nul_byte_in_a_page_filter_is_a_400_page(client):
    response = client.get("/studies/?intervention=%00")
    assert response.status_code == 400
    assert "intervention" in response.content.decode()


def test_a_deeply_nested_json_body_is_a_400(curator_api):
    body = "[" * 100_000 + "]" * 100_000
    response = curator_api.generic("POST", "/api/v1/studies/", body, "application/json")
    assert response.status_code == 400
    assert "nested deeper" in str(response.json()["errors"])


def test_json_nested_past_the_limit_but_within_the_stack_is_a_400_too(curator_api):
    body = '{"title": ' + "[" * 40 + "]" * 40 + "}"
    response = curator_api.generic("POST", "/api/v1/studies/", body, "application/json")
    assert response.status_code == 400


def test_a_json_body_over_the_size_limit_is_a_400(curator_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"title": "' + "x" * 2000 + '", "slug": "big"}'
    response = curator_api.generic("POST", "/api/v1/studies/", body, "application/json")
    assert response.status_code == 400
    assert "larger than 1000 bytes" in str(response.json()["errors"])


# A filter naming a draft finds what a filter naming nothing finds. ---------------------------


@pytest.fixture
def drafts_linked_from_published():
    from resources.models import EditorialStatus
    from tests.factories import (
        InterventionFactory,
        InterventionStudyFactory,
        StudyReferenceFactory,
    )

    draft = {"status": EditorialStatus.DRAFT, "published_at": None}
    draft_study = StudyFactory(slug="draft-study", **draft)
    StudyReferenceFactory(citing=StudyFactory(slug="cites-a-draft"), cited=draft_study)
    draft_practice = InterventionFactory(slug="draft-practice", **draft)
    InterventionStudyFactory(intervention=draft_practice, study=StudyFactory(slug="tested-it"))


@pytest.mark.usefixtures("drafts_linked_from_published")
@pytest.mark.parametrize(
    ("path", "draft"),
    [
        ("/api/v1/studies/", "cites=draft-study"),
        ("/api/v1/studies/", "intervention=draft-practice"),
        ("/api/v1/recommendations/", "intervention=draft-practice"),
    ],
)
def test_an_api_filter_naming_a_draft_answers_as_one_naming_nothing(api, path, draft):
    name = draft.split("=")[0]
    unknown = api.get(f"{path}?{name}=no-such-record")
    named = api.get(f"{path}?{draft}")
    assert (named.status_code, named.json()) == (unknown.status_code, unknown.json())
    assert named.json()["count"] == 0


@pytest.mark.usefixtures("drafts_linked_from_published")
@pytest.mark.parametrize("draft", ["cites=draft-study", "intervention=draft-practice"])
def test_a_page_filter_naming_a_draft_shows_what_one_naming_nothing_shows(client, draft):
    name = draft.split("=")[0]
    unknown = client.get(f"/studies/?{name}=no-such-record")
    named = client.get(f"/studies/?{draft}")
    assert named.status_code == unknown.status_code == 200
    assert list(named.context["page"]) == list(unknown.context["page"]) == []
