"""The two questions, each answered its field's way: each rule fires for a case built to
trigger it. GRADE per practice and outcome level; GRADE-CERQual per finding."""

import pytest

from resources import certainty
from resources.models import (
    Certainty,
    Concern,
    Direction,
    EditorialStatus,
    EffectCertainty,
    KirkpatrickLevel,
    LinkType,
    RiskOfBias,
    StudyDesign,
)
from resources.rating import assess, refresh_rating
from tests.factories import (
    FindingFactory,
    InterventionFactory,
    InterventionStudyFactory,
    OutcomeFactory,
    RecommendationEvidenceFactory,
    RecommendationFactory,
    StudyFactory,
)

LEVEL = KirkpatrickLevel.BEHAVIOUR


def evaluation(design=StudyDesign.RANDOMISED_TRIAL, risk=RiskOfBias.LOW, n=(300, 300), **kw):
    """An unsaved study and its outcome at one level: the rules need no database."""
    study = StudyFactory.build(appraised=True, design=design, risk_of_bias=risk)
    outcome = OutcomeFactory.build(
        study=study,
        intervention=None,
        intervention_n=n[0],
        comparison_n=n[1],
        direction=kw.pop("direction", Direction.IMPROVED),
    )
    return certainty.Evaluation(study=study, outcomes=[outcome], **kw)


def graded(*evaluations, publication_bias=""):
    return certainty.grade_level(LEVEL, list(evaluations), publication_bias)


def domains(result) -> dict[str, int]:
    return {d["domain"]: d["levels"] for d in result["downgrades"]}


# Does it work? GRADE --------------------------------------------------------------------


def test_large_low_risk_randomised_trials_that_agree_are_high_certainty():
    result = graded(evaluation(), evaluation())
    assert result["certainty"] == Certainty.HIGH
    assert result["start"].startswith("Starts High")
    assert result["downgrades"] == []


def test_any_non_randomised_design_starts_low_whatever_the_paper_calls_itself():
    for design in (StudyDesign.NON_RANDOMISED_COMPARISON, StudyDesign.MIXED_METHODS):
        result = graded(evaluation(design=design))
        assert result["certainty"] == Certainty.LOW, design
        assert result["start"].startswith("Starts Low")


def test_mostly_high_risk_of_bias_rates_down_two_levels_naming_the_studies():
    result = graded(evaluation(risk=RiskOfBias.HIGH))
    assert domains(result) == {"Risk of bias": 2}
    assert result["certainty"] == Certainty.LOW
    assert result["downgrades"][0]["studies"][0]["title"] == result["studies"][0]["title"]


def test_mostly_some_concerns_rates_down_one_level():
    assert domains(graded(evaluation(risk=RiskOfBias.SOME_CONCERNS))) == {"Risk of bias": 1}


def test_outcomes_that_disagree_rate_down_for_inconsistency():
    result = graded(evaluation(), evaluation(direction=Direction.NO_DIFFERENCE))
    assert domains(result) == {"Inconsistency": 1}
    assert graded(evaluation(direction=Direction.MIXED))["certainty"] == Certainty.MODERATE


def test_indirectness_is_a_curators_judgement_shown_as_the_reason():
    result = graded(evaluation(indirectness="very_serious", indirectness_note="A nursing cohort."))
    assert domains(result) == {"Indirectness": 2}
    assert "A nursing cohort." in result["downgrades"][0]["text"]


def test_few_participants_rate_down_for_imprecision():
    assert domains(graded(evaluation(n=(100, 100)))) == {"Imprecision": 1}
    assert domains(graded(evaluation(n=(20, 20)))) == {"Imprecision": 2}


def test_unreported_participant_numbers_rate_down_one_level_for_imprecision():
    result = graded(evaluation(n=(None, None)))
    assert domains(result) == {"Imprecision": 1}
    assert result["participants"] is None


def test_suspected_publication_bias_rates_down_one_level_with_its_reason():
    result = graded(evaluation(), publication_bias="Only the founders' own reports exist.")
    assert domains(result) == {"Publication bias": 1}
    assert "founders" in result["downgrades"][0]["text"]


def test_certainty_never_falls_below_very_low():
    result = graded(
        evaluation(design=StudyDesign.COHORT, risk=RiskOfBias.HIGH, n=(10, 10)),
        publication_bias="Suspected.",
    )
    assert result["certainty"] == Certainty.VERY_LOW


def test_the_summary_of_findings_row_carries_the_figures_as_reported():
    row = graded(evaluation())
    assert row["outcomes"][0]["result"] == "45% vs 12%"
    assert row["participants"] == 600


