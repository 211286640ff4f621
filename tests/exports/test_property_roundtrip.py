"""Random registers of every shape the model allows survive export -> import into an empty
database -> export, unchanged, in each workbook format.

Registers are drawn by hypothesis and written through the services (as the admin and the
API write them): unicode and formula-like text, empty and maximal values, retention
ranges and maxima, "no recipients", groups of organisations, owners without logins,
transfers whose destinations are not named.
"""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entities import services as entity_services
from entities.models import ContactRole, Country, RecipientCategory, ThirdPartyKind
from processing import services
from processing.exports.registry import export_register
from processing.imports import import_workbook
from processing.models import (
    ActivityRole,
    DataSubjectCategory,
    DeletionMethod,
    LawfulBasis,
    PersonalDataCategory,
    RetentionTrigger,
    SccModule,
    SecurityMeasure,
    TransferMechanism,
)
from tests.exports.helpers import flush_register, workbook_content

# Text a DPO may type: letters of any script, digits, punctuation and spaces, formula-like
# starts included. Control characters other than a line break are not text.
_CHARS = st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp"))
_FORMULA = st.sampled_from(["=SUM(A1)", "+44 (0)1293 853060", "-1", "@admin", "=HYPERLINK(\"x\")"])


def _plain(max_size: int, min_size: int = 0):
    """One line of text, no surrounding spaces (names, references, codes' neighbours)."""
    return st.one_of(
        st.text(_CHARS, min_size=min_size, max_size=max_size),
        _FORMULA,
        st.just("x" * max_size) if max_size else st.just(""),
    ).map(lambda s: " ".join(s.split())[:max_size]).filter(lambda s: len(s) >= min_size)


