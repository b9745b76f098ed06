"""Risk of bias with its domains: judged one by one where a curator can, shown in the study
page's trust section, edited in the admin (the API's: tests/api/test_bias_domain_rows.py);
and said plainly where the domains were not judged one by one."""

import pytest
from django.db import IntegrityError
from django.test import SimpleTestCase
from django.urls import reverse

from resources import revisions
from resources.integrity import WARNING, find_problems
from resources.models import BiasDomain, BiasJudgement, StudyBiasDomain
from tests.factories import StudyFactory
from tests.test_admin import form_data

pytestmark = pytest.mark.django_db

assert_contains = SimpleTestCase().assertContains
assert_not_contains = SimpleTestCase().assertNotContains


def judge(study, domain, judgement, support=""):
    return StudyBiasDomain.objects.create(
        study=study, domain=domain, judgement=judgement, support=support
    )


def test_the_trust_section_lists_each_judged_domain_in_the_tools_order(visitor):
    study = StudyFactory(appraised=True, risk_of_bias="high", design="non_randomised_comparison")
    judge(study, BiasDomain.REPORTING, BiasJudgement.HIGH, "Results without their methods.")
    judge(study, BiasDomain.SELECTION, BiasJudgement.HIGH, "How groups were formed is unsaid.")
    judge(study, BiasDomain.MISSING_DATA, BiasJudgement.UNCLEAR)

    page = visitor.get(study.get_absolute_url()).content.decode()
    trust = page[page.index("How far to trust it") : page.index("</section>")]

    rows = ["Selection of participants", "Missing outcome data", "Selection of the reported"]
    positions = [trust.index(row) for row in rows]
    assert positions == sorted(positions)
    assert "How groups were formed is unsaid." in trust
    assert "Unclear: not enough information" in trust
    assert "Domains not assessed" not in trust


def test_an_appraisal_without_domains_says_they_were_not_judged_one_by_one(visitor):
    study = StudyFactory(appraised=True, risk_of_bias_notes="Recruitment by snowball sampling.")
    response = visitor.get(study.get_absolute_url())
    assert_contains(response, "Domains not assessed one by one")
    assert_contains(response, "Recruitment by snowball sampling.")


def test_an_unappraised_study_shows_no_domain_section(visitor):
    response = visitor.get(StudyFactory().get_absolute_url())
    assert_not_contains(response, "Risk of bias, by domain")


def test_a_domain_is_judged_once_per_study():
    study = StudyFactory()
    judge(study, BiasDomain.CONFOUNDING, BiasJudgement.HIGH)
    with pytest.raises(IntegrityError):
        judge(study, BiasDomain.CONFOUNDING, BiasJudgement.LOW)


def test_a_curator_judges_domains_in_the_study_form(curator_client):
    study = StudyFactory(status="draft", appraised=True)
    url = reverse("admin:resources_study_change", args=[study.pk])
    data = form_data(curator_client.get(url))
    data |= {
        "risk_of_bias_domains-TOTAL_FORMS": "1",
        "risk_of_bias_domains-0-domain": BiasDomain.MEASUREMENT,
        "risk_of_bias_domains-0-judgement": BiasJudgement.HIGH,
        "risk_of_bias_domains-0-support": "Self-reported outcomes, instruments not named.",
    }

    response = curator_client.post(url, data)

    assert response.status_code == 302
    (row,) = study.risk_of_bias_domains.all()
    assert (row.domain, row.judgement) == (BiasDomain.MEASUREMENT, BiasJudgement.HIGH)


def test_a_revision_of_a_published_study_carries_its_domains():
    study = StudyFactory(appraised=True)
    judge(study, BiasDomain.CONFOUNDING, BiasJudgement.SOME_CONCERNS, "Baseline differences.")
    rows = revisions.snapshot(study)["rows"]["risk_of_bias_domains"]
    assert [(row["domain"], row["support"]) for row in rows] == [
        ("confounding", "Baseline differences.")
    ]


def test_an_overall_judgement_better_than_a_domains_is_reported():
    study = StudyFactory(appraised=True, risk_of_bias="some_concerns")
    judge(study, BiasDomain.SELECTION, BiasJudgement.HIGH)
    judge(study, BiasDomain.MEASUREMENT, BiasJudgement.SOME_CONCERNS)
    judge(study, BiasDomain.MISSING_DATA, BiasJudgement.UNCLEAR)

    (problem,) = [p for p in find_problems() if p.kind == "bias_below_its_domains"]

    assert (problem.severity, problem.object) == (WARNING, study)
    assert "“High” for selection of participants" in problem.message
    assert "measurement" not in problem.message  # no worse than the overall judgement


def test_domains_no_worse_than_the_overall_judgement_are_consistent():
    study = StudyFactory(appraised=True, risk_of_bias="high")
    judge(study, BiasDomain.SELECTION, BiasJudgement.HIGH)
    assert not [p for p in find_problems() if p.kind == "bias_below_its_domains"]


def test_the_methods_page_names_the_domains_and_the_rule(visitor):
    response = visitor.get("/about/")
    assert_contains(response, "RoB 2 for randomised trials, ROBINS-I for non-randomised")
    assert_contains(response, "selection of the reported result")
    assert_contains(response, "at least as serious as the worst domain")
