"""The evidence rating rules: each rule fires for a case built to trigger it."""

import pytest

from resources.models import (
    AppraisalStatus,
    Direction,
    EditorialStatus,
    EvidenceRating,
    RiskOfBias,
    StudyDesign,
)
from resources.rating import RULES, rate, refresh_rating
from tests.factories import InterventionFactory, InterventionStudyFactory, StudyFactory


def link(
    design=StudyDesign.QUALITATIVE, risk=RiskOfBias.LOW, direction=Direction.IMPROVED, **study
):
    """An unsaved link to an appraised, published study: the rules need no database."""
    study = StudyFactory.build(appraised=True, design=design, risk_of_bias=risk, **study)
    return InterventionStudyFactory.build(study=study, direction=direction)


def test_no_links_means_not_enough_evidence():
    result = rate([])
    assert result.rating == EvidenceRating.INSUFFICIENT
    assert result.counted == 0


def test_unappraised_catalogue_entries_are_listed_but_not_counted():
    result = rate([link(appraisal_status=AppraisalStatus.NOT_APPRAISED)])
    assert result.rating == EvidenceRating.INSUFFICIENT
    assert "not yet appraised" in result.reasons[0]


def test_unpublished_studies_do_not_count():
    result = rate([link(status=EditorialStatus.DRAFT), link(), link()])
    assert result.counted == 2


def test_two_agreeing_low_risk_qualitative_studies_are_strong():
    result = rate([link(), link()])
    assert result.rating == EvidenceRating.STRONG
    assert result.reasons[0].startswith("2 appraised studies count;")
    assert result.reasons[-1] == "Result: Strong."


def test_qualitative_evidence_starts_as_high_as_a_randomised_trial():
    qualitative = rate([link(StudyDesign.QUALITATIVE), link(StudyDesign.QUALITATIVE)])
    trial = rate([link(StudyDesign.RANDOMISED_TRIAL), link(StudyDesign.RANDOMISED_TRIAL)])
    assert qualitative.rating == trial.rating == EvidenceRating.STRONG


def test_non_randomised_comparisons_start_at_limited():
    result = rate([link(StudyDesign.COHORT), link(StudyDesign.PRE_POST)])
    assert result.rating == EvidenceRating.LIMITED
    assert "starts the rating at Limited" in result.reasons[0]


def test_descriptive_designs_start_at_very_limited():
    result = rate([link(StudyDesign.COMMENTARY), link(StudyDesign.PROGRAMME_DESCRIPTION)])
    assert result.rating == EvidenceRating.VERY_LIMITED


def test_mostly_high_risk_of_bias_rates_down_two_levels():
    result = rate([link(risk=RiskOfBias.HIGH), link(risk=RiskOfBias.HIGH)])
    assert result.rating == EvidenceRating.LIMITED
    assert any("down two levels" in reason for reason in result.reasons)


def test_mostly_some_concerns_rates_down_one_level():
    result = rate([link(risk=RiskOfBias.SOME_CONCERNS), link(risk=RiskOfBias.SOME_CONCERNS)])
    assert result.rating == EvidenceRating.MODERATE
    assert any("some concerns" in reason for reason in result.reasons)


def test_a_single_study_rates_down_one_level():
    result = rate([link()])
    assert result.rating == EvidenceRating.MODERATE
    assert any("single study" in reason for reason in result.reasons)


def test_disagreeing_directions_rate_down_one_level():
    result = rate([link(direction=Direction.IMPROVED), link(direction=Direction.NO_DIFFERENCE)])
    assert result.rating == EvidenceRating.MODERATE
    assert any("do not agree" in reason for reason in result.reasons)


def test_mixed_results_rate_down_one_level():
    result = rate([link(direction=Direction.MIXED), link()])
    assert result.rating == EvidenceRating.MODERATE


def test_rating_never_falls_below_very_limited_while_a_study_counts():
    result = rate([link(StudyDesign.COMMENTARY, risk=RiskOfBias.HIGH, direction=Direction.MIXED)])
    assert result.rating == EvidenceRating.VERY_LIMITED


def test_every_rule_is_documented_for_the_methods_page():
    names = [name for name, _ in RULES]
    assert names[:5] == [
        "What counts",
        "Starting point",
        "Methodological limitations",
        "Adequacy",
        "Coherence",
    ]


@pytest.mark.django_db
def test_refresh_stores_the_rating_and_reasons():
    intervention = InterventionFactory()
    InterventionStudyFactory(intervention=intervention)
    result = refresh_rating(intervention)
    intervention.refresh_from_db()
    assert intervention.computed_rating == result.rating == EvidenceRating.MODERATE
    assert intervention.computed_rating_reasons == result.reasons


@pytest.mark.django_db
def test_refresh_stores_the_published_studies_counted_by_design_and_appraisal():
    intervention = InterventionFactory()
    for study in [
        StudyFactory(design="qualitative", appraised=True),
        StudyFactory(design="qualitative"),
        StudyFactory(design="cohort"),
        StudyFactory(design="cohort", status=EditorialStatus.DRAFT, appraised=True),
    ]:
        InterventionStudyFactory(intervention=intervention, study=study)
    refresh_rating(intervention)
    intervention.refresh_from_db()
    assert intervention.evidence_counts == {"qualitative": (2, 1), "cohort": (1, 0)}
    assert intervention.published_studies == 3


@pytest.mark.django_db
def test_a_justified_override_becomes_the_shown_rating_and_keeps_the_computed_one():
    intervention = InterventionFactory(
        rating_override=EvidenceRating.LIMITED,
        rating_override_justification="The only study was run by the programme's founders.",
    )
    InterventionStudyFactory(intervention=intervention)
    InterventionStudyFactory(intervention=intervention)
    refresh_rating(intervention)
    assert intervention.rating == EvidenceRating.LIMITED
    assert intervention.computed_rating == EvidenceRating.STRONG
