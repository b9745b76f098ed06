"""A study's risk of bias by domain, read and written through the API like its other rows."""

import pytest

from resources.models import Study
from tests.factories import StudyFactory

pytestmark = pytest.mark.django_db


def test_the_api_reads_and_writes_the_domains(api, curator_api):
    study = StudyFactory(slug="shahzad", status="draft")
    url = "/api/v1/studies/shahzad/"
    rows = [
        {"domain": "selection", "judgement": "high", "support": "Groups differed at baseline."},
        {"domain": "measurement", "judgement": "some_concerns", "support": ""},
    ]

    written = curator_api.patch(url, {"risk_of_bias_domains": rows}, format="json")
    Study.objects.filter(pk=study.pk).update(status="published")

    assert written.status_code == 200, written.json()
    assert api.get(url).json()["risk_of_bias_domains"] == rows


def patch_domains(client, rows):
    StudyFactory(slug="shahzad", status="draft")
    response = client.patch(
        "/api/v1/studies/shahzad/", {"risk_of_bias_domains": rows}, format="json"
    )
    assert response.status_code == 400
    return response.json()["errors"]["risk_of_bias_domains"]


def test_the_api_refuses_a_domain_judged_twice(curator_api):
    rows = [
        {"domain": "selection", "judgement": "high"},
        {"domain": "selection", "judgement": "low"},
    ]
    errors = patch_domains(curator_api, rows)
    assert errors[1]["domain"] == ["Another row already has this domain."]


def test_the_api_refuses_an_unknown_judgement(curator_api):
    errors = patch_domains(curator_api, [{"domain": "selection", "judgement": "dreadful"}])
    assert "not a valid choice" in errors["0"]["judgement"][0]
