"""Fixed vocabularies of the evidence model, with the behaviour that belongs to them."""

from django.db import models


class EditorialStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"


class StudyDesign(models.TextChoices):
    SYSTEMATIC_REVIEW = "systematic_review", "Systematic review or meta-analysis"
    RANDOMISED_TRIAL = "randomised_trial", "Randomised controlled trial"
    NON_RANDOMISED_COMPARISON = "non_randomised_comparison", "Non-randomised controlled comparison"
    COHORT = "cohort", "Cohort study"
    PRE_POST = "pre_post", "Before-and-after study"
    CROSS_SECTIONAL = "cross_sectional", "Cross-sectional survey"
    QUALITATIVE = "qualitative", "Qualitative study"
    MIXED_METHODS = "mixed_methods", "Mixed-methods study"
    NARRATIVE_REVIEW = "narrative_review", "Narrative or integrative review"
    PROGRAMME_DESCRIPTION = "programme_description", "Programme description or case report"
    COMMENTARY = "commentary", "Commentary, framework or policy statement"

    @property
    def is_qualitative(self) -> bool:
        return self in {StudyDesign.QUALITATIVE, StudyDesign.MIXED_METHODS}


class LearnerLevel(models.TextChoices):
    UNDERGRADUATE = "undergraduate", "Undergraduate (medical students)"
    POSTGRADUATE = "postgraduate", "Postgraduate trainees"
    FACULTY = "faculty", "Faculty and staff"


class KirkpatrickLevel(models.TextChoices):
    """Kirkpatrick's levels as adapted by the BEME collaboration."""

    REACTION = "1", "1 Reaction"
    ATTITUDES = "2a", "2a Attitudes and perceptions"
    KNOWLEDGE = "2b", "2b Knowledge and skills"
    BEHAVIOUR = "3", "3 Behaviour"
    ORGANISATION = "4a", "4a Organisational practice"
    PATIENTS = "4b", "4b Benefit to patients"


class Certainty(models.TextChoices):
    """GRADE certainty of an effect, or GRADE-CERQual confidence in a qualitative finding."""

    HIGH = "high", "High"
    MODERATE = "moderate", "Moderate"
    LOW = "low", "Low"
    VERY_LOW = "very_low", "Very low"


class Concern(models.TextChoices):
    """A GRADE-CERQual component judgement: how much concern it raises, least first."""

    NONE = "none", "No or very minor concerns"
    MINOR = "minor", "Minor concerns"
    MODERATE = "moderate", "Moderate concerns"
    SERIOUS = "serious", "Serious concerns"


class Direction(models.TextChoices):
    IMPROVED = "improved", "Improved"
    NO_DIFFERENCE = "no_difference", "No difference"
    WORSE = "worse", "Worse"
    MIXED = "mixed", "Mixed"


class AppraisalStatus(models.TextChoices):
    NOT_APPRAISED = "not_appraised", "Not yet appraised"
    APPRAISED = "appraised", "Appraised"


class Holdings(models.TextChoices):
    """What the library holds of a work: an appraisal can rest only on what it holds."""

    FULL_TEXT = "full_text", "Full text"
    ABSTRACT = "abstract", "Abstract"
    PARTIAL_ABSTRACT = "partial_abstract", "Title and part of the abstract"
    TITLE_ONLY = "title_only", "Title only (a reference)"

    @property
    def enough_to_appraise(self) -> bool:
        return self in {Holdings.FULL_TEXT, Holdings.ABSTRACT}


class AppraisalTool(models.TextChoices):
    MERSQI = "mersqi", "MERSQI"
    CASP = "casp", "CASP qualitative checklist"
    SRQR = "srqr", "SRQR"
    MMAT = "mmat", "Mixed Methods Appraisal Tool (MMAT)"
    OTHER = "other", "Other"


class RiskOfBias(models.TextChoices):
    LOW = "low", "Low"
    SOME_CONCERNS = "some_concerns", "Some concerns"
    HIGH = "high", "High"


