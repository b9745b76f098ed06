"""The integrity report lists what needs a curator's attention, and fails on published errors."""

import pytest
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase
from django.urls import reverse

from resources.integrity import ERROR, WARNING, find_problems
from resources.models import EditorialStatus, Study
from resources.rating import refresh_rating
from resources.seeding import load_seed
from tests.factories import (
    InterventionFactory,
    InterventionStudyFactory,
    RecommendationEvidenceFactory,
    RecommendationFactory,
    StudyAuthorFactory,
    StudyFactory,
    StudyReferenceFactory,
)

pytestmark = pytest.mark.django_db

assert_contains = SimpleTestCase().assertContains

DRAFT = EditorialStatus.DRAFT


def found(kind):
    return [(p.severity, p.object) for p in find_problems() if p.kind == kind]


def test_a_consistent_library_has_no_problems():
    link = InterventionStudyFactory(study__appraised=True)
    refresh_rating(link.intervention)
    RecommendationEvidenceFactory(study__appraised=True)
    assert find_problems() == []


def test_an_intervention_changed_without_a_recount_is_out_of_step_until_recounted():
    link = InterventionStudyFactory(study__appraised=True)
    refresh_rating(link.intervention)
    InterventionStudyFactory(intervention=link.intervention, study__design="cohort")
    assert found("intervention_out_of_step") == [(ERROR, link.intervention)]
    refresh_rating(link.intervention)
    assert found("intervention_out_of_step") == []


def test_study_without_appraisal_is_a_warning():
    study = StudyFactory()
    assert found("study_without_appraisal") == [(WARNING, study)]


def test_published_appraised_study_without_its_appraisal_summary_is_an_error():
    study = StudyFactory(appraised=True, appraisal_summary="")
    assert found("study_not_ready") == [(ERROR, study)]


def test_published_intervention_without_published_studies_is_an_error():
    published = InterventionFactory()
    InterventionStudyFactory(intervention=published, study__status=DRAFT, study__appraised=True)
    draft = InterventionFactory(status=DRAFT)
    assert found("intervention_without_published_studies") == [(ERROR, published), (WARNING, draft)]


def test_recommendation_without_evidence_is_found():
    published = RecommendationFactory()
    assert found("recommendation_without_evidence") == [(ERROR, published)]


def test_malformed_doi_is_found():
    study = StudyFactory(appraised=True)
    Study.objects.filter(pk=study.pk).update(doi="doi.org/not a doi")
    assert found("malformed_doi") == [(ERROR, study)]


def test_dois_that_are_equal_once_normalised_are_duplicates():
    StudyFactory(appraised=True, doi="10.1111/medu.70055")
    second = StudyFactory(appraised=True, status=DRAFT)
    Study.objects.filter(pk=second.pk).update(doi="https://doi.org/10.1111/medu.70055")
    assert found("duplicate_doi") == [(ERROR, second)]


def test_same_title_year_and_first_author_is_a_possible_duplicate():
    first = StudyFactory(appraised=True, title="Comics as anti-racist education", year=2021)
    second = StudyFactory(appraised=True, title="Comics as Anti-Racist Education.", year=2021)
    for study in (first, second):
        StudyAuthorFactory(study=study, position=1, family_name="Obuobi")
    assert found("possible_duplicate_study") == [(WARNING, second)]


def test_reference_to_a_study_missing_from_the_public_site_is_found():
    reference = StudyReferenceFactory(
        citing__appraised=True, cited__appraised=True, cited__status=DRAFT
    )
    assert found("reference_to_missing_study") == [(WARNING, reference.citing)]


def test_errors_come_before_warnings():
    StudyFactory()
    RecommendationFactory()
    assert [p.severity for p in find_problems()] == [ERROR, WARNING]


def test_command_succeeds_when_nothing_published_is_inconsistent(capsys):
    StudyFactory()
    call_command("check_evidence")
    out = capsys.readouterr().out
    assert "WARNING [study_without_appraisal]" in out
    assert "No published evidence is inconsistent: 0 errors, 1 warnings." in out


def test_command_exits_with_status_1_when_published_evidence_is_inconsistent(capsys):
    RecommendationFactory(title="Offer reverse mentoring")
    with pytest.raises(CommandError) as caught:
        call_command("check_evidence")
    assert caught.value.returncode == 1
    assert "1 errors, 0 warnings" in str(caught.value)
    assert "ERROR [recommendation_without_evidence] recommendation “Offer reverse mentoring”" in (
        capsys.readouterr().out
    )


def test_the_seed_fixtures_pass_with_no_error():
    load_seed()
    assert [p for p in find_problems() if p.is_error] == []


def test_admin_page_lists_the_problems_with_links(curator_client):
    recommendation = RecommendationFactory(title="Offer reverse mentoring")
    response = curator_client.get(reverse("admin:resources_study_check_evidence"))
    assert_contains(response, "1 error</strong> in published evidence")
    assert_contains(response, "Recommendations without evidence")
    assert_contains(
        response, reverse("admin:resources_recommendation_change", args=[recommendation.pk])
    )


def test_the_report_is_linked_from_the_admin_index_and_the_studies(curator_client):
    url = reverse("admin:resources_study_check_evidence")
    assert_contains(curator_client.get(reverse("admin:index")), url)
    assert_contains(curator_client.get(reverse("admin:resources_study_changelist")), url)
