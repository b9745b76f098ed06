"""A synthetic library for measuring speed at scale: realistic in shape, fake in every fact.

`generate(studies, seed)` fills the configured database with a library of the size a
mature collection reaches (up to ~100,000 studies), written in bulk. Everything it
writes is marked twice: every slug starts with `synthetic-`, and every study,
intervention, recommendation and topic lists the `synthetic-corpus` source document.
That source is how a real library is recognised: the generator refuses to run where any
published study lacks it, unless forced.

The text is word salad drawn from a vocabulary with Zipf-like frequencies, so a search
engine sees common, middling and rare words as in real prose. `SEARCH_WORDS` names one
word of each kind that the benchmark searches for; the rare and middling ones are
planted and appear nowhere else: the rare word in a dozen studies whatever the library's
size, so that its search shows the same page at every size and a benchmark comparing
sizes measures cost, not how full the page is; the middling word in one study in 25.
The same seed gives the same library.
"""

import math
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cached_property
from itertools import accumulate
from typing import Protocol

from django.db import models, transaction

from resources import changes
from resources.models import (
    AppraisalStatus,
    AppraisalTool,
    Audience,
    Certainty,
    Concern,
    Country,
    Direction,
    EditorialStatus,
    EvidenceRelation,
    Finding,
    Intervention,
    InterventionStudy,
    InterventionType,
    KirkpatrickLevel,
    LearnerLevel,
    LinkType,
    Outcome,
    Recommendation,
    RecommendationEvidence,
    RecommendationStrength,
    RiskOfBias,
    Setting,
    SourceDocument,
    SourceKind,
    Study,
    StudyAuthor,
    StudyDesign,
    StudyLearnerLevel,
    StudyReference,
    Topic,
)

SYNTHETIC_SOURCE_SLUG = "synthetic-corpus"
SLUG_PREFIX = "synthetic-"
BATCH = 1000
DEFAULT_SEED = 20240601

# Ranked by frequency: the first word is the most common, and a word's weight falls as
# 1 / rank. None is an English stop word, so every one is indexed by both engines.
_VOCABULARY_TEXT = """
learners training medical education students residents faculty programme curriculum
experience support racism clinical equity inclusion mentoring identity teaching
institutional learning professional change diversity community trainees reflection
feedback assessment school leadership peer collective advocacy action framework
safety belonging culture discrimination bias power structural reform engagement
wellbeing resilience skills knowledge attitudes behaviour practice workshop session
outcomes survey interview themes participants qualitative analysis cohort evaluation
development competence awareness allyship justice minoritised underrepresented
recruitment retention pipeline admissions selection simulation bedside ward rotation
placement supervision coaching sponsorship network solidarity dialogue narrative story
voice silence harm microaggression reporting accountability policy governance committee
strategy resources funding workload burnout fatigue mentor mentee reverse hierarchy
culture hidden informal formal accreditation standards competencies milestones
portfolio reflective writing longitudinal integrated primary care surgery paediatrics
psychiatry obstetrics emergency internal family global rural urban underserved
outreach partnership patients families trust communication language interpreter
disparities determinants social context history colonial decolonising pedagogy
critical consciousness transformative curriculum hidden mapping audit review content
images representation skin tone dermatology case vignette examination objective
structured station standardised actor role play debrief facilitator small group
large lecture online module blended asynchronous synchronous peer assisted near
senior junior attending consultant registrar intern clerkship elective selective
student society union association council forum town hall petition campaign protest
letter statement demand response administration dean provost office director
"""
VOCABULARY = list(dict.fromkeys(_VOCABULARY_TEXT.split()))

# Planted words: the benchmark's rare and middling searches, found nowhere else.
RARE_WORD = "zephyrine"
MIDDLING_WORD = "lanternwork"
RARE_STUDIES = 12  # studies that mention the rare word, spread through the library
MIDDLING_EVERY = 25  # one in 25 mentions the middling word
SEARCH_WORDS = {"rare": RARE_WORD, "middling": MIDDLING_WORD, "common": VOCABULARY[0]}

