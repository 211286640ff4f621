"""The demo register: the processing that three published privacy policies describe.

The policies of Akixi Limited (updated 18 June 2023), Mondago Limited (last updated
22 November 2023) and ConnexAI are transcribed here as data, and ``load_demo`` writes
them through the services, so the demo register is also the richest test data: a
processor record, a group with a US affiliate, the Akixi / Mondago acquisition with
shared marketing, named recipients with addresses, consent limited to one purpose,
retention counted from the end of the customer relationship or from submission, and US
transfers under the UK Addendum or the EU-US Data Privacy Framework.

What a policy states is recorded in its own words; what it does not state is left empty,
so the findings engine reports the gap (no Art 28 contract links, no retention for most
of ConnexAI's processing, no mechanism named for Mondago's US transfers, no law cited for
the legal obligations...). Where a policy's own kind of data has no reference term, the
closest term is used and the policy's words are kept in the description.

``load_demo`` is idempotent: organisations are keyed by name, third parties by
organisation and name, activities by organisation and reference, and an object is written
only when it differs from the data here, so a second run changes nothing and adds no
history.

The demo logins have fixed, published passwords: they are for a local demo only.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from entities.models import (
    Contact,
    Country,
    MemberRole,
    Membership,
    Organisation,
    RecipientCategory,
    ThirdParty,
)
from entities.services import (
    contact_create,
    entity_save,
    membership_set,
    organisation_create,
    third_party_create,
)
from ropa.audit import ChangePath, audit_context

from .findings import register_findings
from .models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    ActivityStatus,
    DataSubjectCategory,
    InternationalTransfer,
    LawfulBasis,
    PersonalDataCategory,
    ProcessingActivity,
    Purpose,
    RetentionRule,
    SecurityMeasure,
    TransferMechanism,
)
from .services import activity_create, activity_transition, activity_update, part_delete, part_save

PATH = ChangePath.COMMAND


class DemoDataError(ValueError):
    """The demo data names something the database does not hold (a reference code...)."""


# --- Organisations ---------------------------------------------------------------------------

AKIXI = "Akixi Limited"
MONDAGO = "Mondago Limited"
MONDAGO_HOLDINGS = "Mondago Holdings Limited"
MONDAGO_INC = "Mondago Inc"
CONNEXAI = "ConnexAI"

AKIXI_ADDRESS = "Churchill Court, 3 Manor Royal, Crawley, West Sussex RH10 9LU, United Kingdom"
MONDAGO_ADDRESS = "2 Commerce Road, Lynchwood, Peterborough PE2 6LR, England"
CONNEXAI_ADDRESS = "Bauhaus, 27 Quay St, Manchester M3 3GY"

#: Field defaults: a field the data does not give is reset to these on every load.
ORGANISATION_DEFAULTS = {
    "trading_name": "", "registration_number": "", "authority_registration_ref": "",
    "vat_number": "", "address": "", "country": None, "website": "", "email": "", "phone": "",
    "parent": None, "jurisdiction": "uk",
}

ORGANISATIONS = [
    {
        "name": AKIXI,
        "address": AKIXI_ADDRESS,
        "country": "GB",
        "phone": "+44 (0)1293 853060",
        "website": "https://www.akixi.com/",
    },
    # The Mondago policy names the three companies ("Mondago is made up of several
    # different companies: Mondago Limited, Mondago Holdings Limited and Mondago Inc")
    # without stating how they are held. Mondago Holdings Limited is recorded as the
    # parent of the other two, as its name suggests; its address and country are not
    # given.
    {"name": MONDAGO_HOLDINGS},
    {
        "name": MONDAGO,
        "authority_registration_ref": "ZA073957",
        "address": MONDAGO_ADDRESS,
        "country": "GB",
        "email": "dpo@mondago.com",
        "website": "https://webexcalling.gointegrator.com/",
        "parent": MONDAGO_HOLDINGS,
    },
    {"name": MONDAGO_INC, "country": "US", "parent": MONDAGO_HOLDINGS},
    # Akixi's addendum speaks of the "merger and acquisition of Mondago by Akixi" but does
    # not say which company holds which: no parent links the two groups; each register
    # names the other company as a group company recipient instead.
    {
        "name": CONNEXAI,
        "registration_number": "8814633",
        "vat_number": "198 9086 36",
        "address": CONNEXAI_ADDRESS,
        "country": "GB",
        "email": "compliance@connexone.ng",
        "website": "https://connex.ai/",
        # The policy applies the EU GDPR and speaks of transfers out of the EEA.
        "jurisdiction": "eu",
    },
]

CONTACT_DEFAULTS = {"email": "", "phone": "", "address": ""}

CONTACTS = [
    # Akixi has appointed "Data Compliance Officers (DCO)"; it does not call them a DPO.
    {
        "organisation": AKIXI, "role": "privacy", "name": "Data Compliance Officers (DCO)",
        "phone": "+44 (0)1293 853060",
        "address": "Akixi, Churchill Court, 3 Manor Royal, Crawley, RH10 9LU",
    },
    {
        "organisation": AKIXI, "role": "contact",
        "name": "Marketing (opt-out and withdrawal of consent)", "email": "marketing@akixi.com",
    },
    # Mondago's "Contact Us" section gives a dpo@ mailbox but names no DPO.
    {
        "organisation": MONDAGO, "role": "privacy", "name": "Mondago data protection contact",
        "email": "dpo@mondago.com", "address": MONDAGO_ADDRESS,
    },
    {
        "organisation": CONNEXAI, "role": "dpo", "name": "Bethany Longthorne",
        "email": "compliance@connexone.ng", "phone": "0333 344 2435",
        "address": "Compliance, ConnexAI, Bauhaus, 27 Quay St, Manchester M3 3GY",
    },
]


# --- Third parties ---------------------------------------------------------------------------

THIRD_PARTY_DEFAULTS = {
    "category": None, "service": "", "country": None, "address": "", "email": "", "phone": "",
    "website": "", "contract_link": "", "dpf_certified": False, "group_organisation": None,
    "notes": "",
}

_INSIDE_OR_OUTSIDE = "Based inside or outside the UK or EEA (the policy gives no country)."

THIRD_PARTIES = [
    # Akixi: "Internal Third-Parties" and "External Third-Parties" of its glossary.
    {
        "organisation": AKIXI, "name": "Akixi Group companies", "kind": "group_company",
        "category": "group-companies",
        "service": "IT, system administration, software development and visual design services",
        "notes": "Other companies in the Akixi Group acting as joint processors or "
                 "sub-processors. " + _INSIDE_OR_OUTSIDE,
    },
    {
        "organisation": AKIXI, "name": MONDAGO, "kind": "group_company",
        "category": "group-companies", "country": "GB", "address": MONDAGO_ADDRESS,
        "group_organisation": MONDAGO,
        "service": "Shared marketing and sales; shared processing of financial transactions, "
                   "support services and provisioning and delivery of services",
        "notes": "Addendum regarding the merger and acquisition of Mondago by Akixi.",
    },
    {
        "organisation": AKIXI, "name": "IT and software service providers", "kind": "processor",
        "category": "it-services",
        "service": "IT, system administration, software development and visual design services",
        "notes": "Service providers acting as processors. " + _INSIDE_OR_OUTSIDE,
    },
    {
        "organisation": AKIXI, "name": "Billing and invoicing providers", "kind": "processor",
        "category": "billing-provider", "service": "Billing and invoicing services",
        "notes": _INSIDE_OR_OUTSIDE,
    },
    *[
        {
            "organisation": AKIXI, "name": name, "kind": "processor",
            "category": "business-software",
            "service": "Application provider: data storage, data management and/or marketing "
                       "communication services",
            "notes": "Application provider acting as processor. " + _INSIDE_OR_OUTSIDE,
        }
        for name in ("HubSpot", "UserVoice", "Monday.com")
    ],
    {
        "organisation": AKIXI, "name": "Amazon Web Services Inc", "kind": "processor",
        "category": "cloud-provider", "service": "Data centre and cloud computing platform",
        "notes": _INSIDE_OR_OUTSIDE,
    },
    {
        "organisation": AKIXI, "name": "34SP.com Limited", "kind": "processor",
        "category": "hosting-provider", "service": "Data centre and cloud computing platform",
        "notes": _INSIDE_OR_OUTSIDE,
    },
    {
        "organisation": AKIXI, "name": "Professional advisers", "kind": "adviser",
        "category": "professional-advisers",
        "service": "Lawyers, bankers, auditors and insurers: consultancy, banking, legal, "
                   "insurance and accounting services",
        "notes": "Described by the policy as acting as joint processors. " + _INSIDE_OR_OUTSIDE,
    },
    {
        "organisation": AKIXI, "name": "HM Revenue & Customs", "kind": "public_authority",
        "category": "tax-authority", "country": "GB",
        "service": "Requires reporting of processing activities in certain circumstances",
    },
    {
        "organisation": AKIXI, "name": "Regulators and other authorities",
        "kind": "public_authority", "category": "regulators-authorities",
        "service": "Require reporting of processing activities in certain circumstances",
        "notes": "Based in the United Kingdom or outside the EEA.",
    },
    # Controllers served by the telephony reporting service (Akixi's processor record).
    {
        "organisation": AKIXI, "name": "Reporting service customers", "kind": "controller",
        "service": "Customers subscribing to Akixi's reporting services, whose call, ACD and "
                   "other telephony activity is recorded",
    },
    {
        "organisation": AKIXI, "name": "Telephony Service Providers", "kind": "controller",
        "service": "Telephony Services Providers of the End Users of the reporting service",
    },
    # Sources of data, not recipients.
    {
        "organisation": AKIXI, "name": "Google LLC", "kind": "controller",
        "category": "analytics-provider",
        "service": "Analytics provider and search information provider: a source of "
                   "Technical Data",
        "notes": "Based inside and outside the UK or EEA.",
    },
    {
        "organisation": AKIXI, "name": "Companies House", "kind": "public_authority",
        "category": "credit-reference", "country": "GB",
        "service": "Publicly available source of Identity and Contact Data",
    },
    {
        "organisation": AKIXI, "name": "The Credit Safe Group", "kind": "controller",
        "category": "credit-reference",
        "service": "Publicly available source of Identity and Contact Data",
        "notes": "Based inside & outside the UK or EEA.",
    },
    # Mondago: "Information disclosure to third parties".
    {
        "organisation": MONDAGO, "name": MONDAGO_INC, "kind": "group_company",
        "category": "group-companies", "country": "US", "group_organisation": MONDAGO_INC,
        "service": "Mondago Group company acting as data processor",
        "notes": "Mondago Inc is based in the United States of America. The policy states "
                 "that Mondago is subject to the investigatory and enforcement powers of the "
                 "Federal Trade Commission (FTC).",
    },
    {
        "organisation": MONDAGO, "name": MONDAGO_HOLDINGS, "kind": "group_company",
        "category": "group-companies", "group_organisation": MONDAGO_HOLDINGS,
        "service": "Mondago Group company acting as data processor",
        "notes": "The Mondago Group companies are based in the UK and USA; the policy does not "
                 "say where Mondago Holdings Limited is.",
    },
    {
        "organisation": MONDAGO, "name": AKIXI, "kind": "group_company",
        "category": "group-companies", "country": "GB", "address": AKIXI_ADDRESS,
        "group_organisation": AKIXI,
        "service": "Shared marketing and sales; shared processing of financial transactions, "
                   "support services and provisioning and delivery of services",
        "notes": "Addendum regarding the merger and acquisition of Mondago by Akixi.",
    },
    {
        "organisation": MONDAGO, "name": "Website hosts", "kind": "processor",
        "category": "hosting-provider", "service": "Website hosting",
    },
    {
        "organisation": MONDAGO, "name": "Cloud services providers", "kind": "processor",
        "category": "cloud-provider", "service": "Cloud services",
    },
    {
        "organisation": MONDAGO, "name": "CRM system providers", "kind": "processor",
        "category": "crm-provider", "service": "CRM system",
    },
    {
        "organisation": MONDAGO, "name": "Professional advisers", "kind": "adviser",
        "category": "professional-advisers",
        "service": "Lawyers, auditors and insurers: legal, insurance and accounting services",
        "notes": "Described by the policy as acting as data processors.",
    },
    {
        "organisation": MONDAGO, "name": "Regulators and other authorities",
        "kind": "public_authority", "category": "regulators-authorities",
        "service": "When necessary: require reporting of processing activities in certain "
                   "circumstances",
    },
    {
        "organisation": MONDAGO, "name": "Third-party distributors", "kind": "controller",
        "service": "Distributors of Mondago Products: a source of Identity Information and "
                   "Contact Information of all end-users",
    },
    # ConnexAI: "7. Recipients of Personal Data". The table gives no purpose for the three
    # carriers. The policy transfers to US providers only "if they are part of the EU-US
    # Data Privacy [Framework]", so its US recipients are recorded as certified.
    {
        "organisation": CONNEXAI, "name": "M3ST Telecoms", "kind": "processor",
        "category": "telecoms-carrier", "country": "GB",
        "address": "M3ST Ltd, 105 Great North Road, St Neots, Cambridgeshire, PE19 8EL",
    },
    {
        "organisation": CONNEXAI, "name": "AQL Telecoms", "kind": "processor",
        "category": "telecoms-carrier", "country": "GB",
        "address": "Salem Chapel, 11-15 Hunslet Road, Leeds LS10 1JQ",
    },
    {
        "organisation": CONNEXAI, "name": "Nexbridge Telecoms", "kind": "processor",
        "category": "telecoms-carrier", "country": "GB",
        "address": "Carpenter Court, Maple Road, Bramhall, Cheshire SK7 2DH",
    },
    {
        "organisation": CONNEXAI, "name": "UKFast", "kind": "processor",
        "category": "hosting-provider", "country": "GB", "service": "Data centre",
        "address": "UKFast Campus, Birley Fields, Manchester, England, M15 5QJ",
    },
    {
        "organisation": CONNEXAI, "name": "Zendesk", "kind": "processor",
        "category": "helpdesk-provider", "country": "US",
        "service": "Customer support ticket system",
        "address": "1019 Market St, San Francisco, CA 94103", "phone": "888-670-4887",
        "dpf_certified": True,
    },
    {
        "organisation": CONNEXAI, "name": "Salesforce", "kind": "processor",
        "category": "crm-provider", "country": "US",
        "service": "Customer Relationship Management",
        "address": "Salesforce Tower, 415 Mission Street, 3rd Floor, San Francisco, CA 94105",
        "dpf_certified": True,
    },
    {
        "organisation": CONNEXAI, "name": "Amazon Web Services EMEA SARL", "kind": "processor",
        "category": "cloud-provider", "country": "LU",
        "service": "AWS will store data as a Cloud Service Provider",
        "address": "38 Avenue John F. Kennedy, 1855, Luxembourg",
    },
]


# --- Parts of an activity ----------------------------------------------------------------------

def _basis(code, *, interest="", citation="", notes="", data=(), purposes=()):
    """A lawful basis; ``data`` and ``purposes`` limit it (empty: the whole activity)."""
    return {"basis": code, "legitimate_interest": interest, "citation": citation,
            "notes": notes, "data_categories": tuple(data), "purposes": tuple(purposes)}


def _recipient(third_party=None, *, category=None, purpose="", data=()):
    return {"third_party": third_party, "category": category, "purpose": purpose,
            "data_categories": tuple(data)}


def _transfer(country, *, third_party=None, mechanism=None, safeguards=""):
    return {"country": country, "third_party": third_party, "mechanism": mechanism,
            "safeguards": safeguards}


def _retention(*, data_category=None, period="", trigger="", trigger_description="",
               legal_source="", deletion_method="", criteria=""):
    return {"data_category": data_category, "period": period, "trigger": trigger,
            "trigger_description": trigger_description, "legal_source": legal_source,
            "deletion_method": deletion_method, "criteria": criteria}


def _a_year_after(day: datetime.date) -> datetime.date:
    return day.replace(year=day.year + 1)


ACTIVITY_DEFAULTS = {
    "name": "", "role": "controller", "description": "", "business_function": "",
    "status": ActivityStatus.ACTIVE, "last_reviewed_on": None, "next_review_on": None,
    "security_description": "", "source_of_data": "", "data_location": "",
    "recipients_none": False, "owner": None,
    "data_subjects": (), "data_categories": (), "security_measures": (),
    "controllers_served": (), "joint_controllers": (),
    "purposes": (), "lawful_bases": (), "recipients": (), "transfers": (), "retention": (),
}


# --- Akixi -------------------------------------------------------------------------------------

# The policy is headed "Updated 18th June 2023" (the version with the Mondago addendum);
# its body still says "This version was last updated on 10th January 2023".
AKIXI_UPDATED = datetime.date(2023, 6, 18)

AKIXI_COMMON = {
    "organisation": AKIXI,
    "last_reviewed_on": AKIXI_UPDATED,
    "next_review_on": _a_year_after(AKIXI_UPDATED),
    "security_measures": ("access-management", "confidentiality-agreements",
                          "incident-management"),
    "security_description": (
        "Appropriate security measures to prevent Personal Data from being accidentally lost, "
        "used or accessed in an unauthorised way, altered or disclosed. Access is limited to "
        "those employees, agents, contractors and other third-parties who have a genuine "
        "business-related reason (need to know); they only process Personal Data on Akixi's "
        "instructions and are subject to a duty of confidentiality. Procedures deal with any "
        "suspected Personal Data breach; Akixi notifies you and any applicable regulator of a "
        "breach where legally required to do so."
    ),
}

AKIXI_RETENTION_CRITERIA = _retention(criteria=(
    "Kept only for as long as necessary to fulfil the purposes it was collected for, including "
    "for the purposes of satisfying any legal, accounting, or reporting requirements. The "
    "period is decided by considering the amount, nature, and sensitivity of the Personal "
    "Data, the potential risk of harm from unauthorised use or disclosure, the purposes of "
    "the processing and whether they can be achieved through other means, and the applicable "
    "legal requirements. Data anonymised for research or statistical purposes may be used "
    "indefinitely."
))

AKIXI_US_TRANSFER = _transfer("US", mechanism="UK-ADDENDUM", safeguards=(
    "Providers based in the US sign an International Data Transfer addendum to the EU "
    "Commission Standard Contractual Clauses (SCC): \"This signed contract allows for "
    "unrestricted data transfers between Akixi and US third parties and provides assurances "
    "by the third party in the US that there is compatible provisions in place to safeguard "
    "personal data aligned with the requirements of UK GDPR.\" The policy does not say which "
    "of its providers are based in the US."
))

AKIXI_GOOGLE_SOURCE = (
    "Technical Data from analytics providers such as Google LLC and search information "
    "providers such as Google LLC, based inside and outside the UK or EEA; Technical Data "
    "collected automatically by cookies, server-side logging and similar technologies, "
    "including when you visit other websites employing Akixi's cookies."
)
AKIXI_PUBLIC_SOURCE = (
    "Identity and Contact Data from publicly available sources such as United Kingdom's "
    "Companies House and The Credit Safe Group, based inside & outside the UK or EEA."
)

_REPORTING_DATA_WORDS = (
    "The policy's \"Reporting Data\" (the organisation's telephony reporting environment "
    "configuration such as Devices, ACD Agents and User credentials, and all historic call "
    "and ACD & DND activity data: calling and called telephone numbers, unique call "
    "identifier, originating and called ACD Agents, extensions and devices, answering agent "
    "and device, call start, answer and end times, termination reason; agent sign-in time, "
    "ACD state changes) is recorded as call records, technical data and credentials. "
    "\"Telephony Platform Integration Data\" (IP and DNS addresses of the telephony platform, "
    "its access credentials, in some cases e-mail addresses, and the enterprise identifiers "
    "that label the organisation's telephony environment) is recorded as technical data, "
    "credentials and contact details."
)

AKX_REVIEW = "Asking you to leave a review or take a survey."
AKX_RECOMMEND = ("To make suggestions and recommendations to you about goods or services that "
                 "may be of interest to you.")

AKIXI_ACTIVITIES = [
    {
        **AKIXI_COMMON,
        "reference": "AKX-01",
        "name": "Telephony call and ACD activity reporting service",
        "role": "processor",
        "controllers_served": ("Reporting service customers", "Telephony Service Providers"),
        "description": (
            "Akixi's telephony reporting services (the policy: \"Akixi Limited is the "
            "Processor\"). For Customers subscribing to Akixi's reporting services, that "
            "organisation's call, ACD, and other telephony activity is automatically recorded "
            "and reported on over its subscription period. " + _REPORTING_DATA_WORDS
        ),
        "purposes": (
            "Recording and reporting the call, ACD and DND activity of the customer "
            "organisation's telephony environment over its subscription period for Akixi's "
            "reporting services.",
        ),
        "data_subjects": ("end-users", "callers"),
        "data_categories": ("call-records", "identity", "technical", "credentials"),
        "source_of_data": (
            "Recorded automatically from the customer organisation's telephony platform: "
            "\"For Customers subscribing to Akixi's reporting services, that organisation's "
            "call, ACD, and other telephony activity will automatically be recorded.\""
        ),
        "recipients": (
            _recipient("Amazon Web Services Inc", purpose="Data centre and cloud computing"),
            _recipient("34SP.com Limited", purpose="Data centre and cloud computing"),
            _recipient("Akixi Group companies",
                       purpose="IT, system administration and software development"),
        ),
        "transfers": (AKIXI_US_TRANSFER,),
    },
    {
        **AKIXI_COMMON,
        "reference": "AKX-02",
        "name": "Registration of telephony reporting End Users",
        "description": (
            "To register you as a new Akixi telephony reporting End User. Type of data: "
            "Identity. Contact. Telephony environment configuration. Telephony platform "
            "integration details. Transactional telephony call & ACD activity Reporting Data. "
            "Usage. " + _REPORTING_DATA_WORDS
        ),
        "purposes": ("To register you as a new Akixi telephony reporting End User.",),
        "data_subjects": ("end-users",),
        "data_categories": ("identity", "contact", "technical", "credentials", "call-records",
                            "usage"),
        "lawful_bases": (
            _basis("A6-1-b",
                   notes="Performance of a contract with you or your Telephony Services "
                         "Provider."),
        ),
        "recipients": (
            _recipient("Amazon Web Services Inc", purpose="Data centre and cloud computing"),
            _recipient("34SP.com Limited", purpose="Data centre and cloud computing"),
            _recipient("Akixi Group companies",
                       purpose="IT, system administration and software development"),
        ),
        "transfers": (AKIXI_US_TRANSFER,),
        "retention": (AKIXI_RETENTION_CRITERIA,),
    },
    {
        **AKIXI_COMMON,
        "reference": "AKX-03",
        "name": "Registration of Channel Partners",
        "description": (
            "To register you as a new Akixi Channel Partner (i.e. Aggregator and/or Reseller of "
            "the Akixi telephony reporting service). Type of data: Identity. Contact. Telephony "
            "environment configuration. Telephony platform integration details. Transactional "
            "telephony call & ACD activity Reporting Data. Usage. " + _REPORTING_DATA_WORDS
        ),
        "purposes": (
            "To register you as a new Akixi Channel Partner (i.e. Aggregator and/or Reseller of "
            "our Akixi telephony reporting service).",
        ),
        "data_subjects": ("channel-partners",),
        "data_categories": ("identity", "contact", "technical", "credentials", "call-records",
                            "usage"),
        "source_of_data": AKIXI_PUBLIC_SOURCE,
        "lawful_bases": (_basis("A6-1-b", notes="Performance of a contract with you."),),
        "recipients": (
            _recipient("Amazon Web Services Inc", purpose="Data centre and cloud computing"),
            _recipient("34SP.com Limited", purpose="Data centre and cloud computing"),
            _recipient("Akixi Group companies",
                       purpose="IT, system administration and software development"),
        ),
        "transfers": (AKIXI_US_TRANSFER,),
        "retention": (AKIXI_RETENTION_CRITERIA,),
    },
    {
        **AKIXI_COMMON,
        "reference": "AKX-04",
        "name": "Correspondence",
        "description": (
            "To respond to and engage in correspondence with you: enquiries about products or "
            "services, the Supplier selection or on-boarding process, feedback."
        ),
        "purposes": ("To respond to and engage in correspondence with you.",),
        "data_subjects": ("customers", "prospects", "complainants", "business-contacts"),
        "data_categories": ("identity", "contact"),
        "lawful_bases": (_basis("A6-1-b", notes="Performance of a contract with you."),),
        "recipients": tuple(
            _recipient(name, purpose="Data storage, data management and/or marketing "
                                     "communication services")
            for name in ("HubSpot", "UserVoice", "Monday.com")
        ),
        "transfers": (AKIXI_US_TRANSFER,),
        "retention": (AKIXI_RETENTION_CRITERIA,),
    },
    {
        **AKIXI_COMMON,
        "reference": "AKX-05",
        "name": "Orders, payments and debt recovery",
        "description": (
            "To process and deliver your order including: manage payments, fees and charges; "
            "collect and recover money owed to us. Type of data: Identity. Contact. Financial. "
            "Transaction Data is named by the policy's retention statement on Customers' "
            "basic information."
        ),
        "purposes": (
            "To process and deliver your order.",
            "To manage payments, fees and charges.",
            "To collect and recover money owed to us.",
        ),
        "data_subjects": ("customers",),
        "data_categories": ("identity", "contact", "financial", "transaction"),
        "source_of_data": AKIXI_PUBLIC_SOURCE,
        "lawful_bases": (
            _basis("A6-1-b", notes="Performance of a contract with you."),
            _basis("A6-1-f", interest="To recover debts due to us."),
        ),
        "recipients": (
            _recipient("Billing and invoicing providers", purpose="Billing and invoicing"),
            _recipient("Professional advisers",
                       purpose="Consultancy, banking, legal, insurance and accounting services"),
            _recipient("HM Revenue & Customs", purpose="Reporting required by the authority"),
            _recipient("Akixi Group companies",
                       purpose="IT, system administration and software development"),
        ),
        # "By law we have to keep basic information about our Customers (including Contact,
        # Identity, Financial and Transaction Data) for 7 years after they cease being
        # Customers for tax purposes."
        "retention": tuple(
            _retention(data_category=code, period="P7Y", trigger="end_of_relationship",
                       legal_source="Required by law for tax purposes")
            for code in ("contact", "identity", "financial", "transaction")
        ),
    },
    {
        # The row's letters follow the data list of the policy's template: (a) Identity,
        # (b) Contact, (c) Profile, (d) Marketing and communications. The row lists no
        # Identity data, so "(a, b, c)" is recorded as its Contact and Profile data, and
        # consent "(d)" covers only the marketing and communications data of the marketing
        # purpose (the policy relies on consent only for direct marketing).
        **AKIXI_COMMON,
        "reference": "AKX-06",
        "name": "Reviews, surveys and product recommendations",
        "description": (
            "Asking you to leave a review or take a survey; making suggestions and "
            "recommendations about goods or services that may be of interest to you. Type of "
            "data: Contact. Profile. Marketing and communications. Lawful bases: necessary to "
            "comply with a legal obligation (a, b, c); necessary for our legitimate interests "
            "(a, b, c, d); consent (d). Direct marketing by e-mail, text message or post relies "
            "on consent, which can be withdrawn at marketing@akixi.com."
        ),
        "purposes": (AKX_REVIEW, AKX_RECOMMEND),
        "data_subjects": ("customers",),
        "data_categories": ("contact", "profile", "marketing-preferences"),
        "lawful_bases": (
            _basis("A6-1-c", data=("contact", "profile"),
                   notes="Necessary to comply with a legal obligation (a, b, c). The policy "
                         "does not name the obligation."),
            _basis("A6-1-f",
                   interest="To keep our records updated and to study how Customers use our "
                            "products/services.",
                   notes="(a, b, c, d): all the data of the activity."),
            _basis("A6-1-a", data=("marketing-preferences",), purposes=(AKX_RECOMMEND,),
                   notes="Consent (d): only for sending direct marketing communications via "
                         "e-mail, text message, or a postal delivery service; withdrawn at any "
                         "time at marketing@akixi.com."),
        ),
        "recipients": tuple(
            _recipient(name, purpose="Data storage, data management and/or marketing "
                                     "communication services")
            for name in ("HubSpot", "UserVoice", "Monday.com")
        ),
        "transfers": (AKIXI_US_TRANSFER,),
        "retention": (AKIXI_RETENTION_CRITERIA,),
    },
    {
        **AKIXI_COMMON,
        "reference": "AKX-07",
        "name": "Administration and protection of the business and websites",
        "description": (
            "To administer and protect our business and websites (including troubleshooting, "
            "data analysis, testing, system maintenance, support, reporting and hosting of "
            "data)."
        ),
        "purposes": (
            "To administer and protect our business and websites (including troubleshooting, "
            "data analysis, testing, system maintenance, support, reporting and hosting of "
            "data).",
        ),
        "data_subjects": ("customers", "end-users", "website-visitors"),
        "data_categories": ("identity", "contact", "technical"),
        "lawful_bases": (
            _basis("A6-1-f",
                   interest="For running our business, provision of administration and IT "
                            "services, network security, to prevent fraud and in the context of "
                            "a business reorganisation or group restructuring exercise."),
            _basis("A6-1-c", notes="Necessary to comply with a legal obligation. The policy "
                                   "does not name the obligation."),
        ),
        "recipients": (
            _recipient("Akixi Group companies",
                       purpose="IT, system administration and software development"),
            _recipient("IT and software service providers",
                       purpose="IT, system administration and software development"),
            _recipient("Amazon Web Services Inc", purpose="Hosting of data"),
            _recipient("34SP.com Limited", purpose="Hosting of data"),
            _recipient("Professional advisers",
                       purpose="Consultancy, banking, legal, insurance and accounting services"),
            _recipient("HM Revenue & Customs",
                       purpose="Reporting of processing activities in certain circumstances"),
            _recipient("Regulators and other authorities",
                       purpose="Reporting of processing activities in certain circumstances"),
        ),
        "transfers": (AKIXI_US_TRANSFER,),
        "retention": (AKIXI_RETENTION_CRITERIA,),
    },
    {
        **AKIXI_COMMON,
        "reference": "AKX-08",
        "name": "Website content and advertising",
        "description": (
            "To deliver relevant website content and advertisements to you and measure or "
            "understand the effectiveness of the advertising we serve to you."
        ),
        "purposes": (
            "To deliver relevant website content and advertisements to you and measure or "
            "understand the effectiveness of the advertising we serve to you.",
        ),
        "data_subjects": ("website-visitors", "customers", "prospects"),
        "data_categories": ("identity", "contact", "profile", "usage", "marketing-preferences",
                            "technical"),
        "source_of_data": AKIXI_GOOGLE_SOURCE,
        "lawful_bases": (
            _basis("A6-1-f",
                   interest="To study how Customers use our products/services, to develop them, "
                            "to grow our business and to inform our marketing strategy."),
        ),
        "recipients": (
            _recipient("HubSpot", purpose="Marketing communication services"),
        ),
        "transfers": (AKIXI_US_TRANSFER,),
        "retention": (AKIXI_RETENTION_CRITERIA,),
    },
    {
        **AKIXI_COMMON,
        "reference": "AKX-09",
        "name": "Data analytics",
        "description": (
            "To use data analytics to improve our website, products/services, marketing, "
            "Customer relationships and experiences. Persistent cookies are used for web "
            "analytics; web analytics services may be designed and operated by third-parties."
        ),
        "purposes": (
            "To use data analytics to improve our website, products/services, marketing, "
            "Customer relationships and experiences.",
        ),
        "data_subjects": ("website-visitors", "customers"),
        "data_categories": ("technical", "usage"),
        "source_of_data": AKIXI_GOOGLE_SOURCE,
        "lawful_bases": (
            _basis("A6-1-f",
                   interest="To define types of Customers for our products and services, to "
                            "keep our website updated and relevant, to develop our business and "
                            "to inform our marketing strategy."),
        ),
        "recipients": (
            _recipient(category="analytics-provider",
                       purpose="Web analytics services designed and operated by third-parties"),
        ),
        "retention": (AKIXI_RETENTION_CRITERIA,),
    },
]


# --- The Akixi / Mondago addendum, in both registers --------------------------------------------

ADDENDUM_MARKETING_PURPOSES = (
    "To inform you of product and services that may be of interest to you.",
    "To inform you of changes and developments that may be of interest to you.",
)
ADDENDUM_CONTRACT_PURPOSES = (
    "Processing of financial transactions.",
    "Delivering support services.",
    "Provisioning and delivery of services.",
)
ADDENDUM_INTEREST = (
    "To market and sell products and services to both businesses' (Akixi and Mondago) "
    "commercial contacts, as notified in the addendum regarding the merger and acquisition of "
    "Mondago by Akixi."
)


def _addendum_activities(common: dict, references: tuple[str, str], other: str) -> list[dict]:
    """The two activities of the addendum, as the register of one of the companies keeps
    them; ``other`` is the other company, their recipient."""
    other_short = other.split()[0]
    return [
        {
            **common,
            "reference": references[0],
            "name": f"Shared marketing and sales with {other_short}",
            "owner": "contributor",
            "description": (
                "Akixi and Mondago will only share marketing and sales activities, information "
                "and data, with each other: business or professional or commercial personal "
                "information, which may include name, email, phone number or contact details, "
                "used to market and sell products and services to both businesses' commercial "
                "contacts. Lawful basis: Article 6(f) Legitimate interest, as notified in the "
                "addendum regarding the merger and acquisition of Mondago by Akixi. You may ask "
                "to withdraw from this processing."
            ),
            "purposes": ADDENDUM_MARKETING_PURPOSES,
            "data_subjects": ("business-contacts", "customers", "prospects"),
            "data_categories": ("identity", "contact"),
            "lawful_bases": (_basis("A6-1-f", interest=ADDENDUM_INTEREST),),
            "recipients": (
                _recipient(other, purpose="Shared marketing and sales activities, information "
                                          "and data"),
            ),
        },
        {
            **common,
            "reference": references[1],
            "name": f"Shared fulfilment of contracts with {other_short}",
            "description": (
                "Akixi and Mondago will only share your professional personal information with "
                "each other, which may include name, email, phone number or contact details, "
                "for the purpose of fulfilling their contractual obligation to you. Lawful "
                "basis: Article 6(b) Contract, as notified in the addendum regarding the merger "
                "and acquisition of Mondago by Akixi."
            ),
            "purposes": ADDENDUM_CONTRACT_PURPOSES,
            "data_subjects": ("customers",),
            "data_categories": ("identity", "contact"),
            "lawful_bases": (
                _basis("A6-1-b", notes="Contract: as notified in the addendum."),
            ),
            "recipients": (
                _recipient(other, purpose="Financial transactions, support services and "
                                          "provisioning and delivery of services"),
            ),
        },
    ]


# --- Mondago -----------------------------------------------------------------------------------

MONDAGO_UPDATED = datetime.date(2023, 11, 22)

MONDAGO_COMMON = {
    "organisation": MONDAGO,
    "last_reviewed_on": MONDAGO_UPDATED,
    "next_review_on": _a_year_after(MONDAGO_UPDATED),
    "security_measures": ("encryption-at-rest", "physical-security", "access-management",
                          "encryption-in-transit", "incident-management"),
    "security_description": (
        "Your Mondago password is protected by encryption and only you have access to it. "
        "Personal information stored in Mondago's systems is protected by various physical, "
        "electronic, and procedural safeguards; it is housed in a secure facility and physical "
        "and network access to this facility is restricted to select trained staff. Mondago "
        "regularly evaluates its technologies, facilities, procedures and potential risks. All "
        "services support the use of standard SSL encryption to protect data transmissions. "
        "Security breaches are notified to you and any applicable regulator where legally "
        "required."
    ),
}

MONDAGO_RETENTION_CRITERIA = _retention(criteria=(
    "Kept only for as long as necessary to fulfil the purposes it was collected for, including "
    "for the purposes of satisfying any legal, accounting or reporting requirements. The "
    "period is decided by considering the amount, nature and sensitivity of the personal "
    "information, the potential risk of harm from unauthorised use or disclosure, the purposes "
    "of the processing and whether they can be achieved through other means, and the "
    "applicable legal requirements."
))

# The policy lists the safeguards it may use ("at least one of the following") without
# saying which one covers the transfer to Mondago Inc: no mechanism is recorded.
MONDAGO_INC_TRANSFER = _transfer("US", third_party=MONDAGO_INC, safeguards=(
    "Personal information is shared within the Mondago Group; Mondago Inc is based in the "
    "United States of America. At least one of these safeguards is implemented: transfer only "
    "to countries deemed to provide an adequate level of protection; for certain service "
    "providers, specific contracts approved for use in the UK. Where necessary, a "
    "case-by-case assessment of whether anything in the law or practice of the receiving "
    "country may impact the effectiveness of the safeguards; if issues are identified, "
    "supplementary measures such as encryption or pseudonymisation techniques, re-evaluated "
    "periodically."
))

MONDAGO_DISTRIBUTORS = (
    "Third Parties such as third-party distributors provide Identity Information and Contact "
    "Information in respect of all end-users of Mondago products or services."
)

MON_LICENCE = "To confirm you have the right to use a Product (Product license control)."
MON_SUPPORT = "Product support."
MON_MARKETING_SEND = ("To send marketing communications where you have requested information, "
                      "purchased products or services, or consented.")

MONDAGO_ACTIVITIES = [
    {
        **MONDAGO_COMMON,
        "reference": "MON-01",
        "name": "Purchases, contracts and support services",
        "description": (
            "Performance of a contract: Identity Information, Financial Information (payment "
            "card details if you purchase a product or service) and Contact Information, to "
            "perform contracts that you have entered into with Mondago (for example to provide "
            "you with support services in relation to the software you have purchased)."
        ),
        "purposes": (
            "To perform contracts that you have entered into with us, for example to provide "
            "you with support services in relation to the software you have purchased.",
            "To fulfil your product or service request.",
        ),
        "data_subjects": ("customers", "end-users"),
        "data_categories": ("identity", "contact", "payment-card"),
        "source_of_data": MONDAGO_DISTRIBUTORS,
        "lawful_bases": (_basis("A6-1-b", notes="Performance of a contract."),),
        "recipients": (
            _recipient(MONDAGO_INC, purpose="Mondago Group company"),
            _recipient(MONDAGO_HOLDINGS, purpose="Mondago Group company"),
            _recipient("Cloud services providers", purpose="Cloud services"),
            _recipient("CRM system providers", purpose="CRM system"),
            _recipient("Professional advisers", purpose="Legal, insurance and accounting "
                                                        "services"),
            _recipient("Regulators and other authorities",
                       purpose="Reporting required by law, subpoena, or court order"),
        ),
        "transfers": (MONDAGO_INC_TRANSFER,),
        "retention": (MONDAGO_RETENTION_CRITERIA,),
    },
    {
        **MONDAGO_COMMON,
        "reference": "MON-02",
        "name": "Product licence control and Product support",
        "description": (
            "\"License Information\": the information required to confirm you have the right "
            "to use a Product, such as username and company name and the date the license was "
            "last used (recorded as identity and usage data). \"Device Information\": device / "
            "machine name, IP address, operating system version and Product version, collected "
            "automatically by some Products for Product license control and Product support "
            "(recorded as technical data); other device information such as the mobile phone "
            "number is used only by the Product and not shared with Mondago. The policy gives "
            "the contract basis for support services; it names no basis for license control."
        ),
        "purposes": (MON_LICENCE, MON_SUPPORT),
        "data_subjects": ("end-users", "customers"),
        "data_categories": ("identity", "usage", "technical"),
        "source_of_data": (
            "Collected through the use of Mondago's computing products (personal data required "
            "to confirm the right to use the product). " + MONDAGO_DISTRIBUTORS
        ),
        "lawful_bases": (
            _basis("A6-1-b", purposes=(MON_SUPPORT,),
                   notes="Performance of a contract, for example to provide support services in "
                         "relation to the software you have purchased."),
        ),
        "recipients": (
            _recipient(MONDAGO_INC, purpose="Mondago Group company"),
            _recipient("Cloud services providers", purpose="Cloud services"),
        ),
        "transfers": (MONDAGO_INC_TRANSFER,),
        "retention": (MONDAGO_RETENTION_CRITERIA,),
    },
    {
        **MONDAGO_COMMON,
        "reference": "MON-03",
        "name": "Marketing of Mondago Products",
        "owner": "contributor",
        "description": (
            "Mondago may use all the information it holds to decide what Products may be of "
            "interest to you, and sends marketing communications if you have requested "
            "information, purchased products or services, or consented. You can opt out by "
            "contacting Mondago or with the unsubscribe link. Third parties may be used to "
            "contact you with information about Mondago Products."
        ),
        "purposes": ("To decide what Products may be of interest to you.", MON_MARKETING_SEND),
        "source_of_data": (
            "Profile Information includes which Mondago Products you use and Products purchased "
            "from Mondago or one of its distributors. " + MONDAGO_DISTRIBUTORS
        ),
        "data_subjects": ("customers", "prospects"),
        "data_categories": ("identity", "contact", "profile", "demographic",
                            "marketing-preferences", "online-identifiers", "usage"),
        "lawful_bases": (
            _basis("A6-1-f",
                   interest="Keeping our records up to date, understanding how our customers "
                            "use our Products, to develop our Products and to grow our business "
                            "and inform our marketing strategy."),
            _basis("A6-1-a", purposes=(MON_MARKETING_SEND,),
                   notes="Marketing communications are sent if you have provided consent (or "
                         "requested information, or purchased)."),
        ),
        "recipients": (
            _recipient(MONDAGO_INC, purpose="Mondago Group company"),
            _recipient("CRM system providers", purpose="CRM system"),
        ),
        "transfers": (MONDAGO_INC_TRANSFER,),
        "retention": (MONDAGO_RETENTION_CRITERIA,),
    },
    {
        **MONDAGO_COMMON,
        "reference": "MON-04",
        "name": "Marketing opt-out records",
        "description": (
            "To comply with a legal obligation: Identity Information, Contact Information and "
            "Marketing and Communications Information, including ensuring that you do not "
            "receive marketing communications from Mondago where you have advised that you do "
            "not wish to receive them."
        ),
        "purposes": (
            "To comply with various legal obligations including ensuring that you do not "
            "receive marketing communications from us in circumstances where you have advised "
            "us that you do not wish to receive those communications.",
        ),
        "data_subjects": ("customers", "prospects"),
        "data_categories": ("identity", "contact", "marketing-preferences"),
        "lawful_bases": (
            _basis("A6-1-c", notes="To comply with a legal obligation. The policy does not "
                                   "name the law."),
        ),
        "recipients": (_recipient("CRM system providers", purpose="CRM system"),),
        "retention": (MONDAGO_RETENTION_CRITERIA,),
    },
    {
        **MONDAGO_COMMON,
        "reference": "MON-05",
        "name": "Website and application tracking and cookies",
        "description": (
            "\"Tracking Information\" about your visit from the browser or Mondago application: "
            "IP address, cookies and the pages you request (IP addresses are not linked to "
            "personally identifiable information). Cookies are used for user authentication, "
            "keeping track of your preferences, keeping track of Mondago's audience size and "
            "traffic patterns. \"Demographic Information\" (occupation, where you use your "
            "computer and mobile devices) improves understanding of customer needs."
        ),
        "purposes": (
            "To analyse trends, administer the site, track your navigation of the site, ensure "
            "the correct application of sales tax during an online transaction, and to gather "
            "broad demographic information for aggregate use.",
            "User authentication, keeping track of your preferences, keeping track of our "
            "audience size and traffic patterns (cookies).",
        ),
        "data_subjects": ("website-visitors", "end-users"),
        "data_categories": ("technical", "online-identifiers", "usage", "demographic"),
        "source_of_data": (
            "Automated technologies or interactions (cookies and other similar technologies) "
            "collect Tracking Information about your equipment, browsing actions and patterns."
        ),
        "lawful_bases": (
            _basis("A6-1-f",
                   interest="Keeping our records up to date, understanding how our customers "
                            "use our Products, to develop our Products and to grow our business "
                            "and inform our marketing strategy."),
        ),
        "recipients": (_recipient("Website hosts", purpose="Website hosting"),),
        "retention": (MONDAGO_RETENTION_CRITERIA,),
    },
]


# --- ConnexAI ----------------------------------------------------------------------------------

# The policy gives no "last updated" date: no review dates are recorded. It gives one fixed
# period (emails) and otherwise only says data is kept "for as long as We need to"; it
# states no criteria for deciding a period (its retention policy is available on request),
# so its other activities have no retention rule and the findings engine reports them.
CONNEXAI_COMMON = {
    "organisation": CONNEXAI,
    "security_measures": ("information-security-policy", "data-protection-policy",
                          "encryption-at-rest", "encryption-in-transit", "physical-security",
                          "iso-27001", "iso-22301", "iso-9001"),
    "security_description": (
        "Information Security policies; Data Protection Policies; Encryption; Physical and "
        "Cloud Security; ISO27001:2013 Certified; ISO22301:2019 Certified; ISO9001:2015 "
        "Certified. Strict procedures and security features protect information once received."
    ),
    "data_location": (
        "The policy states: \"Your data will only be stored within the European Economic Area "
        "(\"the EEA\")\"."
    ),
}

CONNEXAI_DPF_SAFEGUARDS = (
    "Providers based in the US receive data only if they are part of the EU-US Data Privacy "
    "Framework, which requires them to provide similar protection to personal data shared "
    "between Europe and the US."
)


def _connexai_dpf(name):
    return _transfer("US", third_party=name, mechanism="EU-US-DPF",
                     safeguards=CONNEXAI_DPF_SAFEGUARDS)


CONNEXAI_NAMED_RECIPIENTS = (
    _recipient("M3ST Telecoms"),
    _recipient("AQL Telecoms"),
    _recipient("Nexbridge Telecoms"),
    _recipient("UKFast", purpose="Data centre: to ensure your data is stored securely"),
    _recipient("Zendesk", purpose="Customer support ticket system: helpdesk software to manage "
                                  "customer contact"),
    _recipient("Salesforce", purpose="Customer Relationship Management"),
    _recipient("Amazon Web Services EMEA SARL",
               purpose="AWS will store data as a Cloud Service Provider"),
)

CONNEXAI_ACTIVITIES = [
    {
        **CONNEXAI_COMMON,
        "reference": "CNX-01",
        "name": "Email, contact form and Live Chat enquiries",
        "description": (
            "If you send ConnexAI an email, it may collect your name, your email address, and "
            "any other information which you choose to give; via the contact form or Live Chat "
            "on the Site, your name, email address, telephone number and any other information "
            "which you choose to give. Any and all emails containing your personal data will "
            "be deleted no later than 12 months after submission. The policy names no lawful "
            "basis for replying."
        ),
        "purposes": ("To reply to your email.", "To make contact over a telephone."),
        "data_subjects": ("complainants", "website-visitors"),
        "data_categories": ("identity", "contact", "correspondence"),
        "recipients": CONNEXAI_NAMED_RECIPIENTS,
        "transfers": (_connexai_dpf("Zendesk"), _connexai_dpf("Salesforce")),
        "retention": (
            _retention(data_category="correspondence", period="P12M", trigger="submission",
                       deletion_method="deletion"),
        ),
    },
    {
        **CONNEXAI_COMMON,
        "reference": "CNX-02",
        "name": "Registration and engagement of customers",
        "description": (
            "If you wish to become a customer, ConnexAI stores your personal data on its "
            "accounting and operation service software to facilitate the engagement "
            "(performance of a contract), and may transfer it to third parties to fulfil its "
            "contractual obligations: data centres, to ensure your data is stored securely; "
            "helpdesk software, to allow it to manage customer contact. The policy's \"profile "
            "data\" (username and password) is recorded as credentials."
        ),
        "purposes": (
            "To register you as a new customer (if you wish to become a customer).",
            "To store your personal data on Our accounting and operation service software to "
            "facilitate the engagement.",
        ),
        "data_subjects": ("customers",),
        "data_categories": ("identity", "contact", "credentials"),
        "lawful_bases": (_basis("A6-1-b", notes="Performance of a contract."),),
        "recipients": CONNEXAI_NAMED_RECIPIENTS,
        "transfers": (_connexai_dpf("Zendesk"), _connexai_dpf("Salesforce")),
    },
    {
        **CONNEXAI_COMMON,
        "reference": "CNX-03",
        "name": "Direct marketing to people who opt in",
        "owner": "contributor",
        "description": (
            "If you do not wish to become a customer but you opt in to receive direct marketing "
            "in relation to ConnexAI's services, new features, pricing or products, ConnexAI "
            "processes your personal data based on legitimate interest. Marketing choices are "
            "changed by contacting the Data Protection Officer at compliance@connexone.ng."
        ),
        "purposes": (
            "To send you direct marketing in relation to Our services, new features, pricing "
            "or products, where you opt in.",
        ),
        "data_subjects": ("prospects", "subscribers"),
        "data_categories": ("identity", "contact", "marketing-preferences"),
        "lawful_bases": (
            _basis("A6-1-f",
                   interest="Direct marketing about ConnexAI's services, new features, pricing "
                            "or products to people who opt in (the policy: \"we will process "
                            "your personal data based on your legitimate interest to do so\")."),
        ),
        "recipients": (_recipient("Salesforce", purpose="Customer Relationship Management"),),
        "transfers": (_connexai_dpf("Salesforce"),),
    },
    {
        **CONNEXAI_COMMON,
        "reference": "CNX-04",
        "name": "Job applications via the Careers page",
        "description": "Contacting applicants about a job application submitted via the "
                       "Careers page. The policy names no lawful basis, recipient or retention "
                       "period for it.",
        "purposes": ("To contact you regarding a job application submission via the Careers "
                     "page.",),
        "data_subjects": ("job-applicants",),
        "data_categories": ("identity", "contact"),
    },
    {
        **CONNEXAI_COMMON,
        "reference": "CNX-05",
        "name": "Website cookies and analytics",
        "description": (
            "Cookies collect information about how you interact with the website and allow "
            "ConnexAI to remember you and distinguish you from other users; details are in its "
            "cookie policy (https://connexone.ng/cookie-policy/). The policy names no lawful "
            "basis or recipient for it."
        ),
        "purposes": (
            "To improve and customize your browsing experience.",
            "Analytics and metrics about our visitors both on this website and other media.",
        ),
        "data_subjects": ("website-visitors",),
        "data_categories": ("technical", "online-identifiers", "usage"),
    },
]


def _all_activities() -> list[dict]:
    activities = [
        *AKIXI_ACTIVITIES,
        *_addendum_activities(AKIXI_COMMON | {"retention": (AKIXI_RETENTION_CRITERIA,)},
                              ("AKX-10", "AKX-11"), MONDAGO),
        *MONDAGO_ACTIVITIES,
        *_addendum_activities(MONDAGO_COMMON | {"retention": (MONDAGO_RETENTION_CRITERIA,)},
                              ("MON-06", "MON-07"), AKIXI),
        *CONNEXAI_ACTIVITIES,
    ]
    return [ACTIVITY_DEFAULTS | spec for spec in activities]


ACTIVITIES = _all_activities()


# --- Demo logins -------------------------------------------------------------------------------

ALL_ORGANISATIONS = tuple(spec["name"] for spec in ORGANISATIONS)
MONDAGO_GROUP = (MONDAGO_HOLDINGS, MONDAGO, MONDAGO_INC)

#: Demo-only logins with published passwords (never load them on a server others can reach).
#: The contributor owns the marketing activities, which it may edit and submit for review.
DEMO_USERS = [
    {"username": "admin", "password": "admin-demo", "superuser": True, "memberships": {}},
    {"username": "akixi-dpo", "password": "akixi-dpo-demo",
     "memberships": {AKIXI: MemberRole.DPO}},
    {"username": "mondago-dpo", "password": "mondago-dpo-demo",
     "memberships": dict.fromkeys(MONDAGO_GROUP, MemberRole.DPO)},
    {"username": "connexai-dpo", "password": "connexai-dpo-demo",
     "memberships": {CONNEXAI: MemberRole.DPO}},
    {"username": "contributor", "password": "contributor-demo",
     "memberships": dict.fromkeys(ALL_ORGANISATIONS, MemberRole.CONTRIBUTOR)},
    {"username": "auditor", "password": "auditor-demo",
     "memberships": dict.fromkeys(ALL_ORGANISATIONS, MemberRole.AUDITOR)},
]


def demo_logins() -> list[dict]:
    """username, password, role and organisations of each demo login."""
    rows = []
    for spec in DEMO_USERS:
        roles = sorted(set(spec["memberships"].values()))
        rows.append({
            "username": spec["username"],
            "password": spec["password"],
            "role": "superuser" if spec.get("superuser") else ", ".join(roles),
            "organisations": ", ".join(sorted(spec["memberships"])) or "all organisations",
        })
    return rows


def demo_login_lines() -> list[str]:
    return [" / ".join((row["username"], row["password"], row["role"], row["organisations"]))
            for row in demo_logins()]


# --- Loading -----------------------------------------------------------------------------------

@dataclass
class _Tally:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)


class _Loader:
    """Writes the demo data through the services, changing only what differs."""

    def __init__(self, user):
        self.user = user
        self.tally = _Tally()
        self.organisations: dict[str, Organisation] = {}
        self.users: dict[str, object] = {}
        self._terms: dict[tuple[type, str], object] = {}

    # Look-ups -----------------------------------------------------------------------------

    def term(self, model, code, where):
        key = (model, code)
        if key not in self._terms:
            try:
                self._terms[key] = model.objects.get(code=code)
            except model.DoesNotExist:
                raise DemoDataError(
                    f"{where}: no {model._meta.verbose_name} with code '{code}' (is the "
                    f"reference data loaded? run manage.py migrate)"
                ) from None
        return self._terms[key]

    def country(self, code, where):
        return None if code is None else self.term(Country, code, where)

    def organisation(self, name, where):
        if name is None:
            return None
        try:
            return self.organisations[name]
        except KeyError:
            raise DemoDataError(f"{where}: unknown organisation '{name}'") from None

    def third_party(self, organisation, name, where):
        try:
            return ThirdParty.objects.get(organisation=organisation, name=name)
        except ThirdParty.DoesNotExist:
            raise DemoDataError(
                f"{where}: no third party '{name}' in the register of {organisation}"
            ) from None

    # Generic create-or-update -------------------------------------------------------------

    def _save(self, model, instance, fields, create, **create_kwargs):
        """Create with the ``create`` service, or change only the fields that differ."""
        label = model._meta.verbose_name_plural
        if instance is None:
            self.tally.created[label] += 1
            return create(user=self.user, path=PATH, **create_kwargs, **fields)
        changed = {name: value for name, value in fields.items()
                   if getattr(instance, name) != value}
        if changed:
            self.tally.updated[label] += 1
            entity_save(model=model, instance=instance, user=self.user, path=PATH, **changed)
        return instance

    # Entities -----------------------------------------------------------------------------

    def load_organisations(self):
        for spec in ORGANISATIONS:
            where = f"Organisation {spec['name']}"
            values = ORGANISATION_DEFAULTS | spec
            fields = {
                **values,
                "country": self.country(values["country"], where),
                "parent": self.organisation(values["parent"], where),
            }
            instance = Organisation.objects.filter(name=spec["name"]).first()
            self.organisations[spec["name"]] = self._save(
                Organisation, instance, fields, organisation_create)

    def load_contacts(self):
        for spec in CONTACTS:
            organisation = self.organisation(spec["organisation"], f"Contact {spec['name']}")
            fields = {k: v for k, v in (CONTACT_DEFAULTS | spec).items() if k != "organisation"}
            instance = Contact.objects.filter(
                organisation=organisation, role=spec["role"], name=spec["name"]
            ).first()
            self._save(Contact, instance, fields, contact_create, organisation=organisation)

    def load_third_parties(self):
        for spec in THIRD_PARTIES:
            where = f"Third party {spec['name']} ({spec['organisation']})"
            organisation = self.organisation(spec["organisation"], where)
            values = THIRD_PARTY_DEFAULTS | spec
            fields = {
                **{k: v for k, v in values.items() if k != "organisation"},
                "category": None if values["category"] is None else self.term(
                    RecipientCategory, values["category"], where),
                "country": self.country(values["country"], where),
                "group_organisation": self.organisation(values["group_organisation"], where),
            }
            instance = ThirdParty.objects.filter(
                organisation=organisation, name=spec["name"]).first()
            self._save(ThirdParty, instance, fields, third_party_create,
                       organisation=organisation)

    def load_users(self):
        User = get_user_model()
        for spec in DEMO_USERS:
            superuser = bool(spec.get("superuser"))
            account = User.objects.filter(username=spec["username"]).first()
            if account is None:
                account = User(username=spec["username"])
                self.tally.created["users"] += 1
            elif (account.is_superuser == superuser and account.is_staff and account.is_active
                  and account.check_password(spec["password"])):
                self.users[spec["username"]] = account
                continue
            else:
                self.tally.updated["users"] += 1
            account.is_superuser = superuser
            account.is_staff = account.is_active = True
            account.set_password(spec["password"])
            account.save()
            self.users[spec["username"]] = account

    def load_memberships(self):
        for spec in DEMO_USERS:
            account = self.users[spec["username"]]
            current = dict(Membership.objects.filter(user=account).values_list(
                "organisation__name", "role"))
            for name, role in spec["memberships"].items():
                if current.get(name) == role:
                    continue
                key = "created" if name not in current else "updated"
                getattr(self.tally, key)["memberships"] += 1
                membership_set(user_account=account, organisation=self.organisation(
                    name, f"Login {spec['username']}"), role=role, user=self.user, path=PATH)

    # Activities ---------------------------------------------------------------------------

    def load_activities(self):
        for spec in ACTIVITIES:
            self.load_activity(spec)

    def _activity_values(self, spec, organisation, where):
        plain = {
            name: spec[name] for name in (
                "name", "role", "description", "business_function", "last_reviewed_on",
                "next_review_on", "security_description", "source_of_data", "data_location",
                "recipients_none",
            )
        }
        if spec["owner"] is not None and spec["owner"] not in self.users:
            raise DemoDataError(f"{where}: the owner '{spec['owner']}' is not a demo login")
        plain["owner"] = self.users.get(spec["owner"])
        m2m = {
            "data_subjects": [self.term(DataSubjectCategory, c, where)
                              for c in spec["data_subjects"]],
            "data_categories": [self.term(PersonalDataCategory, c, where)
                                for c in spec["data_categories"]],
            "security_measures": [self.term(SecurityMeasure, c, where)
                                  for c in spec["security_measures"]],
            "controllers_served": [self.third_party(organisation, n, where)
                                   for n in spec["controllers_served"]],
            "joint_controllers": [self.third_party(organisation, n, where)
                                  for n in spec["joint_controllers"]],
        }
        return plain, m2m

    def load_activity(self, spec):
        organisation = self.organisation(spec["organisation"], f"Activity {spec['reference']}")
        where = f"Activity {spec['reference']} ({organisation})"
        plain, m2m = self._activity_values(spec, organisation, where)
        activity = ProcessingActivity.objects.filter(
            organisation=organisation, reference=spec["reference"]).first()
        if activity is None:
            activity = activity_create(
                organisation=organisation, user=self.user, path=PATH,
                reference=spec["reference"], status=spec["status"], **plain, **m2m,
            )
            self._load_parts(activity, spec, organisation, where)
            self.tally.created["activities"] += 1
            return
        changed = self._bring_status(activity, spec["status"])
        plain_changes = {k: v for k, v in plain.items() if getattr(activity, k) != v}
        m2m_changes = {
            k: v for k, v in m2m.items()
            if {o.pk for o in v} != set(getattr(activity, k).values_list("pk", flat=True))
        }
        if plain_changes or m2m_changes:
            activity = activity_update(activity=activity, user=self.user, path=PATH,
                                       **plain_changes, **m2m_changes)
            changed = True
        if self._load_parts(activity, spec, organisation, where) or changed:
            self.tally.updated["activities"] += 1

    _TO_ACTIVE = {
        ActivityStatus.RETIRED: ("reinstate", "submit", "approve"),
        ActivityStatus.DRAFT: ("submit", "approve"),
        ActivityStatus.IN_REVIEW: ("approve",),
    }

    def _bring_status(self, activity, status) -> bool:
        """Move an activity someone changed back to the demo's status (active)."""
        if activity.status == status:
            return False
        if status != ActivityStatus.ACTIVE:
            raise DemoDataError(f"Activity {activity.reference}: demo status must be active")
        for action in self._TO_ACTIVE[activity.status]:
            activity_transition(activity=activity, action=action, user=self.user, path=PATH)
        return True

    # Parts of an activity -----------------------------------------------------------------

    @staticmethod
    def _codes(queryset) -> tuple[str, ...]:
        return tuple(sorted(obj.code for obj in queryset))

    def _current_parts(self, activity) -> dict[str, list]:
        return {
            "purposes": [p.description for p in activity.purposes.all()],
            "lawful_bases": sorted(
                (b.basis.code, b.legitimate_interest, b.citation, b.notes, b.lia_link,
                 b.consent_record_link, self._codes(b.data_categories.all()),
                 tuple(sorted(p.description for p in b.purposes.all())))
                for b in activity.lawful_bases.select_related("basis")
            ),
            "recipients": [
                (r.third_party.name if r.third_party_id else None,
                 r.category.code if r.category_id else None, r.purpose,
                 self._codes(r.data_categories.all()))
                for r in activity.recipients.select_related("third_party", "category")
            ],
            "transfers": [
                (t.country.code if t.country_id else None,
                 t.third_party.name if t.third_party_id else None,
                 t.mechanism.code if t.mechanism_id else None, t.safeguards,
                 t.international_organisation, t.safeguard_document_link, t.tia_link)
                for t in activity.transfers.select_related("country", "third_party", "mechanism")
            ],
            "retention": [
                (r.data_category.code if r.data_category_id else None, r.period, r.trigger,
                 r.trigger_description, r.legal_source, r.deletion_method, r.criteria)
                for r in activity.retention_rules.select_related("data_category")
            ],
        }

    @staticmethod
    def _wanted_parts(spec) -> dict[str, list]:
        return {
            "purposes": list(spec["purposes"]),
            "lawful_bases": sorted(
                (b["basis"], b["legitimate_interest"], b["citation"], b["notes"], "", "",
                 tuple(sorted(b["data_categories"])), tuple(sorted(b["purposes"])))
                for b in spec["lawful_bases"]
            ),
            "recipients": [
                (r["third_party"], r["category"], r["purpose"], tuple(sorted(r["data_categories"])))
                for r in spec["recipients"]
            ],
            "transfers": [
                (t["country"], t["third_party"], t["mechanism"], t["safeguards"], "", "", "")
                for t in spec["transfers"]
            ],
            "retention": [
                (r["data_category"], r["period"], r["trigger"], r["trigger_description"],
                 r["legal_source"], r["deletion_method"], r["criteria"])
                for r in spec["retention"]
            ],
        }

    _PART_MODELS = {
        "purposes": (Purpose, "purposes"),
        "lawful_bases": (ActivityLawfulBasis, "lawful_bases"),
        "recipients": (ActivityRecipient, "recipients"),
        "transfers": (InternationalTransfer, "transfers"),
        "retention": (RetentionRule, "retention_rules"),
    }

    def _load_parts(self, activity, spec, organisation, where) -> set[str]:
        """Bring the parts of ``activity`` to the spec; returns the kinds rewritten."""
        current, wanted = self._current_parts(activity), self._wanted_parts(spec)
        redo = {name for name in wanted if current[name] != wanted[name]}
        if "purposes" in redo:
            redo.add("lawful_bases")  # a basis may be limited to purposes
        if not redo:
            return redo
        for name in self._PART_MODELS:
            if name in redo:
                _model, related = self._PART_MODELS[name]
                for part in list(getattr(activity, related).all()):
                    part_delete(instance=part, user=self.user, path=PATH)
        if "purposes" in redo:
            for position, text in enumerate(spec["purposes"], start=1):
                part_save(model=Purpose, activity=activity, user=self.user, path=PATH,
                          description=text, position=position)
        if "lawful_bases" in redo:
            purposes = {p.description: p for p in activity.purposes.all()}
            for b in spec["lawful_bases"]:
                missing = [p for p in b["purposes"] if p not in purposes]
                if missing:
                    raise DemoDataError(f"{where}: a lawful basis is limited to a purpose the "
                                        f"activity does not have: {missing[0]!r}")
                part_save(
                    model=ActivityLawfulBasis, activity=activity, user=self.user, path=PATH,
                    basis=self.term(LawfulBasis, b["basis"], where),
                    legitimate_interest=b["legitimate_interest"], citation=b["citation"],
                    notes=b["notes"],
                    data_categories=[self.term(PersonalDataCategory, c, where)
                                     for c in b["data_categories"]],
                    purposes=[purposes[p] for p in b["purposes"]],
                )
        if "recipients" in redo:
            for r in spec["recipients"]:
                part_save(
                    model=ActivityRecipient, activity=activity, user=self.user, path=PATH,
                    third_party=None if r["third_party"] is None else self.third_party(
                        organisation, r["third_party"], where),
                    category=None if r["category"] is None else self.term(
                        RecipientCategory, r["category"], where),
                    purpose=r["purpose"],
                    data_categories=[self.term(PersonalDataCategory, c, where)
                                     for c in r["data_categories"]],
                )
        if "transfers" in redo:
            for t in spec["transfers"]:
                part_save(
                    model=InternationalTransfer, activity=activity, user=self.user, path=PATH,
                    country=self.country(t["country"], where),
                    third_party=None if t["third_party"] is None else self.third_party(
                        organisation, t["third_party"], where),
                    mechanism=None if t["mechanism"] is None else self.term(
                        TransferMechanism, t["mechanism"], where),
                    safeguards=t["safeguards"],
                )
        if "retention" in redo:
            for r in spec["retention"]:
                part_save(
                    model=RetentionRule, activity=activity, user=self.user, path=PATH,
                    data_category=None if r["data_category"] is None else self.term(
                        PersonalDataCategory, r["data_category"], where),
                    **{k: v for k, v in r.items() if k != "data_category"},
                )
        return redo


