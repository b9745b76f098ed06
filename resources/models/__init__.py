from .api_token import ApiToken
from .base import Publishable, PublishableQuerySet
from .choices import (
    AppraisalStatus,
    AppraisalTool,
    Audience,
    Certainty,
    Direction,
    EditorialStatus,
    EvidenceRating,
    EvidenceRelation,
    InterventionType,
    KirkpatrickLevel,
    LearnerLevel,
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
from .search import SearchEntry
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
from .tally import PublishedTotal
from .topic import Topic
from .version import Version

__all__ = [
    "ApiToken",
    "AppraisalStatus",
    "AppraisalTool",
    "Audience",
    "Certainty",
    "Country",
    "Direction",
    "EditorialStatus",
    "EvidenceMapCell",
    "EvidenceRating",
    "EvidenceRelation",
    "Finding",
    "Intervention",
    "InterventionStudy",
    "InterventionType",
    "KirkpatrickLevel",
    "LearnerLevel",
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
    "Setting",
    "SourceDocument",
    "SourceKind",
    "Study",
    "StudyAuthor",
    "StudyDesign",
    "StudyLearnerLevel",
    "StudyReference",
    "Topic",
    "Version",
]
