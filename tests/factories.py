"""Factories for tests: each builds a valid record with the fewest facts it needs."""

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from resources import tallies
from resources.models import (
    AppraisalStatus,
    AppraisalTool,
    Audience,
    Certainty,
    Concern,
    Direction,
    EditorialStatus,
    EvidenceRelation,
    Finding,
    Intervention,
    InterventionStudy,
    InterventionType,
    KirkpatrickLevel,
    LinkType,
    Outcome,
    Recommendation,
    RecommendationEvidence,
    RecommendationStrength,
    RiskOfBias,
    Study,
    StudyAuthor,
    StudyDesign,
    StudyReference,
    SynonymGroup,
    Topic,
)


class PublishedFactory(factory.django.DjangoModelFactory):
    status = EditorialStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    class Meta:
        abstract = True


class TopicFactory(PublishedFactory):
    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")

    class Meta:
        model = Topic


class StudyFactory(PublishedFactory):
    title = factory.Sequence(lambda n: f"A study of learner-led change {n}")
    slug = factory.Sequence(lambda n: f"study-{n}")
    year = 2023
    journal = "Medical Education"
    design = StudyDesign.QUALITATIVE

    class Meta:
        model = Study
        skip_postgeneration_save = True

    class Params:
        appraised = factory.Trait(
            appraisal_status=AppraisalStatus.APPRAISED,
            appraisal_tool=AppraisalTool.CASP,
            risk_of_bias=RiskOfBias.LOW,
            appraisal_summary="Clear aims, appropriate design and analysis.",
        )

    @factory.post_generation
    def library_total(study, create, extracted, **kwargs):
        """Keep the library's stored count of published studies, as every write path does
        (topics' counts are left to the test: a study's topics are added after it)."""
        if create:
            tallies.recount_studies(Topic.objects.none())


class StudyAuthorFactory(factory.django.DjangoModelFactory):
    study = factory.SubFactory(StudyFactory)
    position = factory.Sequence(lambda n: n + 1)
    family_name = factory.Sequence(lambda n: f"Family{n}")
    given_names = "A B"

    class Meta:
        model = StudyAuthor


def _evaluated_practice(outcome):
    """The practice the outcome's study evaluated, where there is exactly one."""
    links = outcome.study.intervention_links.filter(link_type=LinkType.EVALUATED)
    return links[0].intervention if len(links) == 1 else None


class OutcomeFactory(factory.django.DjangoModelFactory):
    """An outcome of the practice its study evaluated (None when it evaluated none, or
    several: then pass `intervention`)."""

    study = factory.SubFactory(StudyFactory)
    intervention = factory.LazyAttribute(_evaluated_practice)
    position = factory.Sequence(lambda n: n + 1)
    measure = "Increased cultural competence"
    kirkpatrick_level = KirkpatrickLevel.ATTITUDES
    intervention_value = 45
    comparison_value = 12
    unit = "%"
    direction = Direction.IMPROVED

    class Meta:
        model = Outcome


# GRADE-CERQual components that give each overall confidence (resources.certainty)
COMPONENTS_FOR = {
    Certainty.HIGH: {},
    Certainty.MODERATE: {"adequacy": Concern.MODERATE},
    Certainty.LOW: {"methodological_limitations": Concern.MODERATE, "adequacy": Concern.MODERATE},
    Certainty.VERY_LOW: {
        "methodological_limitations": Concern.SERIOUS,
        "adequacy": Concern.SERIOUS,
    },
}


class FindingFactory(factory.django.DjangoModelFactory):
    """A finding; `confidence=...` sets the four components that give that confidence."""

    study = factory.SubFactory(StudyFactory)
    position = factory.Sequence(lambda n: n + 1)
    statement = "Learners drew a shared identity from a collective they chose themselves."
    reports_change = factory.LazyAttribute(lambda finding: bool(finding.kirkpatrick_level))
    kirkpatrick_level = ""

    class Meta:
        model = Finding

    @classmethod
    def _create(cls, model_class, *args, confidence=Certainty.MODERATE, **kwargs):
        if confidence:
            components = dict.fromkeys(
                ("methodological_limitations", "coherence", "adequacy", "relevance"),
                Concern.NONE,
            )
            components.update(COMPONENTS_FOR[Certainty(confidence)])
            for name, concern in components.items():
                kwargs.setdefault(name, concern)
        return super()._create(model_class, *args, **kwargs)


class StudyReferenceFactory(factory.django.DjangoModelFactory):
    citing = factory.SubFactory(StudyFactory)
    cited = factory.SubFactory(StudyFactory)

    class Meta:
        model = StudyReference


class InterventionFactory(PublishedFactory):
    name = factory.Sequence(lambda n: f"Practice {n}")
    slug = factory.Sequence(lambda n: f"practice-{n}")
    intervention_type = InterventionType.MENTORING
    summary = "Students mentor senior staff on their experience of medical school."

    class Meta:
        model = Intervention


class InterventionStudyFactory(factory.django.DjangoModelFactory):
    intervention = factory.SubFactory(InterventionFactory)
    study = factory.SubFactory(StudyFactory, appraised=True)
    link_type = LinkType.EVALUATED
    what_it_found = "Staff became more aware of the barriers students face."
    direction = Direction.IMPROVED

    class Meta:
        model = InterventionStudy


class RecommendationFactory(PublishedFactory):
    title = factory.Sequence(lambda n: f"Recommendation {n}")
    slug = factory.Sequence(lambda n: f"recommendation-{n}")
    statement = "Consider offering reverse mentoring to senior staff."
    rationale = "Qualitative studies report raised awareness."
    audience = Audience.INSTITUTIONS
    strength = RecommendationStrength.CONDITIONAL
    certainty = Certainty.VERY_LOW  # no higher than evidence without findings or outcomes

    class Meta:
        model = Recommendation


class RecommendationEvidenceFactory(factory.django.DjangoModelFactory):
    recommendation = factory.SubFactory(RecommendationFactory)
    study = factory.SubFactory(StudyFactory)
    relation = EvidenceRelation.SUPPORTS

    class Meta:
        model = RecommendationEvidence


class UserFactory(factory.django.DjangoModelFactory):
    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("a long enough passphrase")

    class Meta:
        model = User
        skip_postgeneration_save = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or []:
            self.groups.add(Group.objects.get(name=name))


class SynonymGroupFactory(factory.django.DjangoModelFactory):
    terms = factory.Sequence(lambda n: f"clerkship {n}, clinical placement {n}")

    class Meta:
        model = SynonymGroup