def test_a_row_names_its_largest_studies_up_to_its_bound_and_counts_them_all():
    """As a GRADE Summary of Findings gives "N participants (K studies)": the stored row
    names at most ROW_STUDIES studies, the largest first, with their outcomes only, and a
    downgrade at most DOWNGRADE_STUDIES; each list stands beside its true total."""
    many = certainty.ROW_STUDIES + 5
    evaluations = [evaluation(risk=RiskOfBias.HIGH, n=(size, size)) for size in range(1, many + 1)]
    row = graded(*evaluations)

    largest = [e.study.slug for e in reversed(evaluations)][: certainty.ROW_STUDIES]
    assert [study["slug"] for study in row["studies"]] == largest
    assert row["study_count"] == many
    assert [outcome["study"] for outcome in row["outcomes"]] == largest
    assert row["outcome_count"] == many
    assert row["participants"] == sum(2 * size for size in range(1, many + 1))  # all of them
    bias, imprecision = row["downgrades"]
    assert bias["domain"] == "Risk of bias" and bias["study_count"] == many
    assert [study["slug"] for study in bias["studies"]] == largest[: certainty.DOWNGRADE_STUDIES]
    assert imprecision["study_count"] == many
    assert graded(*reversed(evaluations)) == row  # the same studies, whatever the order read


def test_a_row_within_its_bound_names_every_study():
    row = graded(evaluation(), evaluation(direction=Direction.NO_DIFFERENCE))
    assert len(row["studies"]) == row["study_count"] == 2
    assert row["downgrades"][0]["study_count"] == 2


def test_every_grade_rule_is_documented_for_the_methods_page():
    names = [name for name, _ in certainty.GRADE_RULES]
    for rule in ("Starting point", "Risk of bias", "Inconsistency", "Indirectness", "Imprecision"):
        assert rule in names
    assert not any("Strong" in text for _, text in certainty.GRADE_RULES)


# What is it like? GRADE-CERQual ------------------------------------------------------------


def finding(**components):
    values = dict.fromkeys(("methodological_limitations", "coherence", "adequacy", "relevance"))
    values = dict.fromkeys(values, Concern.NONE) | components
    return FindingFactory.build(**values, **{f"{n}_explanation": "" for n in values})


def test_a_finding_with_no_concerns_is_high_confidence():
    assert certainty.cerqual(finding()).confidence == Certainty.HIGH


def test_minor_concerns_are_noted_but_do_not_rate_a_finding_down():
    result = certainty.cerqual(finding(coherence=Concern.MINOR, relevance=Concern.MINOR))
    assert result.confidence == Certainty.HIGH
    assert any("Minor concerns about coherence" in reason for reason in result.reasons)


def test_moderate_concerns_rate_down_one_level_each_and_serious_two():
    assert certainty.cerqual(finding(adequacy=Concern.MODERATE)).confidence == Certainty.MODERATE
    both = finding(methodological_limitations=Concern.MODERATE, adequacy=Concern.MODERATE)
    assert certainty.cerqual(both).confidence == Certainty.LOW
    assert certainty.cerqual(finding(adequacy=Concern.SERIOUS)).confidence == Certainty.LOW
    worst = finding(methodological_limitations=Concern.SERIOUS, adequacy=Concern.SERIOUS)
    assert certainty.cerqual(worst).confidence == Certainty.VERY_LOW


def test_a_finding_not_fully_judged_has_no_confidence():
    result = certainty.cerqual(finding(relevance=""))
    assert result.confidence is None
    assert "relevance" in result.reasons[0]


# A practice's two answers ------------------------------------------------------------------


@pytest.mark.django_db
def test_only_outcomes_naming_the_practice_in_an_evaluating_study_count():
    intervention = InterventionFactory()
    link = InterventionStudyFactory(
        intervention=intervention, link_type=LinkType.EXPLORED, direction=""
    )
    OutcomeFactory(study=link.study, intervention=None, kirkpatrick_level="3")
    result = refresh_rating(intervention)
    assert result.rating == EffectCertainty.NOT_EVALUATED
    assert any("credited to no practice" in reason for reason in result.reasons)


@pytest.mark.django_db
def test_a_described_practice_has_no_evaluation_and_no_qualitative_answer():
    intervention = InterventionFactory()
    link = InterventionStudyFactory(
        intervention=intervention, link_type=LinkType.DESCRIBED, direction=""
    )
    FindingFactory(study=link.study, confidence=Certainty.HIGH)
    result = refresh_rating(intervention)
    assert result.rating == EffectCertainty.NOT_EVALUATED
    assert result.profile["experience"]["confidence"] == ""
    assert result.profile["links"]["described"] == 1


@pytest.mark.django_db
def test_an_evaluated_practice_is_rated_per_outcome_level_and_answered_by_its_best():
    intervention = InterventionFactory()
    link = InterventionStudyFactory(
        intervention=intervention,
        study__design=StudyDesign.RANDOMISED_TRIAL,
        study__risk_of_bias=RiskOfBias.LOW,
    )
    OutcomeFactory(study=link.study, kirkpatrick_level="2a", intervention_n=300, comparison_n=300)
    OutcomeFactory(study=link.study, kirkpatrick_level="3", intervention_n=20, comparison_n=20)
    result = refresh_rating(intervention)
    by_level = {row["level"]: row["certainty"] for row in result.profile["effectiveness"]}
    assert by_level == {"2a": "high", "3": "low"}
    assert intervention.rating == result.rating == EffectCertainty.HIGH


