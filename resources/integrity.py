"""The integrity report: what in the evidence needs a curator's attention.

An *error* concerns something the public can see: a published record that breaks a
publication rule, or a published study's malformed or duplicate DOI. `check_evidence`
exits non-zero when there is one, so CI and a cron job can use it. A *warning* is work
to do that the public cannot see broken: a study not yet appraised, a draft intervention
without studies, a reference to a study that is not published (the database's foreign
keys keep references from pointing at nothing at all).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch

from resources import facets, tallies
from resources.certainty import exceeds
from resources.doi import DOI_PATTERN, normalise_doi
from resources.importers.plan import match_key
from resources.models import (
    Finding,
    Intervention,
    InterventionStudy,
    LinkType,
    Outcome,
    PublishedTotal,
    Recommendation,
    RecommendationEvidence,
    RecommendationStrength,
    RiskOfBias,
    Study,
    StudyReference,
    Topic,
)
from resources.models.base import published_through
from resources.models.recommendation import directive
from resources.rating import assess, count_by_design
from resources.workflow import publication_problems

ERROR, WARNING = "error", "warning"

KINDS = {
    "study_without_appraisal": "Studies without appraisal",
    "study_not_ready": "Published studies missing what their page needs",
    "intervention_without_published_studies": "Interventions without published studies",
    "intervention_out_of_step": "Interventions whose stored rating or counts are out of date",
    "topic_out_of_step": "Topics whose stored count of studies is out of date",
    "total_out_of_step": "The library's stored count of studies is out of date",
    "filter_counts_out_of_step": "Whole lists whose stored filter counts are out of date",
    "recommendation_without_evidence": "Recommendations without evidence",
    "recommendation_above_evidence": "Recommendations more certain than their evidence",
    "conditional_directive": "Conditional recommendations worded as directives",
    "level_without_intervention": (
        "Kirkpatrick levels on findings that report no change after an educational intervention"
    ),
    "outcome_not_evaluated": "Outcomes credited to a practice their study did not evaluate",
    "direction_not_evaluated": "Directions of effect on links that are not evaluations",
    "bias_below_its_domains": "Studies whose overall risk of bias is lower than a domain's",
    "malformed_doi": "Malformed DOIs",
    "duplicate_doi": "Duplicate DOIs",
    "possible_duplicate_study": "Possible duplicate studies",
    "reference_to_missing_study": "References to missing studies",
}


@dataclass(frozen=True)
class Problem:
    severity: str
    kind: str
    object: object
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


def _severity(*objects) -> str:
    return ERROR if any(obj.is_published for obj in objects) else WARNING


def find_problems() -> list[Problem]:
    """Every problem, errors first, then by kind."""
    problems = [
        *_study_problems(),
        *_intervention_problems(),
        *_topic_problems(),
        *_total_problems(),
        *_filter_count_problems(),
        *_recommendation_problems(),
        *_attribution_problems(),
        *_reference_problems(),
    ]
    order = list(KINDS)
    return sorted(problems, key=lambda p: (not p.is_error, order.index(p.kind), str(p.object)))


def _study_problems():
    studies = list(Study.objects.prefetch_related("authors", "risk_of_bias_domains").order_by("pk"))
    by_doi, by_key = defaultdict(list), defaultdict(list)
    for study in studies:
        if not study.is_appraised:
            yield Problem(WARNING, "study_without_appraisal", study, "not yet appraised")
        if worse := _domains_worse_than_overall(study):
            yield Problem(
                WARNING,
                "bias_below_its_domains",
                study,
                f"overall risk of bias “{study.get_risk_of_bias_display()}”, but judged "
                f"{worse}: the overall judgement is at least the worst domain's",
            )
        if study.is_published:
            for reason in publication_problems(study):
                yield Problem(ERROR, "study_not_ready", study, f"published, but {reason}")
        if study.doi and not DOI_PATTERN.match(normalise_doi(study.doi)):
            yield Problem(_severity(study), "malformed_doi", study, f"“{study.doi}” is not a DOI")
        if study.doi:
            by_doi[normalise_doi(study.doi)].append(study)
        authors = list(study.authors.all())
        family = (authors[0].family_name or authors[0].literal_name) if authors else ""
        if key := match_key(study.title, study.year, family):
            by_key[key].append(study)
    for doi, same in by_doi.items():
        for study in same[1:] if len(same) > 1 else []:
            yield Problem(
                _severity(*same), "duplicate_doi", study, f"{doi} is also the DOI of “{same[0]}”"
            )
    for same in by_key.values():
        if len(same) > 1 and len({normalise_doi(s.doi) for s in same if s.doi}) <= 1:
            for study in same[1:]:
                yield Problem(
                    WARNING,
                    "possible_duplicate_study",
                    study,
                    f"same title, year and first author as “{same[0]}” [{same[0].slug}]",
                )


# RoB 2 and ROBINS-I: the overall risk of bias is at least that of the worst domain
BIAS_RANK = {RiskOfBias.LOW: 0, RiskOfBias.SOME_CONCERNS: 1, RiskOfBias.HIGH: 2}


def _domains_worse_than_overall(study) -> str:
    """The domains judged worse than the study's overall risk of bias, in words."""
    if not study.risk_of_bias:
        return ""
    overall = BIAS_RANK[RiskOfBias(study.risk_of_bias)]
    worse = [
        f"“{row.get_judgement_display()}” for {row.get_domain_display().lower()}"
        for row in study.risk_of_bias_domains.all()
        if row.judgement in BIAS_RANK and BIAS_RANK[row.judgement] > overall
    ]
    return "; ".join(worse)


