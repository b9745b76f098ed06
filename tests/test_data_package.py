"""The open data package: valid Frictionless, only published records, built after publishing."""

import csv
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from frictionless import Package

from resources import datapackage
from resources.models import (
    EditorialStatus,
    Finding,
    Intervention,
    InterventionStudy,
    Outcome,
    Recommendation,
    RecommendationEvidence,
    Study,
    StudyAuthor,
    StudyReference,
    Topic,
)
from tests.factories import (
    FindingFactory,
    InterventionStudyFactory,
    OutcomeFactory,
    RecommendationEvidenceFactory,
    StudyAuthorFactory,
    StudyFactory,
    StudyReferenceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def package_root(settings, tmp_path):
    settings.DATA_PACKAGE_ROOT = tmp_path / "data-package"
    return settings.DATA_PACKAGE_ROOT


def rows(root, name) -> list[dict]:
    with open(root / f"{name}.csv", newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


@pytest.fixture
def seeded():
    call_command("load_seed", verbosity=0)


def test_the_seed_library_builds_a_valid_package_with_a_row_per_published_record(
    seeded, package_root
):
    call_command("build_data_package", verbosity=0)
    report = Package(str(package_root / datapackage.DESCRIPTOR)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    published = {
        "studies": Study.objects.published(),
        "interventions": Intervention.objects.published(),
        "recommendations": Recommendation.objects.published(),
        "topics": Topic.objects.published(),
        "authors": StudyAuthor.objects.filter(study__status=EditorialStatus.PUBLISHED),
        "outcomes": Outcome.objects.filter(study__status=EditorialStatus.PUBLISHED),
        "findings": Finding.objects.filter(study__status=EditorialStatus.PUBLISHED),
        "intervention_studies": InterventionStudy.objects.filter(
            study__status=EditorialStatus.PUBLISHED,
            intervention__status=EditorialStatus.PUBLISHED,
        ),
        "recommendation_evidence": RecommendationEvidence.objects.filter(
            study__status=EditorialStatus.PUBLISHED,
            recommendation__status=EditorialStatus.PUBLISHED,
        ),
        "study_references": StudyReference.objects.filter(
            citing__status=EditorialStatus.PUBLISHED, cited__status=EditorialStatus.PUBLISHED
        ),
    }
    for name, records in published.items():
        assert records.count(), f"the seed library has {name}"
        assert len(rows(package_root, name)) == records.count(), name


def test_drafts_and_links_to_drafts_stay_out(package_root):
    study = StudyFactory(slug="public-study")
    draft = StudyFactory(slug="draft-study", status=EditorialStatus.DRAFT)
    StudyAuthorFactory(study=draft, family_name="Hidden")
    StudyReferenceFactory(citing=study, cited=draft)
    link = InterventionStudyFactory(study=study)
    InterventionStudyFactory(intervention=link.intervention, study=draft)
    RecommendationEvidenceFactory(study=draft)  # its recommendation rests on a draft alone

    datapackage.build()

    assert [row["slug"] for row in rows(package_root, "studies")] == ["public-study"]
    assert rows(package_root, "authors") == []
    assert rows(package_root, "study_references") == []
    assert [row["study"] for row in rows(package_root, "intervention_studies")] == ["public-study"]
    assert rows(package_root, "recommendation_evidence") == []
    assert Package(str(package_root / datapackage.DESCRIPTOR)).validate().valid


def test_rows_name_each_other_by_slug_and_the_json_file_holds_the_same(package_root):
    study = StudyFactory(slug="wyatt-2023", year=2023, doi="10.1111/medu.70055")
    StudyAuthorFactory(study=study, position=1, family_name="Wyatt", given_names="Tasha R.")
    OutcomeFactory(study=study, position=1, p_value="0.001")
    FindingFactory(study=study, position=1)
    topic = TopicFactory(slug="collective-identity")
    study.topics.add(topic)

    package = datapackage.build()

    assert rows(package_root, "authors") == [
        {"study": "wyatt-2023", "position": "1", "family_name": "Wyatt",
         "given_names": "Tasha R.", "literal_name": ""}
    ]  # fmt: skip
    assert rows(package_root, "outcomes")[0]["p_value"] == "0.001"
    assert rows(package_root, "study_topics") == [
        {"study": "wyatt-2023", "topic": "collective-identity"}
    ]
    everything = json.loads((package_root / datapackage.JSON_FILE).read_text())
    assert everything["version"] == package["version"]
    assert everything["tables"]["studies"][0]["doi"] == "10.1111/medu.70055"
    assert everything["tables"]["authors"][0]["position"] == 1
    assert Package(str(package_root / datapackage.DESCRIPTOR)).validate().valid


def test_schemas_come_from_the_models():
    resources = {resource["name"]: resource for resource in datapackage.data_dictionary()}
    studies = {field["name"]: field for field in resources["studies"]["schema"]["fields"]}
    assert studies["doi"]["description"] == Study._meta.get_field("doi").help_text
    assert studies["year"]["type"] == "integer"
    assert studies["is_open_access"]["type"] == "boolean"
    assert studies["design"]["constraints"]["enum"][:2] == ["systematic_review", "randomised_trial"]
    assert "abstract" not in studies and "status" not in studies
    assert resources["studies"]["schema"]["primaryKey"] == ["slug"]
    outcomes = resources["outcomes"]["schema"]
    assert outcomes["primaryKey"] == ["study", "position"]
    assert {
        "fields": ["study"],
        "reference": {"resource": "studies", "fields": ["slug"]},
    } in outcomes["foreignKeys"]


def test_the_page_describes_every_file_and_serves_them(visitor, package_root):
    StudyFactory(slug="public-study")
    response = visitor.get(reverse("resources:data"))
    assert response.status_code == 200
    assert b"has not been built yet" in response.content
    assert visitor.get(reverse("resources:data-file", args=["studies.csv"])).status_code == 404

    package = datapackage.build()
    response = visitor.get(reverse("resources:data"))
    for name in datapackage.file_names():
        assert name.encode() in response.content
    assert package["version"].encode() in response.content
    assert b"Creative Commons Attribution 4.0" in response.content
    served = visitor.get(reverse("resources:data-file", args=["studies.csv"]))
    assert served["Content-Type"] == "text/csv; charset=utf-8"
    assert b"public-study" in b"".join(served.streaming_content)
    assert visitor.get("/data/..%2Fsettings.py").status_code == 404
    assert visitor.get(reverse("resources:data-file", args=["secrets.csv"])).status_code == 404


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


# The worker closes its connections between tasks, which would end a wrapping transaction
# on PostgreSQL: this test commits. Earlier committing tests flush the groups the
# migrations made, so an administrator publishes.
@pytest.mark.django_db(transaction=True)
def test_publishing_rebuilds_the_package_in_the_background(
    admin_user, package_root, django_capture_on_commit_callbacks
):
    from resources import workflow

    study = StudyFactory(slug="new-study", status=EditorialStatus.IN_REVIEW, published_at=None)
    datapackage.build()
    assert rows(package_root, "studies") == []

    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(study, EditorialStatus.PUBLISHED, admin_user)
    assert rows(package_root, "studies") == [], "the page waits for the worker, not the editor"

    run_worker()
    assert [row["slug"] for row in rows(package_root, "studies")] == ["new-study"]