def demo_activities():
    """The activities of the demo organisations."""
    return ProcessingActivity.objects.filter(organisation__name__in=ALL_ORGANISATIONS)


def load_demo(*, user=None, today: datetime.date | None = None) -> dict:
    """Create or bring up to date the demo register, its users and their memberships.

    Every write goes through the services inside ``audit_context(user=user,
    path="command")``: history records ``user`` and the command path. All or nothing: an
    error leaves the database as it was. Returns a summary with the findings count.
    """
    loader = _Loader(user)
    with transaction.atomic(), audit_context(user=user, path=PATH):
        loader.load_organisations()
        loader.load_contacts()
        loader.load_third_parties()
        loader.load_users()
        loader.load_activities()
        loader.load_memberships()
    organisations = Organisation.objects.filter(name__in=ALL_ORGANISATIONS)
    findings = [f for found in register_findings(demo_activities(), today=today).values()
                for f in found]
    return {
        "organisations": organisations.count(),
        "activities": demo_activities().count(),
        "third_parties": ThirdParty.objects.filter(organisation__in=organisations).count(),
        "contacts": Contact.objects.filter(organisation__in=organisations).count(),
        "findings": len(findings),
        "findings_by_severity": dict(Counter(f.severity for f in findings)),
        "findings_by_code": dict(sorted(Counter(f.code for f in findings).items())),
        "created": dict(loader.tally.created),
        "updated": dict(loader.tally.updated),
        "logins": demo_logins(),
    }