def _intervention_problems():
    links = InterventionStudy.objects.select_related("study")
    interventions = Intervention.objects.prefetch_related(
        Prefetch("study_links", queryset=links, to_attr="all_links"),
        Prefetch("outcomes", to_attr="all_outcomes"),
    )
    for intervention in interventions:
        studies = [link.study for link in intervention.all_links]
        if not any(study.is_published for study in studies):
            yield Problem(
                _severity(intervention),
                "intervention_without_published_studies",
                intervention,
                "no published study is linked to it",
            )
        # pages read these from the row; a change that skipped refresh_rating leaves them old
        stored = (
            intervention.computed_rating,
            intervention.evidence_profile,
            intervention.profile_confidence,
            intervention.profile_links,
            intervention.published_evidence,
        )
        findings = Finding.objects.filter(study__in=studies).select_related("study")
        unnamed = Outcome.objects.filter(study__in=studies, intervention__isnull=True)
        result = assess(
            intervention,
            intervention.all_links,
            intervention.all_outcomes,
            findings,
            unnamed.values_list("study_id", flat=True),
        )
        recounted = (
            result.rating,
            result.profile,
            result.profile["experience"]["confidence"],
            result.profile["links"],
            count_by_design(studies),
        )
        if stored != recounted:
            yield Problem(
                _severity(intervention),
                "intervention_out_of_step",
                intervention,
                "its stored rating or study counts differ from its linked studies; "
                "saving it in the admin recounts them",
            )


def _topic_problems():
    filed = Count("studies", filter=published_through("studies"))
    for topic in Topic.objects.annotate(filed=filed).exclude(published_studies=F("filed")):
        yield Problem(
            _severity(topic),
            "topic_out_of_step",
            topic,
            f"its page says {topic.published_studies} published studies are filed under it, "
            f"but {topic.filed} are; saving it in the admin recounts them",
        )


def _total_problems():
    for total in PublishedTotal.objects.filter(model=tallies.STUDY):
        if total.count != (counted := Study.objects.published().count()):
            yield Problem(
                ERROR,
                "total_out_of_step",
                total,
                f"the home page says {total.count} studies are published, but {counted} "
                "are; publishing, unpublishing or saving any study recounts it",
            )