_CUMULATIVE_WEIGHTS = list(accumulate(1 / (rank + 1) ** 1.05 for rank in range(len(VOCABULARY))))

_FAMILY_NAMES_TEXT = """
Abara Achebe Adeyemi Ahmed Alvarez Anand Baptiste Begum Bennett Boateng Chen Chowdhury
Costa Da-Silva Dlamini Douglas Edwards Eze Fernandes Fischer Garcia Gordon Gupta Haddad
Hassan Hernandez Ibrahim Ito Jackson Jones Kaur Kim Kowalski Kumar Lee Lopez Mahmoud
Martin Mensah Mohamed Morales Murphy Nakamura Nguyen Nwosu Okafor Okonkwo Oliveira Patel
Perez Quinn Rahman Ramirez Reyes Robinson Sato Schmidt Shah Singh Smith Sokolov Tan
Taylor Thompson Torres Usman Vasquez Wang Williams Wilson Wong Yamamoto Yusuf Zhang
"""
FAMILY_NAMES = _FAMILY_NAMES_TEXT.split()
GIVEN_INITIALS = ["A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S"]

JOURNALS = [
    "Synthetic Journal of Medical Education",
    "Synthetic Medical Teacher",
    "Synthetic Academic Medicine",
    "Synthetic Clinical Teacher",
    "Synthetic Journal of Graduate Medical Education",
    "Synthetic BMC Medical Education",
    "Synthetic Perspectives on Medical Education",
    "Synthetic Advances in Health Sciences Education",
    "Synthetic Teaching and Learning in Medicine",
    "Synthetic Journal of Health Equity Education",
    "Synthetic Education for Primary Care",
    "Synthetic Postgraduate Training Review",
]

# Interventions and recommendations in even the smallest corpus: more than a list page
# holds (25 in the API), and enough that the most popular topic's page lists as many of
# each as it shows (20), so a benchmark compares full pages at every size and measures
# what the library's growth costs, not how full a page is.
AT_LEAST_A_PAGE = 60

COUNTRIES = [
    ("AU", "Australia"),
    ("BR", "Brazil"),
    ("CA", "Canada"),
    ("DE", "Germany"),
    ("GB", "United Kingdom"),
    ("GH", "Ghana"),
    ("IE", "Ireland"),
    ("IN", "India"),
    ("JP", "Japan"),
    ("KE", "Kenya"),
    ("NG", "Nigeria"),
    ("NL", "Netherlands"),
    ("NZ", "New Zealand"),
    ("PK", "Pakistan"),
    ("SE", "Sweden"),
    ("US", "United States"),
    ("ZA", "South Africa"),
]

TOPIC_THEMES = [
    "Collective identity",
    "Injustice framing",
    "Resource mobilisation",
    "Deficit discourse",
    "Mentorship",
    "Curriculum reform",
    "Psychological safety",
    "Allyship",
    "Bystander intervention",
    "Hidden curriculum",
    "Recruitment and retention",
    "Assessment bias",
    "Community partnership",
    "Leadership development",
    "Burnout and wellbeing",
    "Reporting systems",
    "Representation in teaching materials",
    "Faculty development",
    "Peer support",
    "Institutional accountability",
    "Language and interpreting",
    "Global health education",
    "Rural training",
    "Patient advocacy",
]

PRACTICES = [
    "reverse mentoring",
    "student-led anti-racism programme",
    "curriculum advocacy group",
    "DEI committee with learner seats",
    "community outreach clinic",
    "self-curated peer collective",
    "bystander training workshop",
    "anonymous reporting pathway",
    "case vignette audit",
    "structured debrief after harm",
    "sponsorship scheme",
    "affinity group",
]

MEASURES = [
    "Self-reported confidence in addressing bias",
    "Knowledge test score",
    "Observed intervention during a simulated microaggression",
    "Sense of belonging scale",
    "Burnout inventory score",
    "Reports filed through the new pathway",
    "Retention in the programme at one year",
    "Curriculum items revised",
    "Patient-reported communication score",
    "Attitudes towards equity scale",
]

