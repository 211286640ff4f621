"""The register of processing activities, split by concept."""

from .activity import (
    PROCESSOR_ROLES,
    ActivityRole,
    ActivityStatus,
    DpiaRequired,
    DpiaStatus,
    ProcessingActivity,
    Purpose,
)
from .finding_summary import FindingSummary
from .lawful_basis import ActivityLawfulBasis, RecognisedInterest
from .recipient import ActivityRecipient
from .reference import (
    ConditionScope,
    DataSubjectCategory,
    LawfulBasis,
    LawfulBasisKind,
    LegalJurisdiction,
    PersonalDataCategory,
    Schedule1Condition,
    SecurityMeasure,
    SecurityMeasureKind,
    SpecialCategoryCondition,
    TransferMechanism,
    TransferMechanismKind,
)
from .retention import DeletionMethod, RetentionRule, RetentionTrigger
from .transfer import InternationalTransfer, SccModule

__all__ = [
    "PROCESSOR_ROLES",
    "ActivityLawfulBasis",
    "ActivityRecipient",
    "ActivityRole",
    "ActivityStatus",
    "ConditionScope",
    "DataSubjectCategory",
    "DeletionMethod",
    "DpiaRequired",
    "DpiaStatus",
    "FindingSummary",
    "InternationalTransfer",
    "LawfulBasis",
    "LawfulBasisKind",
    "LegalJurisdiction",
    "PersonalDataCategory",
    "ProcessingActivity",
    "Purpose",
    "RecognisedInterest",
    "RetentionRule",
    "RetentionTrigger",
    "SccModule",
    "Schedule1Condition",
    "SecurityMeasure",
    "SecurityMeasureKind",
    "SpecialCategoryCondition",
    "TransferMechanism",
    "TransferMechanismKind",
]
