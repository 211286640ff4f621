"""Who keeps the register and who receives the data."""

from .api_token import ApiToken
from .country import Adequacy, Country, InternationalOrganisation
from .organisation import (
    Contact,
    ContactRole,
    Jurisdiction,
    MemberRole,
    Membership,
    Organisation,
    Person,
)
from .third_party import PROCESSOR_KINDS, RecipientCategory, ThirdParty, ThirdPartyKind

__all__ = [
    "PROCESSOR_KINDS",
    "Adequacy",
    "ApiToken",
    "Contact",
    "ContactRole",
    "Country",
    "InternationalOrganisation",
    "Jurisdiction",
    "MemberRole",
    "Membership",
    "Organisation",
    "Person",
    "RecipientCategory",
    "ThirdParty",
    "ThirdPartyKind",
]
