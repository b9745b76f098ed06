"""Each validation rule of the evidence model rejects its bad value with a clear message."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from resources.doi import normalise_doi
from resources.models import AppraisalStatus, Study
from tests.factories import (
    InterventionFactory,
    OutcomeFactory,
    StudyAuthorFactory,
    StudyFactory,
    StudyReferenceFactory,
)

pytestmark = pytest.mark.django_db


def error_messages(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


@pytest.mark.parametrize(
    "raw",
    [
        "10.1111/MEDU.70055",
        "https://doi.org/10.1111/medu.70055",
        "http://dx.doi.org/10.1111/medu.70055",
        "doi: 10.1111/medu.70055",
        "  10.1111/medu.70055 ",
    ],
)
def test_doi_is_normalised_to_lower_case_without_resolver_prefix(raw):
    assert normalise_doi(raw) == "10.1111/medu.70055"


@pytest.mark.parametrize("bad", ["not-a-doi", "11.1111/x", "10.1/short-registrant", "10.1234/"])
def test_malformed_doi_is_rejected_with_an_example(bad):
    study = StudyFactory.build(doi=bad)
    assert "is not a DOI" in " ".join(error_messages(study)["doi"])


def test_doi_differing_only_in_case_or_prefix_is_a_duplicate():
    StudyFactory(doi="10.1111/medu.70055")
    duplicate = StudyFactory.build(doi="https://doi.org/10.1111/MEDU.70055")
    duplicate.clean()
    assert "Another study already has this DOI." in str(error_messages(duplicate))


def test_database_refuses_a_duplicate_doi_saved_without_validation():
    StudyFactory(doi="10.1111/medu.70055")
    with pytest.raises(IntegrityError), transaction.atomic():
        StudyFactory(doi="HTTPS://DOI.ORG/10.1111/medu.70055")


def test_studies_without_doi_do_not_collide():
    StudyFactory(doi="")
    StudyFactory(doi="")
    assert Study.objects.filter(doi="").count() == 2


@pytest.mark.parametrize("year", [1799, 2999])
def test_year_outside_the_plausible_range_is_rejected(year):
    assert "year" in error_messages(StudyFactory.build(year=year))


@pytest.mark.parametrize("p_value", ["-0.01", "1.5"])
def test_p_value_outside_zero_to_one_is_rejected(p_value):
    outcome = OutcomeFactory.build(study=StudyFactory(), p_value=p_value)
    assert "p_value" in error_messages(outcome)


def test_database_refuses_a_p_value_above_one():
    with pytest.raises(IntegrityError), transaction.atomic():
        OutcomeFactory(p_value="1.5")


def test_negative_sample_size_is_rejected():
    assert "sample_size" in error_messages(StudyFactory.build(sample_size=-1))


def test_kirkpatrick_level_must_come_from_the_beme_list():
    outcome = OutcomeFactory.build(study=StudyFactory(), kirkpatrick_level="5")
    assert "kirkpatrick_level" in error_messages(outcome)


def test_database_refuses_an_unknown_kirkpatrick_level():
    with pytest.raises(IntegrityError), transaction.atomic():
        OutcomeFactory(kirkpatrick_level="5")


def test_study_design_must_come_from_the_fixed_list():
    assert "design" in error_messages(StudyFactory.build(design="anecdote"))


def test_appraised_study_needs_its_design_tool_and_risk_of_bias():
    study = StudyFactory.build(
        design="", appraisal_status=AppraisalStatus.APPRAISED, appraisal_tool=""
    )
    errors = error_messages(study)
    assert {"design", "appraisal_tool", "risk_of_bias"} <= errors.keys()


def test_appraisal_score_cannot_exceed_the_tools_maximum():
    study = StudyFactory.build(appraisal_score=19, appraisal_score_max=18)
    assert "maximum" in " ".join(error_messages(study)["appraisal_score"])


def test_author_needs_a_family_or_literal_name():
    author = StudyAuthorFactory.build(study=StudyFactory(), family_name="", literal_name="")
    assert "family name" in str(error_messages(author))


def test_study_cannot_cite_itself():
    study = StudyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        StudyReferenceFactory(citing=study, cited=study)


def test_rating_override_needs_a_written_justification():
    intervention = InterventionFactory.build(rating_override="high")
    assert "rating_override_justification" in error_messages(intervention)


def test_database_refuses_an_unjustified_rating_override():
    with pytest.raises(IntegrityError), transaction.atomic():
        InterventionFactory(rating_override="high", rating_override_justification="")