def _free(max_size: int = 200):
    """Free text, line breaks inside included."""
    line = st.text(_CHARS, max_size=max_size // 3).map(lambda s: " ".join(s.split()))
    return st.one_of(st.just(""), _FORMULA,
                     st.lists(line, min_size=1, max_size=3).map("\n".join).map(str.strip))


_URL = st.one_of(st.just(""), st.from_regex(r"https://[a-z]{1,10}\.example\.org/[a-z0-9]{0,12}",
                                            fullmatch=True))
_EMAIL = st.one_of(st.just(""), st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}\.example", fullmatch=True))
_PHONE = st.one_of(st.just(""), st.text("0123456789 +()-", min_size=1, max_size=20).map(str.strip))
_NAME = _plain(60, min_size=1)


def _reference_data():
    return {
        "countries": list(Country.objects.filter(code__in=["GB", "US", "IN", "FR", "CH", "BR"])),
        "categories": list(PersonalDataCategory.objects.filter(
            special_category=False, criminal_offence=False).order_by("code")[:8]),
        "subjects": list(DataSubjectCategory.objects.order_by("code")[:6]),
        "measures": list(SecurityMeasure.objects.order_by("code")[:6]),
        "bases": list(LawfulBasis.objects.filter(code__in=["A6-1-a", "A6-1-b", "A6-1-c", "A6-1-f"])),
        "mechanisms": list(TransferMechanism.objects.filter(
            code__in=["EU-SCC-2021", "UK-IDTA", "EU-US-DPF", "A49-1-a"])),
        "recipient_categories": list(RecipientCategory.objects.order_by("code")[:5]),
    }


@st.composite
def registers(draw, ref):
    """A register spec: organisations with their contacts, third parties and activities."""
    n_orgs = draw(st.integers(1, 2))
    org_names = draw(st.lists(_plain(200, 1), min_size=n_orgs, max_size=n_orgs,
                              unique_by=str.casefold))
    orgs = []
    for index, name in enumerate(org_names):
        parties = draw(st.lists(st.fixed_dictionaries({
            "name": _NAME, "kind": st.sampled_from(ThirdPartyKind.values),
            "category": st.none() | st.sampled_from(ref["recipient_categories"]),
            "service": _plain(255), "country": st.none() | st.sampled_from(ref["countries"]),
            "address": _free(), "email": _EMAIL, "phone": _PHONE, "website": _URL,
            "contract_link": _URL, "dpf_certified": st.booleans(), "notes": _free(),
            "dpo_contact": _free(), "representative_contact": _free(),
        }), max_size=3, unique_by=lambda p: p["name"]))
        people = draw(st.lists(st.fixed_dictionaries({"name": _NAME, "email": _EMAIL}),
                               max_size=2, unique_by=lambda p: p["name"]))
        activities = draw(st.lists(_activity(ref, parties, people), min_size=1, max_size=3,
                                   unique_by=lambda a: a["reference"]))
        orgs.append({
            "name": name, "parent": index > 0 and draw(st.booleans()),
            "fields": draw(st.fixed_dictionaries({
                "trading_name": _plain(200), "registration_number": _plain(40),
                "authority_registration_ref": _plain(40), "vat_number": _plain(40),
                "address": _free(), "trading_address": _free(), "website": _URL,
                "email": _EMAIL, "phone": _plain(40), "jurisdiction": st.sampled_from(["uk", "eu", "other"]),
                "country": st.none() | st.sampled_from(ref["countries"]),
            })),
            "contacts": draw(st.lists(st.fixed_dictionaries({
                "role": st.sampled_from(ContactRole.values), "name": _NAME, "email": _EMAIL,
                "phone": _PHONE, "address": _free(),
            }), max_size=3, unique_by=lambda c: (c["role"], c["name"]))),
            "parties": parties, "activities": activities,
        })
    return orgs


@st.composite
def _activity(draw, ref, parties, people):
    reviewed = draw(st.none() | st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 1, 1)))
    next_review = draw(st.none() | st.dates(reviewed or datetime.date(2000, 1, 1),
                                            datetime.date(2035, 1, 1)))
    categories = draw(st.lists(st.sampled_from(ref["categories"]), max_size=4, unique=True))
    names = [p["name"] for p in parties]
    recipients_none = draw(st.booleans())
    purposes = draw(st.lists(_plain(300, 1), max_size=3, unique=True))
    return {
        "reference": draw(_plain(40, 1)),
        "owner": draw(st.none() | st.sampled_from(people)) if people else None,
        "status": draw(st.sampled_from(["draft", "in_review", "active", "retired"])),
        "links": {
            "data_categories": categories,
            "data_subjects": draw(st.lists(st.sampled_from(ref["subjects"]), max_size=3, unique=True)),
            "security_measures": draw(st.lists(st.sampled_from(ref["measures"]), max_size=3,
                                               unique=True)),
        },
        "joint": draw(st.lists(st.sampled_from(names), max_size=2, unique=True)) if names else [],
        "served": draw(st.lists(st.sampled_from(names), max_size=2, unique=True)) if names else [],
        "fields": draw(st.fixed_dictionaries({
            "name": _plain(255, 1), "business_function": _plain(120),
            "role": st.sampled_from(ActivityRole.values), "description": _free(),
            "recipients_none": st.just(recipients_none), "security_description": _free(),
            "source_of_data": _free(), "automated_decision_making": st.booleans(),
            "automated_decision_legal_effect": st.booleans(),
            "automated_decision_description": _free(), "systematic_monitoring": st.booleans(),
            "data_location": _free(), "dpia_required": st.sampled_from(["", "yes", "no"]),
            "dpia_status": st.sampled_from(["", "not_started", "in_progress", "completed"]),
            "dpia_link": _URL, "breach_occurred": st.booleans(), "breach_link": _URL,
            "retention_policy_link": _URL, "retention_adhered": st.none() | st.booleans(),
            "retention_non_adherence_reason": _free(),
        })) | {"last_reviewed_on": reviewed, "next_review_on": next_review},
        "purposes": purposes,
        "bases": draw(st.lists(st.fixed_dictionaries({
            "basis": st.sampled_from(ref["bases"]),
            "legitimate_interest": _free(), "lia_link": _URL, "consent_record_link": _URL,
            "citation": _plain(500), "consent_description": _free(), "notes": _free(),
            "purposes": st.lists(st.sampled_from(purposes), max_size=2, unique=True)
            if purposes else st.just([]),
            "data_categories": st.lists(st.sampled_from(categories), max_size=2, unique=True)
            if categories else st.just([]),
        }), max_size=2, unique_by=lambda b: b["basis"].code)),
        "recipients": [] if recipients_none else draw(st.lists(st.fixed_dictionaries({
            "third_party": st.sampled_from(names) if names else st.none(),
            "category": st.sampled_from(ref["recipient_categories"]),
            "purpose": _plain(500),
            "data_categories": st.lists(st.sampled_from(categories), max_size=2, unique=True)
            if categories else st.just([]),
        }), max_size=2)),
        "transfers": draw(st.lists(st.fixed_dictionaries({
            "country": st.none() | st.sampled_from(ref["countries"]),
            "international_organisation": st.sampled_from(["", "World Health Organization"]),
            "mechanism": st.sampled_from(ref["mechanisms"]),
            "third_party": st.none() | st.sampled_from(names) if names else st.none(),
            "safeguards": _free(), "safeguard_document_link": _URL, "tia_link": _URL,
            "scc_module": st.none() | st.sampled_from(SccModule.values),
        }), max_size=2)),
        "retention": draw(st.lists(st.fixed_dictionaries({
            "data_category": st.none() | st.sampled_from(categories) if categories else st.none(),
            "period": st.sampled_from(["", "P7Y", "P3Y", "P12M", "P1Y..P6Y", "P30D"]),
            "period_is_maximum": st.booleans(),
            "trigger": st.sampled_from(["", *RetentionTrigger.values]),
            "trigger_description": _plain(255), "legal_source": _plain(255),
            "deletion_method": st.sampled_from(["", *DeletionMethod.values]),
            "criteria": _free(),
        }).filter(lambda r: r["period"] or r["criteria"].strip())
          .filter(lambda r: r["trigger"] != "other" or r["trigger_description"].strip()),
            max_size=2)),
    }