@pytest.mark.django_db
def test_qualitative_confidence_is_the_best_of_its_explored_findings():
    intervention = InterventionFactory()
    link = InterventionStudyFactory(
        intervention=intervention, link_type=LinkType.EXPLORED, direction=""
    )
    FindingFactory(study=link.study, confidence=Certainty.LOW)
    FindingFactory(study=link.study, confidence=Certainty.MODERATE)
    result = refresh_rating(intervention)
    assert result.profile["experience"]["confidence"] == Certainty.MODERATE
    assert result.rating == EffectCertainty.NOT_EVALUATED  # never blended with experience


@pytest.mark.django_db
def test_unappraised_or_unpublished_evaluations_do_not_count():
    intervention = InterventionFactory()
    for study in (StudyFactory(), StudyFactory(appraised=True, status=EditorialStatus.DRAFT)):
        InterventionStudyFactory(intervention=intervention, study=study)
        OutcomeFactory(study=study, intervention=intervention)
    assert refresh_rating(intervention).rating == EffectCertainty.NOT_EVALUATED


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
def test_a_justified_override_becomes_the_shown_answer_and_keeps_the_computed_one():
    intervention = InterventionFactory(
        rating_override=EffectCertainty.VERY_LOW,
        rating_override_justification="The only study was run by the programme's founders.",
    )
    link = InterventionStudyFactory(intervention=intervention, study__design="randomised_trial")
    OutcomeFactory(study=link.study, intervention_n=300, comparison_n=300)
    refresh_rating(intervention)
    assert intervention.rating == EffectCertainty.VERY_LOW
    assert intervention.computed_rating != EffectCertainty.VERY_LOW


@pytest.mark.django_db
def test_a_reason_names_studies_as_the_profile_does_and_counts_the_rest(monkeypatch):
    monkeypatch.setattr("resources.certainty.ROW_STUDIES", 2)
    intervention = InterventionFactory()
    for size in (10, 30, 20, 40):
        InterventionStudyFactory(
            intervention=intervention, study=StudyFactory(sample_size=size, title=f"Of {size}")
        )
    (reason,) = [r for r in refresh_rating(intervention).reasons if r.startswith("Not yet")]
    assert reason == "Not yet appraised, so not counted: Of 40 (2023); Of 30 (2023); and 2 more."


def test_assess_needs_no_database_for_a_practice_without_links():
    intervention = InterventionFactory.build(pk=1)
    assert assess(intervention, [], [], []).rating == EffectCertainty.NOT_EVALUATED


# Recommendations: the ceiling, from rows that name only some of their studies ----------


@pytest.fixture
def practice_of_many_studies():
    """A practice whose 2a row rests on more studies than it names; the smallest is not
    named. One more study evaluated it at level 3 only."""
    practice = InterventionFactory(slug="mentoring")
    studies = []
    for size in range(certainty.ROW_STUDIES + 1):
        link = InterventionStudyFactory(intervention=practice, study__sample_size=100 + size)
        OutcomeFactory(study=link.study, kirkpatrick_level="2a")
        studies.append(link.study)
    other = InterventionStudyFactory(intervention=practice, study__sample_size=1).study
    OutcomeFactory(study=other, kirkpatrick_level="3")
    refresh_rating(practice)
    return practice, studies[0], other


def rests_on(practice, *studies):
    recommendation = RecommendationFactory(certainty="")
    recommendation.interventions.add(practice)
    for study in studies:
        RecommendationEvidenceFactory(recommendation=recommendation, study=study)
    return recommendation.evidence_profile()


@pytest.mark.django_db
def test_a_recommendation_on_a_study_its_row_does_not_name_keeps_that_rows_ceiling(
    practice_of_many_studies,
):
    practice, smallest, _ = practice_of_many_studies
    row_2a, _ = practice.effectiveness
    assert smallest.slug not in {study["slug"] for study in row_2a["studies"]}

    evidence = rests_on(practice, smallest)

    assert [row["level"] for _, row in evidence.rows] == ["2a"]
    assert evidence.ceiling == certainty.Certainty(row_2a["certainty"])


@pytest.mark.django_db
def test_a_recommendation_counts_only_the_levels_its_studies_have_outcomes_at(
    practice_of_many_studies,
):
    practice, smallest, other = practice_of_many_studies
    assert [row["level"] for _, row in rests_on(practice, other).rows] == ["3"]
    both = rests_on(practice, smallest, other)
    assert [row["level"] for _, row in both.rows] == ["2a", "3"]  # the practice's order


@pytest.mark.django_db
def test_the_ceiling_asks_the_database_once_whether_its_rows_name_its_studies_or_not(
    practice_of_many_studies, django_assert_num_queries
):
    """The same number of queries at any size: a row names its largest studies only."""
    practice, smallest, _ = practice_of_many_studies
    largest = practice.effectiveness[0]["studies"][0]["slug"]
    with django_assert_num_queries(1):  # the 2a row names it
        named = certainty.recommendation_evidence([practice], {largest}, [])
    with django_assert_num_queries(1):  # the 2a row does not name it, and has more
        unnamed = certainty.recommendation_evidence([practice], {smallest.slug}, [])
    assert [row["level"] for _, row in named.rows] == ["2a"]
    assert [row["level"] for _, row in unnamed.rows] == ["2a"]