DESIGN_WEIGHTS = {
    StudyDesign.QUALITATIVE: 30,
    StudyDesign.MIXED_METHODS: 10,
    StudyDesign.CROSS_SECTIONAL: 14,
    StudyDesign.PRE_POST: 12,
    StudyDesign.PROGRAMME_DESCRIPTION: 10,
    StudyDesign.COMMENTARY: 6,
    StudyDesign.NARRATIVE_REVIEW: 5,
    StudyDesign.COHORT: 5,
    StudyDesign.NON_RANDOMISED_COMPARISON: 4,
    StudyDesign.SYSTEMATIC_REVIEW: 2,
    StudyDesign.RANDOMISED_TRIAL: 2,
}
QUANTITATIVE = {
    StudyDesign.SYSTEMATIC_REVIEW,
    StudyDesign.RANDOMISED_TRIAL,
    StudyDesign.NON_RANDOMISED_COMPARISON,
    StudyDesign.COHORT,
    StudyDesign.PRE_POST,
    StudyDesign.CROSS_SECTIONAL,
    StudyDesign.MIXED_METHODS,
}
QUALITATIVE = {StudyDesign.QUALITATIVE, StudyDesign.MIXED_METHODS}
# The appraisal tool for each kind of design, with the maximum score it gives.
TOOL_FOR = {
    StudyDesign.QUALITATIVE: (AppraisalTool.CASP, 10),
    StudyDesign.MIXED_METHODS: (AppraisalTool.MMAT, 5),
    StudyDesign.NARRATIVE_REVIEW: (AppraisalTool.OTHER, 10),
    StudyDesign.PROGRAMME_DESCRIPTION: (AppraisalTool.OTHER, 10),
    StudyDesign.COMMENTARY: (AppraisalTool.OTHER, 10),
}
MERSQI = (AppraisalTool.MERSQI, 18)
KIRKPATRICK_WEIGHTS = {
    KirkpatrickLevel.REACTION: 25,
    KirkpatrickLevel.ATTITUDES: 30,
    KirkpatrickLevel.KNOWLEDGE: 20,
    KirkpatrickLevel.BEHAVIOUR: 13,
    KirkpatrickLevel.ORGANISATION: 8,
    KirkpatrickLevel.PATIENTS: 4,
}
APPRAISED_SHARE = 0.6
BASE_TIME = datetime(2024, 1, 1, tzinfo=UTC)

_NONE = dict.fromkeys(("methodological_limitations", "coherence", "adequacy", "relevance"), "none")
CERQUAL_COMPONENTS = {
    Certainty.HIGH: _NONE,
    Certainty.MODERATE: _NONE | {"adequacy": Concern.MODERATE},
    Certainty.LOW: _NONE | {"adequacy": Concern.MODERATE, "relevance": Concern.MODERATE},
    Certainty.VERY_LOW: _NONE | {"adequacy": Concern.SERIOUS, "relevance": Concern.MODERATE},
}


class CorpusRefused(Exception):
    """The database holds real published evidence, which a synthetic corpus would mix with."""


class Progress(Protocol):
    def stage(self, name: str, total: int) -> None: ...

    def advance(self, count: int) -> None: ...


class _Silent:
    def stage(self, name: str, total: int) -> None:
        pass

    def advance(self, count: int) -> None:
        pass


@dataclass
class CorpusReport:
    counts: dict[str, int] = field(default_factory=dict)


def non_synthetic_published_studies() -> int:
    """How many published studies are not part of a synthetic corpus."""
    return Study.objects.published().exclude(sources__slug=SYNTHETIC_SOURCE_SLUG).count()


