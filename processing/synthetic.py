"""A synthetic register for benchmarks: the shape of DESIGN.md section 6, reproducible.

Each activity has about 5 data categories, 3 subject categories, 3 recipients, 2 lawful
bases, 1 transfer, 2 retention rules and 2 purposes; 20 organisations share 500 third
parties. Rows are bulk-created with their history (user and path recorded, many-to-many
history included) so as-of reads work on the generated register as on a real one.

Where each organisation's rows lie in the tables is the ``layout``: ``together`` (the
default) creates an organisation's activities and third parties one after another, as a
register entered or imported organisation by organisation lies, so a register of more
organisations has more such runs, each like the smaller register's; ``rotation`` lets the
organisations take turns row by row, so each organisation's rows are spread across the
whole of every table, the thinner the more organisations there are (what reading one
organisation then costs is in docs/architecture.md, "Where an organisation's rows lie").
"""

from __future__ import annotations

import random
from collections import defaultdict

from django.db import transaction

from entities.models import Country, Organisation, RecipientCategory, ThirdParty
from ropa.audit import ChangePath
from ropa.bulk import create_with_history, link_with_history

from .models import (
    ActivityLawfulBasis,
    ActivityRecipient,
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

FUNCTIONS = ["Sales", "Marketing", "Support", "Finance", "HR", "IT", "Legal", "Operations"]
VERBS = ["Manage", "Analyse", "Record", "Deliver", "Invoice", "Recruit", "Support", "Monitor"]
OBJECTS = ["customer accounts", "support tickets", "newsletters", "payroll", "call records",
           "job applications", "supplier contracts", "website analytics", "licences"]
TRIGGERS = ["collection", "end_of_contract", "end_of_relationship", "last_contact", "submission"]
PERIODS = ["P6M", "P12M", "P2Y", "P3Y", "P6Y", "P7Y", "P1Y..P6Y"]


#: How the organisations share the rows (see the module's docstring).
LAYOUTS = ("together", "rotation")


def owner(i: int, count: int, organisations: int, layout: str = "together") -> int:
    """The organisation (its index) of row ``i`` of ``count`` rows shared among
    ``organisations`` in ``layout`` (one of :data:`LAYOUTS`): runs as even as they divide,
    or turns."""
    return i % organisations if layout == "rotation" else i * organisations // count


def _create(model, objs: list, user) -> dict[int, int]:
    """Bulk-create ``objs`` with their "+" history rows; object id -> history id."""
    return create_with_history(model, objs, user=user, path=ChangePath.COMMAND)


@transaction.atomic
def generate_register(*, activities: int, organisations: int = 20, third_parties: int = 500,
                      seed: int = 1, user=None, chunk: int = 5000,
                      layout: str = "together") -> dict[str, int]:
    """Create a synthetic register next to whatever exists; returns what was created.

    Activities are written ``chunk`` at a time with all they hold, so that 100,000 of them
    (the growth benchmark) take no more memory than 5,000. ``layout``: where each
    organisation's rows lie (the module's docstring)."""
    if layout not in LAYOUTS:  # refused before anything is written
        raise ValueError(f"layout {layout!r}: use {' or '.join(LAYOUTS)}.")
    rng = random.Random(seed)
    categories = list(PersonalDataCategory.objects.filter(
        special_category=False, criminal_offence=False).values_list("pk", flat=True))
    subjects = list(DataSubjectCategory.objects.values_list("pk", flat=True))
    measures = list(SecurityMeasure.objects.values_list("pk", flat=True))
    bases = {b.code: b.pk for b in LawfulBasis.objects.all()}
    basis_choices = [bases[c] for c in ("A6-1-b", "A6-1-c", "A6-1-f", "A6-1-a")]
    mechanisms = list(TransferMechanism.objects.filter(
        kind__in=["scc", "idta", "uk_addendum", "dpf"]).values_list("pk", flat=True))
    countries = list(Country.objects.filter(code__in=["US", "IN", "AU", "SG", "ZA", "BR"]))
    gb = Country.objects.get(code="GB")
    recipient_categories = list(RecipientCategory.objects.values_list("pk", flat=True))
    start = Organisation.objects.count()
    tag = f"{seed}-{start}"

    orgs = [Organisation(name=f"Synthetic {tag} Organisation {i + 1:02d} Ltd", country=gb,
                         email=f"dpo{i}@synthetic.example", jurisdiction="uk")
            for i in range(organisations)]
    _create(Organisation, orgs, user)
    parties = [
        ThirdParty(organisation=orgs[owner(i, third_parties, organisations, layout)],
                   name=f"Supplier {i + 1:04d}",
                   kind=rng.choice(["processor", "processor", "controller", "sub_processor"]),
                   category_id=rng.choice(recipient_categories),
                   country=rng.choice([gb, *countries]),
                   address=f"{i + 1} Example Street", contract_link="https://dpa.example/contract")
        for i in range(third_parties)]
    _create(ThirdParty, parties, user)
    parties_by_org = defaultdict(list)
    for party in parties:
        parties_by_org[party.organisation_id].append(party)

    controllers_of = {org: [p.pk for p in parties if p.kind == "controller"][:1]
                      for org, parties in parties_by_org.items()}
    numbers = range(activities)
    width = max(5, len(str(activities)))  # SYN-00001, or SYN-000001 from 100,000 on
    for start in range(0, activities, chunk):
        # A chunk of activities with everything they hold at a time: the memory held is
        # one chunk's, whatever the size of the register.
        _activities_with_parts(rng, orgs, numbers[start:start + chunk], width, user,
                               categories=categories, subjects=subjects, measures=measures,
                               bases=bases, basis_choices=basis_choices, mechanisms=mechanisms,
                               countries=countries, parties_by_org=parties_by_org,
                               controllers_of=controllers_of,
                               owner_of=lambda i: owner(i, activities, organisations, layout))
    return {"organisations": len(orgs), "third_parties": len(parties), "activities": activities}


def _activities_with_parts(rng, orgs, numbers, width, user, *, categories, subjects, measures, bases,
                           basis_choices, mechanisms, countries, parties_by_org,
                           controllers_of, owner_of) -> None:
    """Create the activities numbered ``numbers`` (from 0, references ``width`` digits
    long), each with its lists and parts; ``owner_of(i)``: the index of activity ``i``'s
    organisation."""
    acts = [
        ProcessingActivity(
            organisation=orgs[owner_of(i)], reference=f"SYN-{i + 1:0{width}d}",
            name=f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {i + 1}",
            business_function=rng.choice(FUNCTIONS),
            role=rng.choice(["controller"] * 9 + ["processor"]),
            status=rng.choice(["active", "active", "active", "draft", "in_review"]),
            description="Synthetic activity for benchmarks.",
            data_location="United Kingdom",
        )
        for i in numbers]
    history = _create(ProcessingActivity, acts, user)

    data_of = {a.pk: rng.sample(categories, 5) for a in acts}
    link_with_history(ProcessingActivity, "data_categories", data_of, history)
    link_with_history(ProcessingActivity, "data_subjects",
                      {a.pk: rng.sample(subjects, 3) for a in acts}, history)
    link_with_history(ProcessingActivity, "security_measures",
                      {a.pk: rng.sample(measures, 3) for a in acts}, history)
    link_with_history(ProcessingActivity, "controllers_served", {
        a.pk: controllers_of[a.organisation_id] for a in acts if a.role == "processor"}, history)

    _create(Purpose, [Purpose(activity=a, description=f"{verb} {a.name.lower()}", position=n)
                      for a in acts for n, verb in enumerate(("To", "To report on"), 1)], user)
    _create(ActivityLawfulBasis, [
        ActivityLawfulBasis(
            activity=a, basis_id=basis_id,
            legitimate_interest="Running the business" if basis_id == bases["A6-1-f"] else "",
            lia_link="https://lia.example/1" if basis_id == bases["A6-1-f"] else "",
            citation="Companies Act 2006" if basis_id == bases["A6-1-c"] else "",
            consent_record_link="https://consent.example/" if basis_id == bases["A6-1-a"] else "")
        for a in acts for basis_id in rng.sample(basis_choices, 2)], user)
    _create(ActivityRecipient, [
        ActivityRecipient(activity=a, third_party=party)
        for a in acts for party in rng.sample(parties_by_org[a.organisation_id], 3)], user)
    _create(InternationalTransfer, [
        InternationalTransfer(activity=a, country=rng.choice(countries),
                              mechanism_id=rng.choice(mechanisms),
                              third_party=rng.choice(parties_by_org[a.organisation_id]))
        for a in acts], user)
    _create(RetentionRule, [
        RetentionRule(activity=a, data_category_id=category, period=rng.choice(PERIODS),
                      trigger=rng.choice(TRIGGERS), deletion_method="deletion")
        # A rule names some of the activity's own data, as the services require.
        for a in acts for category in rng.sample(data_of[a.pk], 2)], user)
