from .alert import AlertKind, AlertPeriod, Digest, Subscription
from .api_token import ApiToken
from .base import Publishable, PublishableQuerySet
from .choices import (
    AppraisalStatus,
    AppraisalTool,
    Audience,
    Certainty,
    Concern,
    Direction,
    EditorialStatus,
    EffectCertainty,
    EvidenceRelation,
    Holdings,
    Indirectness,
    InterventionType,
    KirkpatrickLevel,
    LearnerLevel,
    LinkType,
    RecommendationStrength,
    RiskOfBias,
    Setting,
    SourceKind,
    StudyDesign,
)
from .evidence_map import EvidenceMapCell
from .intervention import Intervention, InterventionStudy
from .recommendation import Recommendation, RecommendationEvidence
from .revision import Revision
from .search import SearchEntry, SearchWord, SynonymGroup
from .source import SourceDocument
from .study import (
    Country,
    Finding,
    Outcome,
    Study,
    StudyAuthor,
    StudyLearnerLevel,
    StudyReference,
)
from .tally import LibraryChange, PublishedTotal
from .topic import Topic
from .version import Version

__all__ = [
    "AlertKind",
    "AlertPeriod",
    "ApiToken",
    "AppraisalStatus",
    "AppraisalTool",
    "Audience",
    "Certainty",
    "Concern",
    "Country",
    "Digest",
    "Direction",
    "EditorialStatus",
    "EffectCertainty",
    "EvidenceMapCell",
    "EvidenceRelation",
    "Finding",
    "Holdings",
    "Indirectness",
    "Intervention",
    "InterventionStudy",
    "InterventionType",
    "KirkpatrickLevel",
    "LearnerLevel",
    "LibraryChange",
    "LinkType",
    "Outcome",
    "Publishable",
    "PublishableQuerySet",
    "PublishedTotal",
    "Recommendation",
    "RecommendationEvidence",
    "RecommendationStrength",
    "Revision",
    "RiskOfBias",
    "SearchEntry",
    "SearchWord",
    "Setting",
    "SourceDocument",
    "SourceKind",
    "Study",
    "StudyAuthor",
    "StudyDesign",
    "StudyLearnerLevel",
    "StudyReference",
    "Subscription",
    "SynonymGroup",
    "Topic",
    "Version",
]