def synthetic_source() -> SourceDocument:
    source, _ = SourceDocument.objects.get_or_create(
        slug=SYNTHETIC_SOURCE_SLUG,
        defaults={
            "kind": SourceKind.CURATOR,
            "title": "Synthetic benchmark corpus",
            "notes": "Generated by `manage.py generate_corpus` for measuring speed; "
            "every fact in these records is invented.",
        },
    )
    return source


def synthetic_studies() -> int:
    return Study.objects.filter(
        slug__startswith=SLUG_PREFIX, sources__slug=SYNTHETIC_SOURCE_SLUG
    ).count()


class _Writer:
    """Random choices from one seeded generator, so that a seed fixes the whole library."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def words(self, count: int) -> list[str]:
        return self.rng.choices(VOCABULARY, cum_weights=_CUMULATIVE_WEIGHTS, k=count)

    def sentence(self, low: int = 8, high: int = 18) -> str:
        words = self.words(self.rng.randint(low, high))
        return " ".join(words).capitalize() + "."

    def prose(self, sentences_low: int, sentences_high: int) -> str:
        count = self.rng.randint(sentences_low, sentences_high)
        return " ".join(self.sentence() for _ in range(count))

    def title(self) -> str:
        return " ".join(self.words(self.rng.randint(6, 14))).capitalize()

    def weighted(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def log_uniform(self, low: int, high: int) -> int:
        return round(math.exp(self.rng.uniform(math.log(low), math.log(high))))

    def status(self, index: int) -> tuple[str, datetime | None]:
        draw = self.rng.random()
        if draw < 0.02:
            return EditorialStatus.DRAFT, None
        if draw < 0.04:
            return EditorialStatus.IN_REVIEW, None
        return EditorialStatus.PUBLISHED, BASE_TIME + timedelta(minutes=index)


def _through_rows(model: type[models.Model], name: str, pairs: Iterable[tuple[int, int]]):
    relation = model._meta.get_field(name)
    through = relation.remote_field.through
    own, other = relation.m2m_column_name(), relation.m2m_reverse_name()
    return [through(**{own: left, other: right}) for left, right in pairs]


def _bulk(rows: list[models.Model]) -> None:
    if rows:
        type(rows[0]).objects.bulk_create(rows, batch_size=BATCH)


class _Builder:
    def __init__(self, studies: int, seed: int, progress: Progress):
        self.total = studies
        self.rare_every = max(1, studies // RARE_STUDIES)
        self.seed = seed
        self.write = _Writer(seed)
        self.progress = progress
        self.counts: dict[str, int] = {}
        self.study_pks: list[int] = []
        self.appraised: set[int] = set()

    def count(self, name: str, rows: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + rows

    def bulk(self, name: str, rows: list[models.Model]) -> None:
        _bulk(rows)
        self.count(name, len(rows))

    def run(self) -> dict[str, int]:
        self.source = synthetic_source()
        self.countries = self.ensure_countries()
        self.topics = self.make_topics()
        self.progress.stage("studies", self.total)
        for start in range(0, self.total, BATCH):
            stop = min(self.total, start + BATCH)
            self.make_studies(range(start, stop))
            self.progress.advance(stop - start)
        self.interventions = self.make_interventions()
        self.make_recommendations()
        return self.counts

    def ensure_countries(self) -> list[int]:
        existing = set(Country.objects.values_list("code", flat=True))
        Country.objects.bulk_create(
            [Country(code=code, name=name) for code, name in COUNTRIES if code not in existing]
        )
        return list(
            Country.objects.filter(code__in=[c for c, _ in COUNTRIES]).values_list("pk", flat=True)
        )

    def make_topics(self) -> list[int]:
        topics = [
            Topic(
                name=f"{theme} (synthetic)",
                slug=f"{SLUG_PREFIX}topic-{index}",
                description=self.write.prose(2, 4),
                status=EditorialStatus.PUBLISHED,
                published_at=BASE_TIME,
            )
            for index, theme in enumerate(TOPIC_THEMES)
        ]
        self.bulk("topics", topics)
        _bulk(_through_rows(Topic, "sources", ((t.pk, self.source.pk) for t in topics)))
        return [topic.pk for topic in topics]

    @cached_property
    def topic_weights(self) -> list[float]:
        return [1 / (rank + 1) for rank in range(len(self.topics))]

    def some_topics(self) -> set[int]:
        """One to three topics, the first ones the most popular (for studies, interventions
        and recommendations alike, as in a real library)."""
        rng = self.write.rng
        return set(rng.choices(self.topics, weights=self.topic_weights, k=rng.randint(1, 3)))

    # Studies ----------------------------------------------------------------------------

    def study(self, index: int) -> Study:
        write, rng = self.write, self.write.rng
        design = write.weighted(DESIGN_WEIGHTS)
        status, published_at = write.status(index)
        year = 1990 + int(35 * rng.random() ** 0.5)
        abstract = write.prose(4, 8)
        if index % MIDDLING_EVERY == 0:
            abstract += f" {MIDDLING_WORD.capitalize()} {write.sentence(4, 8).lower()}"
        if index % self.rare_every == 0 and index // self.rare_every < RARE_STUDIES:
            abstract += f" {RARE_WORD.capitalize()} {write.sentence(4, 8).lower()}"
        first_page = rng.randint(1, 900)
        study = Study(
            title=write.title(),
            slug=f"{SLUG_PREFIX}study-{index}",
            year=year,
            publication_date=date(year, rng.randint(1, 12), rng.randint(1, 28)),
            journal=rng.choice(JOURNALS),
            volume=str(rng.randint(1, 80)),
            issue=str(rng.randint(1, 12)),
            pages=f"{first_page}-{first_page + rng.randint(3, 20)}",
            doi=f"10.5555/synthetic.{self.seed}.{index}" if rng.random() < 0.9 else "",
            url=f"https://example.org/synthetic/{index}" if rng.random() < 0.3 else "",
            abstract=abstract,
            design=design,
            methods_summary=write.sentence(),
            setting=write.sentence(5, 10),
            participants=write.sentence(5, 10),
            sample_size=rng.randint(6, 40) if design in QUALITATIVE else rng.randint(20, 2000),
            key_findings=write.prose(1, 3),
            limitations=write.sentence(),
            is_open_access=rng.choice([True, False, None]),
            citation_count=int(rng.paretovariate(1.2)) - 1,
            citation_count_date=date(2025, 1, 1),
            status=status,
            published_at=published_at,
        )
        if rng.random() < APPRAISED_SHARE:
            tool, maximum = TOOL_FOR.get(design, MERSQI)
            study.appraisal_status = AppraisalStatus.APPRAISED
            study.appraisal_tool = tool
            study.appraisal_score_max = Decimal(maximum)
            study.appraisal_score = Decimal(round(rng.uniform(0.4, 1.0) * maximum * 2) / 2)
            study.appraisal_summary = write.sentence()
            study.risk_of_bias = write.weighted(
                {RiskOfBias.LOW: 40, RiskOfBias.SOME_CONCERNS: 40, RiskOfBias.HIGH: 20}
            )
            study.risk_of_bias_notes = write.sentence()
        return study

    def authors(self, study: Study) -> list[StudyAuthor]:
        rng = self.write.rng
        count = min(12, 1 + int(rng.expovariate(1 / 3)))
        return [
            StudyAuthor(
                study=study,
                position=position,
                family_name=rng.choice(FAMILY_NAMES),
                given_names=" ".join(rng.sample(GIVEN_INITIALS, rng.randint(1, 2))),
            )
            for position in range(1, count + 1)
        ]

    def outcomes(self, study: Study) -> list[Outcome]:
        write, rng = self.write, self.write.rng
        rows = []
        for position in range(1, rng.randint(1, 4) + 1):
            p_value = Decimal(rng.random() ** 3).quantize(Decimal("0.000001"))
            below = p_value < Decimal("0.001")  # reported as p < 0.001, as journals do
            if p_value < Decimal("0.05"):
                direction = Direction.IMPROVED if rng.random() < 0.9 else Direction.WORSE
            else:
                direction = Direction.NO_DIFFERENCE if rng.random() < 0.8 else Direction.MIXED
            rows.append(
                Outcome(
                    study=study,
                    position=position,
                    measure=rng.choice(MEASURES),
                    kirkpatrick_level=write.weighted(KIRKPATRICK_WEIGHTS),
                    intervention_value=Decimal(rng.randint(0, 100000)) / 1000,
                    intervention_n=rng.randint(10, 500),
                    comparison_value=Decimal(rng.randint(0, 100000)) / 1000,
                    comparison_n=rng.randint(10, 500),
                    unit="%",
                    p_value=Decimal("0.001") if below else p_value,
                    p_value_qualifier="<" if below else "=",
                    effect_size=f"d = {rng.uniform(0, 1.2):.2f}" if rng.random() < 0.4 else "",
                    direction=direction,
                )
            )
        return rows

    def findings(self, study: Study) -> list[Finding]:
        write, rng = self.write, self.write.rng
        rows = []
        for position in range(1, rng.randint(1, 5) + 1):
            confidence = write.weighted(
                {
                    Certainty.HIGH: 15,
                    Certainty.MODERATE: 40,
                    Certainty.LOW: 35,
                    Certainty.VERY_LOW: 10,
                }
            )
            level = write.weighted(KIRKPATRICK_WEIGHTS) if rng.random() < 0.6 else ""
            rows.append(
                Finding(
                    study=study,
                    position=position,
                    statement=write.sentence(10, 24),
                    # GRADE-CERQual components that give `confidence` (resources.certainty)
                    **CERQUAL_COMPONENTS[confidence],
                    confidence=confidence,
                    confidence_explanation=write.sentence(),
                    reports_change=bool(level),
                    kirkpatrick_level=level,
                )
            )
        return rows

    def cited(self, index: int) -> set[int]:
        """Earlier studies this one cites: some classics many cite, the rest at random."""
        rng = self.write.rng
        if index == 0:
            return set()
        classics = max(1, min(index, self.total // 100))
        picks = set()
        for _ in range(min(index, int(rng.expovariate(1 / 4)))):
            picks.add(rng.randrange(classics) if rng.random() < 0.3 else rng.randrange(index))
        return picks

    def make_studies(self, indexes: range) -> None:
        rng = self.write.rng
        studies, authors, outcomes, findings, levels = [], [], [], [], []
        for index in indexes:
            study = self.study(index)
            studies.append(study)
            authors += self.authors(study)
            if study.design in QUANTITATIVE:
                outcomes += self.outcomes(study)
            if study.design in QUALITATIVE:
                findings += self.findings(study)
            levels += [
                StudyLearnerLevel(study=study, level=level)
                for level in rng.sample(LearnerLevel.values, rng.randint(1, 2))
            ]
        self.bulk("studies", studies)
        self.study_pks += [study.pk for study in studies]
        self.appraised |= {s.pk for s in studies if s.appraisal_status == AppraisalStatus.APPRAISED}
        self.bulk("authors", authors)
        self.bulk("outcomes", outcomes)
        self.bulk("findings", findings)
        self.bulk("learner levels", levels)
        pairs = {"sources": [], "topics": [], "countries": []}
        references = []
        for index, study in zip(indexes, studies, strict=True):
            pairs["sources"].append((study.pk, self.source.pk))
            pairs["topics"] += [(study.pk, topic) for topic in self.some_topics()]
            countries = rng.sample(self.countries, rng.randint(1, 2))
            pairs["countries"] += [(study.pk, country) for country in countries]
            references += [
                StudyReference(
                    citing_id=study.pk, cited_id=self.study_pks[cited], numbers=str(number)
                )
                for number, cited in enumerate(sorted(self.cited(index)), start=1)
            ]
        for name, rows in pairs.items():
            self.bulk(f"study {name}", _through_rows(Study, name, rows))
        self.bulk("references", references)

    # Interventions and recommendations --------------------------------------------------

    def make_interventions(self) -> dict[int, list[int]]:
        """Interventions with 5 to 500 linked studies each; the first has the most."""
        write, rng = self.write, self.write.rng
        count = max(AT_LEAST_A_PAGE, self.total // 100)
        self.progress.stage("interventions", count)
        interventions, linked = [], []
        for index in range(count):
            status, published_at = write.status(index)
            interventions.append(
                Intervention(
                    name=f"Synthetic {rng.choice(PRACTICES)} {index + 1}",
                    slug=f"{SLUG_PREFIX}intervention-{index}",
                    intervention_type=rng.choice(InterventionType.values),
                    setting=rng.choice(Setting.values),
                    summary=write.prose(2, 3),
                    audience=write.sentence(5, 10),
                    how_it_works=write.prose(2, 4),
                    implementation_steps="\n".join(
                        write.sentence(5, 10) for _ in range(rng.randint(3, 6))
                    ),
                    resources_needed=write.sentence(),
                    barriers=write.sentence(),
                    facilitators=write.sentence(),
                    status=status,
                    published_at=published_at,
                )
            )
            size = 500 if index == 0 else write.log_uniform(5, 500)
            linked.append(rng.sample(self.study_pks, min(size, self.total)))
        self.bulk("interventions", interventions)
        links, topics = [], []
        for intervention, studies in zip(interventions, linked, strict=True):
            for study in studies:
                measured = study in self.appraised or rng.random() < 0.5
                links.append(
                    InterventionStudy(
                        intervention=intervention,
                        study_id=study,
                        link_type=(
                            LinkType.EVALUATED
                            if measured
                            else rng.choice([LinkType.EXPLORED, LinkType.DESCRIBED])
                        ),
                        what_it_found=write.sentence(8, 16),
                        direction=(
                            write.weighted(
                                {
                                    Direction.IMPROVED: 80,
                                    Direction.NO_DIFFERENCE: 12,
                                    Direction.MIXED: 5,
                                    Direction.WORSE: 3,
                                }
                            )
                            if measured
                            else ""
                        ),
                    )
                )
            topics += [(intervention.pk, topic) for topic in self.some_topics()]
            self.progress.advance(1)
        self.bulk("intervention links", links)
        # each study's outcomes measured the first practice it evaluated: a statement per
        # practice (one correlated UPDATE read every link for each outcome on SQLite)
        first_evaluated = {}
        for link in links:
            if link.link_type == LinkType.EVALUATED:
                first_evaluated.setdefault(link.study_id, link.intervention_id)
        studies_of = defaultdict(list)
        for study, intervention in first_evaluated.items():
            studies_of[intervention].append(study)
        for intervention, studies in studies_of.items():
            Outcome.objects.filter(study_id__in=studies).update(intervention_id=intervention)
        self.bulk("intervention topics", _through_rows(Intervention, "topics", topics))
        sources = ((i.pk, self.source.pk) for i in interventions)
        _bulk(_through_rows(Intervention, "sources", sources))
        return {i.pk: studies for i, studies in zip(interventions, linked, strict=True)}

    def make_recommendations(self) -> None:
        write, rng = self.write, self.write.rng
        count = max(AT_LEAST_A_PAGE, self.total // 500)
        self.progress.stage("recommendations", count)
        recommendations, plans = [], []
        intervention_pks = list(self.interventions)
        for index in range(count):
            status, published_at = write.status(index)
            recommendations.append(
                Recommendation(
                    title=f"Synthetic recommendation {index + 1}: {write.title()}"[:200],
                    slug=f"{SLUG_PREFIX}recommendation-{index}",
                    statement=write.sentence(),
                    rationale=write.prose(2, 4),
                    audience=rng.choice(Audience.values),
                    strength=rng.choice(RecommendationStrength.values),
                    certainty=rng.choice(Certainty.values),
                    status=status,
                    published_at=published_at,
                )
            )
            concerns = rng.sample(intervention_pks, min(len(intervention_pks), rng.randint(1, 3)))
            pool = self.interventions[concerns[0]]
            evidence = rng.sample(pool, min(len(pool), rng.randint(3, 30)))
            plans.append((concerns, evidence))
            self.progress.advance(1)
        self.bulk("recommendations", recommendations)
        evidence_rows, concern_pairs, topic_pairs = [], [], []
        for recommendation, (concerns, evidence) in zip(recommendations, plans, strict=True):
            evidence_rows += [
                RecommendationEvidence(
                    recommendation=recommendation,
                    study_id=study,
                    relation=(
                        EvidenceRelation.SUPPORTS
                        if rng.random() < 0.85
                        else EvidenceRelation.CONTRADICTS
                    ),
                    note=write.sentence(6, 12),
                )
                for study in evidence
            ]
            concern_pairs += [(recommendation.pk, pk) for pk in concerns]
            topic_pairs += [(recommendation.pk, pk) for pk in self.some_topics()]
        self.bulk("recommendation evidence", evidence_rows)
        self.bulk(
            "recommendation interventions",
            _through_rows(Recommendation, "interventions", concern_pairs),
        )
        _bulk(_through_rows(Recommendation, "topics", topic_pairs))
        sources = ((r.pk, self.source.pk) for r in recommendations)
        _bulk(_through_rows(Recommendation, "sources", sources))


def generate(
    studies: int,
    seed: int = DEFAULT_SEED,
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> CorpusReport:
    """Build a synthetic corpus of `studies` studies, with ratings, map and search index.

    Refuses (CorpusRefused) when the database holds published studies that are not
    synthetic, unless `force`: a benchmark must never be mistaken for evidence. It also
    refuses to build over an earlier corpus: deleting one goes through the ORM, one
    history record per row, which at this scale is slower than starting afresh.
    """
    if studies < 1:
        raise ValueError("A corpus needs at least one study.")
    real = non_synthetic_published_studies()
    if real and not force:
        raise CorpusRefused(
            f"This database holds {real:,} published studies that are not synthetic. "
            "Generate the corpus into an empty database, or force it to mix them."
        )
    existing = synthetic_studies()
    if existing:
        raise CorpusRefused(
            f"This database already holds a synthetic corpus ({existing:,} studies). "
            "Build the new one into a fresh database."
        )
    progress = progress or _Silent()
    with transaction.atomic():
        counts = _Builder(studies, seed, progress).run()
        progress.stage("ratings, evidence map, counts and search index", 0)
        changes.rebuild()
    return CorpusReport(counts)


def write_ris(path, records: int, seed: int = DEFAULT_SEED) -> None:
    """A synthetic RIS file of `records` journal articles, for timing bulk imports.

    Written record by record, so the file can be far larger than memory would like.
    DOIs are under the test prefix 10.5555 and never collide with a generated study.
    """
    write = _Writer(seed)
    rng = write.rng
    with open(path, "w", encoding="utf-8") as ris:
        for index in range(records):
            year = 1990 + int(35 * rng.random() ** 0.5)
            first_page = rng.randint(1, 900)
            lines = ["TY  - JOUR"]
            lines += [
                f"AU  - {rng.choice(FAMILY_NAMES)}, {rng.choice(GIVEN_INITIALS)}."
                for _ in range(min(12, 1 + int(rng.expovariate(1 / 3))))
            ]
            lines += [
                f"TI  - {write.title()}",
                f"T2  - {rng.choice(JOURNALS)}",
                f"PY  - {year}",
                f"VL  - {rng.randint(1, 80)}",
                f"IS  - {rng.randint(1, 12)}",
                f"SP  - {first_page}",
                f"EP  - {first_page + rng.randint(3, 20)}",
                f"DO  - 10.5555/synthetic-import.{seed}.{index}",
                f"AB  - {write.prose(4, 8)}",
                "ER  - ",
                "",
            ]
            ris.write("\n".join(lines) + "\n")