def _filter_count_problems():
    for total, filters in facets.drifted():
        yield Problem(
            ERROR,
            "filter_counts_out_of_step",
            total,
            f"the {total.model} list's counts for {', '.join(filters)} differ from counting "
            "them now; publishing, unpublishing or saving any record recounts them",
        )


def _recommendation_problems():
    published_evidence = RecommendationEvidence.objects.filter(study__in=Study.objects.published())
    recommendations = Recommendation.objects.prefetch_related(
        Prefetch("evidence", queryset=published_evidence, to_attr="published_evidence")
    )
    for recommendation in recommendations:
        evidence = recommendation.evidence_profile()
        if exceeds(recommendation.certainty, evidence.ceiling):
            yield Problem(
                _severity(recommendation),
                "recommendation_above_evidence",
                recommendation,
                f"its certainty is {recommendation.get_certainty_display()}, but "
                + evidence.reason[0].lower()
                + evidence.reason[1:],
            )
        if recommendation.strength == RecommendationStrength.CONDITIONAL and directive(
            recommendation.statement
        ):
            yield Problem(
                _severity(recommendation),
                "conditional_directive",
                recommendation,
                "it is conditional, but its statement says “should” or “must”; word it "
                "“We suggest …” or “Consider …”",
            )
        if not recommendation.published_evidence:
            yield Problem(
                _severity(recommendation),
                "recommendation_without_evidence",
                recommendation,
                "no published study is linked as its evidence",
            )


def _attribution_problems():
    """Evidence credited where the model's rules do not allow it: a Kirkpatrick level on a
    finding that reports no change after an intervention its study evaluated, an outcome
    credited to a practice its study did not evaluate, a direction of effect on a link that
    is not an evaluation. The models refuse each; this catches what bypassed them."""
    evaluated = InterventionStudy.objects.filter(link_type=LinkType.EVALUATED)
    evaluating = set(evaluated.values_list("study_id", flat=True)) | set(
        Outcome.objects.values_list("study_id", flat=True)
    )
    for finding in Finding.objects.exclude(kirkpatrick_level="").select_related("study"):
        if not finding.reports_change or finding.study_id not in evaluating:
            yield Problem(
                _severity(finding.study),
                "level_without_intervention",
                finding.study,
                f"finding {finding.position} carries Kirkpatrick level "
                f"{finding.kirkpatrick_level}, but "
                + (
                    "it reports no change after an educational intervention"
                    if not finding.reports_change
                    else "its study evaluated no educational intervention"
                ),
            )
    pairs = set(evaluated.values_list("study_id", "intervention_id"))
    credited = Outcome.objects.filter(intervention__isnull=False).select_related(
        "study", "intervention"
    )
    for outcome in credited:
        if (outcome.study_id, outcome.intervention_id) not in pairs:
            yield Problem(
                _severity(outcome.study),
                "outcome_not_evaluated",
                outcome.study,
                f"outcome {outcome.position} (“{outcome.measure}”) is credited to "
                f"“{outcome.intervention}”, which the study is not linked to as evaluated",
            )
    directed = InterventionStudy.objects.exclude(direction="").exclude(link_type=LinkType.EVALUATED)
    for link in directed.select_related("study", "intervention"):
        yield Problem(
            _severity(link.intervention, link.study),
            "direction_not_evaluated",
            link.intervention,
            f"its link to “{link.study}” has the direction “{link.get_direction_display()}”, "
            f"but the study {link.get_link_type_display().lower()} it, not evaluated it",
        )


def _reference_problems():
    """References a published study makes to a study the public cannot see."""
    unpublished = StudyReference.objects.filter(citing__in=Study.objects.published()).exclude(
        cited__in=Study.objects.published()
    )
    for reference in unpublished.select_related("citing", "cited"):
        yield Problem(
            WARNING,
            "reference_to_missing_study",
            reference.citing,
            f"cites “{reference.cited}”, which is not published, so its page leaves it out",
        )