def build(spec) -> None:
    """Write the drawn register through the services."""
    made = {}
    for org_spec in spec:
        fields = dict(org_spec["fields"])
        parent = made[spec[0]["name"]] if org_spec["parent"] else None
        org = made[org_spec["name"]] = entity_services.organisation_create(
            name=org_spec["name"], parent=parent, **fields)
        for contact in org_spec["contacts"]:
            entity_services.contact_create(organisation=org, **contact)
        parties = {p["name"]: entity_services.third_party_create(organisation=org, **p)
                   for p in org_spec["parties"]}
        for a in org_spec["activities"]:
            owner = a["owner"]
            activity = services.activity_create(
                organisation=org, reference=a["reference"], status=a["status"],
                owner=entity_services.person_named(org, owner["name"], owner["email"]) if owner
                else None,
                joint_controllers=[parties[n] for n in a["joint"]],
                controllers_served=[parties[n] for n in a["served"]],
                **a["links"], **a["fields"])
            purposes = {text: services.purpose_add(activity=activity, description=text)
                        for text in a["purposes"]}
            for b in a["bases"]:
                b = dict(b)
                services.lawful_basis_add(activity=activity, basis=b.pop("basis"),
                                          purposes=[purposes[p] for p in b.pop("purposes")], **b)
            for r in a["recipients"]:
                r = dict(r)
                party = r.pop("third_party")
                services.recipient_add(activity=activity, third_party=parties.get(party), **r)
            for t in a["transfers"]:
                t = dict(t)
                party = t.pop("third_party")
                services.transfer_add(activity=activity, third_party=parties.get(party), **t)
            for rule in a["retention"]:
                services.retention_rule_add(activity=activity, **rule)


def empty_database() -> None:
    flush_register(users=True)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["workbook", "ods", "csv", "json"])
def test_random_registers_survive_export_import_export(fmt):
    ref = _reference_data()

    @settings(max_examples=15, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much])
    @given(registers(ref))
    def round_trip(spec):
        empty_database()
        build(spec)
        first, layout = export_register(fmt)
        empty_database()
        import_workbook(first, f"register.{layout.extension}")
        again, _ = export_register(fmt)
        assert workbook_content(again, fmt) == workbook_content(first, fmt)

    round_trip()