class BiasDomain(models.TextChoices):
    """Domains of risk of bias, in the order and words of Cochrane's tools: RoB 2 for
    randomised trials, ROBINS-I for non-randomised studies (a study is judged on the
    domains its tool has)."""

    CONFOUNDING = "confounding", "Confounding"
    RANDOMISATION = "randomisation", "Randomisation process"
    SELECTION = "selection", "Selection of participants"
    CLASSIFICATION = "classification", "Classification of interventions"
    DEVIATIONS = "deviations", "Deviations from intended interventions"
    MISSING_DATA = "missing_data", "Missing outcome data"
    MEASUREMENT = "measurement", "Measurement of outcomes"
    REPORTING = "reporting", "Selection of the reported result"


class BiasJudgement(models.TextChoices):
    """A judgement of one risk-of-bias domain; "unclear" where the report does not say."""

    LOW = "low", "Low"
    SOME_CONCERNS = "some_concerns", "Some concerns"
    HIGH = "high", "High"
    UNCLEAR = "unclear", "Unclear: not enough information"


class EffectCertainty(models.TextChoices):
    """The answer to "does it work?": GRADE's certainty of an effect, best first, or no
    evaluation at all. Never a blend with qualitative confidence, which is answered apart."""

    HIGH = "high", "High"
    MODERATE = "moderate", "Moderate"
    LOW = "low", "Low"
    VERY_LOW = "very_low", "Very low"
    NOT_EVALUATED = "not_evaluated", "No evaluation yet"

    @property
    def rank(self) -> int:
        """Higher is more certain; used to sort practices by the certainty of an effect."""
        return len(EffectCertainty) - list(EffectCertainty).index(self)


class Indirectness(models.TextChoices):
    """A curator's GRADE judgement of how directly an evaluating study bears on the practice."""

    SERIOUS = "serious", "Serious (rate down one level)"
    VERY_SERIOUS = "very_serious", "Very serious (rate down two levels)"


class InterventionType(models.TextChoices):
    MENTORING = "mentoring", "Mentoring"
    LEARNER_LED_PROGRAMME = "learner_led_programme", "Learner-led programme"
    CURRICULUM = "curriculum", "Curriculum change"
    COMMUNITY = "community", "Community engagement"
    GOVERNANCE = "governance", "Institutional governance"
    PEER_NETWORK = "peer_network", "Peer network"


class LinkType(models.TextChoices):
    """What a study did with a practice; only an evaluation bears on "does it work?"."""

    EVALUATED = "evaluated", "Evaluated"
    EXPLORED = "explored", "Explored"
    DESCRIBED = "described", "Described"

    @property
    def meaning(self) -> str:
        return {
            LinkType.EVALUATED: "measured outcomes of the practice as delivered",
            LinkType.EXPLORED: "studied people's experience of the practice, qualitatively",
            LinkType.DESCRIBED: "describes, proposes or discusses the practice without "
            "evaluating it",
        }[self]


class EvidenceRelation(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    CONTRADICTS = "contradicts", "Contradicts"


class RecommendationStrength(models.TextChoices):
    STRONG = "strong", "Strong"
    CONDITIONAL = "conditional", "Conditional"


class Audience(models.TextChoices):
    EDUCATORS = "educators", "Educators"
    INSTITUTIONS = "institutions", "Institutions"
    LEARNERS = "learners", "Learners"


class SourceKind(models.TextChoices):
    SEED = "seed", "Seed document"
    IMPORT = "import", "Imported reference file"
    CURATOR = "curator", "Curator entry"


class Setting(models.TextChoices):
    MEDICAL_SCHOOL = "medical_school", "Medical school"
    CLINICAL_TRAINING = "clinical_training", "Clinical and postgraduate training"
    INSTITUTION = "institution", "Institution-wide"
    COMMUNITY = "community", "Community"
