"""The studies list and a full study page pass axe-core's WCAG 2.2 AA checks."""

from datetime import date

import pytest

from tests.browser.conftest import axe_violations, save_screenshots
from tests.factories import (
    FindingFactory,
    InterventionStudyFactory,
    OutcomeFactory,
    RecommendationEvidenceFactory,
    StudyAuthorFactory,
    StudyFactory,
    StudyReferenceFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def full_study():
    study = StudyFactory(
        appraised=True,
        slug="wyatt-2023",
        title="Trainees push back against racism in training",
        publication_date=date(2023, 5, 2),
        journal="Medical Education",
        volume="57",
        issue="4",
        pages="345-352",
        doi="10.1111/medu.70055",
        design="mixed_methods",
        abstract="How trainees organise to push back against racism in training.",
        appraisal_score=8,
        appraisal_score_max=10,
        risk_of_bias_notes="Groups were formed without a stated method.",
    )
    StudyAuthorFactory(study=study, position=1, family_name="Wyatt", given_names="Tasha R.")
    StudyAuthorFactory(study=study, position=2, family_name="Scarlett", given_names="Eve")
    OutcomeFactory(study=study, intervention_n=40, comparison_n=38, p_value="0.01")
    OutcomeFactory(
        study=study,
        measure="Reported confidence in speaking up",
        kirkpatrick_level="3",
        intervention_value="3.8",
        comparison_value="3.1",
        unit="points",
    )
    FindingFactory(study=study, confidence_explanation="Consistent across sites.")
    InterventionStudyFactory(study=study)
    RecommendationEvidenceFactory(study=study)
    StudyReferenceFactory(citing=study, numbers="5")
    StudyReferenceFactory(cited=study)
    study.risk_of_bias_domains.create(
        domain="selection", judgement="high", support="Groups were formed without a stated method."
    )
    study.risk_of_bias_domains.create(domain="missing_data", judgement="unclear")
    return study


def test_studies_list_passes_axe(site, full_study):
    StudyFactory(title="Catalogued from a reference list")
    site.goto("/studies/")
    assert axe_violations(site.page) == []
    save_screenshots(site.page, "studies-list")


def test_study_page_passes_axe(site, full_study):
    site.goto(full_study.get_absolute_url())
    site.page.locator("figure.outcome-chart").wait_for()
    domains = site.page.locator("section.trust table.bias-domains")
    assert domains.locator("tbody tr").count() == 2
    assert axe_violations(site.page) == []
    save_screenshots(site.page, "study-detail")
