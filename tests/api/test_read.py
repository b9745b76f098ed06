"""Reading the library through /api/v1/: what integrations see, and what they never see."""

import re

import pytest

from resources import search
from resources.api import serializers as api_serializers
from resources.models import EditorialStatus
from resources.rating import refresh_rating
from tests.factories import (
    FindingFactory,
    InterventionFactory,
    InterventionStudyFactory,
    OutcomeFactory,
    RecommendationEvidenceFactory,
    RecommendationFactory,
    StudyAuthorFactory,
    StudyFactory,
    StudyReferenceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

DRAFT = EditorialStatus.DRAFT


def test_the_root_links_to_every_collection(api):
    body = api.get("/api/v1/").json()
    assert set(body) == {
        "studies",
        "interventions",
        "recommendations",
        "topics",
        "revisions",
        "changes",
        "data_package",
    }
    assert body["studies"] == "http://testserver/api/v1/studies/"


def test_a_study_is_read_by_slug_with_its_authors_outcomes_findings_and_appraisal(api):
    study = StudyFactory(appraised=True, slug="reverse-mentoring", doi="10.1111/medu.70055")
    StudyAuthorFactory(study=study, position=1, family_name="Ahmed", given_names="S")
    OutcomeFactory(study=study, p_value="0.010")
    FindingFactory(study=study)

    body = api.get("/api/v1/studies/reverse-mentoring/").json()

    assert body["url"] == "http://testserver/api/v1/studies/reverse-mentoring/"
    assert body["html_url"] == "http://testserver/studies/reverse-mentoring/"
    assert body["authors"] == [
        {"position": 1, "family_name": "Ahmed", "given_names": "S", "literal_name": ""}
    ]
    assert body["outcomes"][0]["kirkpatrick_level"] == "2a"
    assert body["outcomes"][0]["p_value"] == "0.010000"
    assert body["findings"][0]["confidence"] == "moderate"
    assert body["appraisal_status"] == "appraised"
    assert body["risk_of_bias"] == "low"
    assert body["doi_url"] == "https://doi.org/10.1111/medu.70055"


def test_a_study_links_to_its_interventions_recommendations_and_references(api):
    study = StudyFactory(slug="citing")
    StudyReferenceFactory(citing=study, cited=StudyFactory(slug="cited"), numbers="5")
    InterventionStudyFactory(study=study, intervention__slug="mentoring")
    RecommendationEvidenceFactory(study=study, recommendation__slug="offer-it")

    body = api.get("/api/v1/studies/citing/").json()

    assert body["references"][0]["study"]["url"] == "http://testserver/api/v1/studies/cited/"
    assert body["references"][0]["numbers"] == "5"
    assert body["interventions"][0]["intervention"]["slug"] == "mentoring"
    assert body["recommendations"][0]["recommendation"]["slug"] == "offer-it"
    cited = api.get("/api/v1/studies/cited/").json()
    assert [link["study"]["slug"] for link in cited["cited_by"]] == ["citing"]


def test_a_listed_study_is_a_summary_of_the_record_at_its_url(api):
    study = StudyFactory(slug="citing")
    StudyReferenceFactory(citing=study, cited=StudyFactory(slug="cited"))
    StudyAuthorFactory(study=study, family_name="Okafor")
    OutcomeFactory(study=study)
    InterventionStudyFactory(study=study, intervention__slug="mentoring")

    listed = {row["slug"]: row for row in api.get("/api/v1/studies/").json()["results"]}
    row = listed["citing"]
    record = api.get(row["url"]).json()

    assert row["url"] == "http://testserver/api/v1/studies/citing/"
    assert row == {name: record[name] for name in row}  # the record's own values
    assert {"title", "authors", "year", "design", "appraisal_status", "topics"} <= set(row)
    left_to_the_record = {"abstract", "outcomes", "findings", "interventions", "references"}
    assert not left_to_the_record & set(row) and "cited_by" not in listed["cited"]
    assert "versions" not in row and row["version"] == record["version"]


def test_an_intervention_shows_its_rating_with_reasons_and_links_its_studies(api):
    link = InterventionStudyFactory(intervention__slug="reverse-mentoring")
    OutcomeFactory(study=link.study, kirkpatrick_level="2a")  # names the practice
    refresh_rating(link.intervention)

    body = api.get("/api/v1/interventions/reverse-mentoring/").json()
    studies = api.get(body["studies_url"]).json()

    # one appraised qualitative study: starts Low, participant numbers not reported
    assert body["rating"] == "very_low"
    (row,) = body["evidence_profile"]["effectiveness"]
    assert (row["level"], row["certainty"]) == ("2a", "very_low")
    assert row["downgrades"][0]["domain"] == "Imprecision"
    assert row["downgrades"][0]["studies"][0]["slug"] == link.study.slug
    assert body["computed_rating_reasons"][0].startswith("Certainty of an effect")
    assert studies["results"][0]["link_type"] == "evaluated"
    assert (
        body["studies_url"] == "http://testserver/api/v1/interventions/reverse-mentoring/studies/"
    )
    assert studies["count"] == 1
    assert studies["results"][0]["study"]["slug"] == link.study.slug
    assert studies["results"][0]["what_it_found"] == link.what_it_found


def test_an_interventions_studies_are_paged_newest_first(api):
    intervention = InterventionFactory(slug="practice")
    for year in (2019, 2023, 2021):
        InterventionStudyFactory(intervention=intervention, study__year=year)

    first = api.get("/api/v1/interventions/practice/studies/", {"page_size": 2}).json()
    second = api.get(first["next"]).json()

    assert first["count"] == 3
    assert [link["study"]["year"] for link in first["results"] + second["results"]] == [
        2023,
        2021,
        2019,
    ]


def test_a_draft_interventions_studies_are_not_found(api):
    InterventionStudyFactory(intervention__slug="hidden", intervention__status=DRAFT)

    assert api.get("/api/v1/interventions/hidden/studies/").status_code == 404


def test_an_intervention_counts_its_studies_by_design_alike_in_the_list_and_alone(api):
    intervention = InterventionFactory(slug="practice")
    for study in [
        StudyFactory(design="qualitative", appraised=True),
        StudyFactory(design="qualitative"),
        StudyFactory(design="cohort"),
        StudyFactory(design="cohort", status=DRAFT, appraised=True),
    ]:
        InterventionStudyFactory(intervention=intervention, study=study)
    refresh_rating(intervention)  # as every change to its studies does

    listed = api.get("/api/v1/interventions/").json()["results"][0]
    record = api.get("/api/v1/interventions/practice/").json()

    assert (
        listed["evidence"]
        == record["evidence"]
        == {
            "studies": 3,
            "appraised": 1,
            "designs": [
                {"design": "cohort", "studies": 1, "appraised": 0},
                {"design": "qualitative", "studies": 2, "appraised": 1},
            ],
        }
    )
    assert api.get(record["studies_url"]).json()["count"] == 3


def test_the_recommendation_list_counts_published_evidence_without_listing_it(api):
    recommendation = RecommendationFactory(slug="advice")
    RecommendationEvidenceFactory(recommendation=recommendation)
    RecommendationEvidenceFactory(recommendation=recommendation, relation="contradicts")
    RecommendationEvidenceFactory(recommendation=recommendation, study__status=DRAFT)
    RecommendationFactory(slug="unsupported")

    listed = {row["slug"]: row for row in api.get("/api/v1/recommendations/").json()["results"]}
    record = api.get("/api/v1/recommendations/advice/").json()

    assert "evidence" not in listed["advice"]
    assert listed["advice"]["evidence_count"] == len(record["evidence"]) == 2
    assert listed["unsupported"]["evidence_count"] == 0


def test_a_recommendation_shows_its_evidence(api):
    evidence = RecommendationEvidenceFactory(recommendation__slug="offer-mentoring")
    body = api.get("/api/v1/recommendations/offer-mentoring/").json()
    assert body["evidence"] == [
        {
            "study": {
                "url": f"http://testserver/api/v1/studies/{evidence.study.slug}/",
                "slug": evidence.study.slug,
                "title": evidence.study.title,
                "year": 2023,
            },
            "relation": "supports",
            "note": "",
        }
    ]


def test_topics_are_listed(api):
    TopicFactory(slug="mentorship", name="Mentorship")
    body = api.get("/api/v1/topics/").json()
    assert [topic["slug"] for topic in body["results"]] == ["mentorship"]


def test_lists_take_the_websites_filters(api):
    mentorship = TopicFactory(slug="mentorship")
    wanted = StudyFactory(year=2020, design="qualitative")
    wanted.topics.add(mentorship)
    StudyFactory(year=2020, design="cohort").topics.add(mentorship)
    StudyFactory(year=2010, design="qualitative").topics.add(mentorship)

    body = api.get(
        "/api/v1/studies/", {"topic": "mentorship", "design": "qualitative", "year_min": 2015}
    ).json()

    assert [study["slug"] for study in body["results"]] == [wanted.slug]


def test_q_searches(api):
    StudyFactory(title="Reverse mentoring of senior staff", slug="reverse")
    StudyFactory(title="Curriculum advocacy")
    search.reindex_all()
    body = api.get("/api/v1/studies/", {"q": "mentoring"}).json()
    assert [study["slug"] for study in body["results"]] == ["reverse"]


def test_sort_orders_by_a_named_field(api):
    StudyFactory(slug="old", year=2001)
    StudyFactory(slug="new", year=2021)
    body = api.get("/api/v1/studies/", {"sort": "year"}).json()
    assert [study["slug"] for study in body["results"]] == ["old", "new"]
    body = api.get("/api/v1/studies/", {"sort": "-year"}).json()
    assert [study["slug"] for study in body["results"]] == ["new", "old"]


def test_pages_hold_25_by_default_and_page_size_up_to_100(api):
    TopicFactory.create_batch(30)
    first = api.get("/api/v1/topics/").json()
    assert (first["count"], len(first["results"])) == (30, 25)
    assert first["next"] == "http://testserver/api/v1/topics/?page=2"
    assert len(api.get("/api/v1/topics/", {"page_size": 100}).json()["results"]) == 30


# Drafts never leak -------------------------------------------------------------------


def test_a_draft_study_is_not_listed_counted_searched_or_filtered(api):
    topic = TopicFactory(slug="mentorship")
    StudyFactory(title="Published mentoring study").topics.add(topic)
    StudyFactory(title="Draft mentoring study", status=DRAFT).topics.add(topic)
    search.reindex_all()

    for params in ({}, {"q": "mentoring"}, {"topic": "mentorship"}, {"design": "qualitative"}):
        body = api.get("/api/v1/studies/", params).json()
        assert body["count"] == 1, params
        assert [s["title"] for s in body["results"]] == ["Published mentoring study"], params


def test_a_draft_is_a_404_in_every_collection(api):
    StudyFactory(slug="s", status=DRAFT)
    InterventionFactory(slug="i", status=DRAFT)
    RecommendationFactory(slug="r", status=DRAFT)
    TopicFactory(slug="t", status=DRAFT)
    for path in ("studies/s", "interventions/i", "recommendations/r", "topics/t"):
        response = api.get(f"/api/v1/{path}/")
        assert response.status_code == 404, path
        assert response.json()["errors"]["detail"], path


def test_drafts_linked_to_a_published_record_are_left_out(api):
    study = StudyFactory(slug="public")
    study.topics.add(TopicFactory(slug="draft-topic", status=DRAFT))
    StudyReferenceFactory(citing=study, cited__status=DRAFT)
    StudyReferenceFactory(cited=study, citing__status=DRAFT)
    InterventionStudyFactory(study=study, intervention__status=DRAFT)
    RecommendationEvidenceFactory(study=study, recommendation__status=DRAFT)

    body = api.get("/api/v1/studies/public/").json()

    assert body["topics"] == []
    assert body["references"] == body["cited_by"] == []
    assert body["interventions"] == body["recommendations"] == []


def test_an_intervention_and_a_recommendation_leave_out_draft_studies(api):
    intervention = InterventionFactory(slug="practice")
    InterventionStudyFactory(intervention=intervention, study__status=DRAFT)
    recommendation = RecommendationFactory(slug="advice")
    recommendation.interventions.add(InterventionFactory(status=DRAFT))
    RecommendationEvidenceFactory(recommendation=recommendation, study__status=DRAFT)

    assert api.get("/api/v1/interventions/practice/studies/").json()["results"] == []
    body = api.get("/api/v1/recommendations/advice/").json()
    assert body["evidence"] == body["interventions"] == []


# Schema and docs ----------------------------------------------------------------------


def test_the_schema_is_openapi_3(api):
    response = api.get("/api/v1/schema/", {"format": "json"})
    assert response.json()["openapi"].startswith("3.")


def test_schema_descriptions_come_from_each_records_serializer_not_the_apis_base_classes(api):
    components = api.get("/api/v1/schema/", {"format": "json"}).json()["components"]["schemas"]
    descriptions = {schema.get("description", "") for schema in components.values()}
    base_notes = {api_serializers.ModelRulesSerializer.__doc__.split("\n")[0]}
    assert not any(note in description for note in base_notes for description in descriptions)
    assert components["StudyList"]["description"].startswith("A page of studies")


def test_the_schema_documents_a_listed_study_as_a_summary_of_its_record(api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    page = schema["paths"]["/api/v1/studies/"]["get"]["responses"]["200"]["content"]
    assert page["application/json"]["schema"]["$ref"].endswith("/PaginatedStudyListList")
    listed, record = (
        set(components["StudyList"]["properties"]),
        set(components["Study"]["properties"]),
    )
    assert listed < record
    assert {"abstract", "outcomes", "findings", "references", "versions"} <= record - listed
    assert listed == set(api_serializers.StudyListSerializer.Meta.fields)


def test_the_docs_use_only_the_apps_own_assets_and_no_inline_script(api):
    html = api.get("/api/v1/docs/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/") for source in sources), sources
    assert "<script>" not in html  # the page's Content-Security-Policy forbids inline scripts
    for source in sources:
        assert api.get(source).status_code == 200, source


def test_a_much_cited_study_gives_its_twenty_newest_citers_their_number_and_a_link_to_all(api):
    classic = StudyFactory(slug="classic")
    for year in range(2000, 2025):
        StudyReferenceFactory(cited=classic, citing__year=year, citing__slug=f"citing-{year}")
    StudyReferenceFactory(cited=classic, citing__status="draft")

    body = api.get("/api/v1/studies/classic/").json()

    assert [link["study"]["slug"] for link in body["cited_by"]] == [
        f"citing-{year}" for year in range(2024, 2004, -1)
    ]
    assert body["cited_by_count"] == 25
    assert body["cited_by_url"] == "http://testserver/api/v1/studies/?cites=classic"
    every_citer = api.get(body["cited_by_url"]).json()
    assert every_citer["count"] == 25
    assert "classic" not in {row["slug"] for row in every_citer["results"]}


def test_a_records_own_url_is_that_record_whatever_list_filters_it_is_given(api):
    StudyFactory(slug="qualitative-one", design="qualitative")
    response = api.get("/api/v1/studies/qualitative-one/", {"design": "rct"})
    assert response.status_code == 200
    assert response.json()["slug"] == "qualitative-one"


def test_each_read_sees_the_record_as_it_is_now(api):
    study = StudyFactory(slug="s", title="First title")
    assert api.get("/api/v1/studies/s/").json()["title"] == "First title"
    study.title = "Second title"
    study.save()
    StudyAuthorFactory(study=study, family_name="Okafor")
    record = api.get("/api/v1/studies/s/").json()
    assert record["title"] == "Second title"
    assert "Okafor" in [author["family_name"] for author in record["authors"]]
    listed = api.get("/api/v1/studies/").json()["results"]
    assert [row["title"] for row in listed] == ["Second title"]
