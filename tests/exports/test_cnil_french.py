"""The CNIL layout is read by French auditors: its reference terms, the wording derived
from the register and its fixed text are in French, and its recipients are split as the
CNIL's template splits them (internal services, external recipients, processors)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from entities import services as entity_services
from entities.models import ContactRole, Country, RecipientCategory, ThirdParty, ThirdPartyKind
from processing import services
from processing.demo import load_demo
from processing.exports.ico import ICO_HEADINGS, RIGHTS_ORDER
from processing.exports.registry import export_register
from processing.models import (
    ActivityRole,
    DataSubjectCategory,
    LawfulBasis,
    PersonalDataCategory,
    ProcessingActivity,
    Schedule1Condition,
    SecurityMeasure,
    SpecialCategoryCondition,
    TransferMechanism,
)
from processing.models.activity import ActivityStatus, DpiaStatus
from processing.models.retention import DeletionMethod, RetentionTrigger
from processing.models.transfer import SccModule
from processing.register.records import NOT_NAMED
from tests.exports.helpers import xlsx_cells
from tests.factories import UserFactory

TERM_MODELS = (LawfulBasis, SpecialCategoryCondition, Schedule1Condition, TransferMechanism,
               DataSubjectCategory, PersonalDataCategory, SecurityMeasure, RecipientCategory)
CHOICES = (ThirdPartyKind, ContactRole, ActivityRole, ActivityStatus, DpiaStatus,
           RetentionTrigger, DeletionMethod, SccModule)
#: The English wording of the other layouts that a French layout must not show.
ENGLISH_FIXED = {"Yes", "No", "None", NOT_NAMED, *ICO_HEADINGS, *RIGHTS_ORDER}


def english_labels() -> set[str]:
    """Every English name and label of the reference data, the English labels of the
    choices the register shows and the English fixed text of the other layouts, where the
    French differs (a name such as "Anonymisation" or "France" is the same in both)."""
    found = set(ENGLISH_FIXED)
    for model in TERM_MODELS:
        has_article = any(f.name == "article" for f in model._meta.fields)
        for term in model.objects.all():
            if term.name != term.name_fr:
                found.add(term.name)
                if has_article:
                    found.add(f"{term.article} – {term.name}")
    found |= {name for name, name_fr in Country.objects.values_list("name", "name_fr")
              if name != name_fr}
    for choices in CHOICES:
        for label in choices.labels:
            with translation.override("fr"):
                french = str(label)
            if str(label) != french:
                found.add(str(label))
    # Names the register's users gave (a third party called "Professional advisers", an
    # activity called "Correspondence") are their words, not the reference data's.
    found -= set(ThirdParty.objects.values_list("name", flat=True))
    found -= set(ProcessingActivity.objects.values_list("name", flat=True))
    return found


def pieces(cell: str) -> set[str]:
    """The cell, its lines and the parts of each line the layout joins (" – " between a
    category and a kind or an article and a name, "; " between terms, " : " after a
    French label)."""
    lines = cell.split("\n")
    return {cell, *lines, *(p.strip() for line in lines for p in re.split(r" – |; | : ", line))}


def english_in(cells: dict, english: set[str]) -> list[tuple[str, str]]:
    return sorted({(sheet, value) for sheet, rows in cells.items() for row in rows
                   for value in row if isinstance(value, str) and pieces(value) & english})


@pytest.fixture
def demo_cnil(db):
    """The demo's CNIL workbook, and the English labels."""
    load_demo(user=UserFactory(username="loader"))
    return xlsx_cells(export_register("cnil-xlsx")[0]), english_labels()


def test_the_demo_cnil_file_has_no_english_reference_label(demo_cnil):
    cells, english = demo_cnil
    assert len(cells) > 10
    assert {"Customers", "Contact details", "Consent", "processor", "United States"} <= english
    found = english_in(cells, english)
    assert found == [], "\n".join(f"{sheet}: {value!r} ({sorted(pieces(value) & english)})"
                                   for sheet, value in found)
    # What it shows instead.
    values = {v for rows in cells.values() for row in rows for v in row if isinstance(v, str)}
    assert "Coordonnées" in values
    assert any(v.startswith("art. 6(1)") for v in values)
    assert any("États-Unis" in v for v in values)


def test_the_check_finds_an_english_label():
    english = {"Contact details", "Art 6(1)(b) – Contract", "processor"}
    cells = {"Fiche": [("Coordonnées", "Art 6(1)(b) – Contract"),
                       ("Zendesk, Inc – processor", None), ("Contact details\nIdentité", None),
                       ("Limitée à : Contact details", None)]}
    assert english_in(cells, english) == [
        ("Fiche", "Art 6(1)(b) – Contract"), ("Fiche", "Contact details\nIdentité"),
        ("Fiche", "Limitée à : Contact details"), ("Fiche", "Zendesk, Inc – processor")]
    assert english_in({"Fiche": [("Coordonnées", "Contrat")]}, english) == []


def test_a_term_without_a_french_name_shows_in_english_and_is_caught(rich_register):
    PersonalDataCategory.objects.filter(code="contact").update(name_fr="")
    english = english_labels()
    found = english_in(xlsx_cells(export_register("cnil-xlsx")[0]), english)
    assert ("Fiche PA-001", "Contact details") in found


def test_the_english_layouts_stay_in_english(rich_register):
    cells = xlsx_cells(export_register("ico-xlsx")[0])
    values = {v for rows in cells.values() for row in rows for v in row if isinstance(v, str)}
    assert "Contact details" in "\n".join(values)
    assert "Coordonnées" not in "\n".join(values)


GROUPS = ("Services internes", "Destinataires externes", "Sous-traitants")


def _recipient_tables(rows) -> dict[str, list[str]]:
    """The names listed under each of the CNIL template's three kinds of recipient."""
    tables, current = {}, None
    for row in rows:
        first = row[0] if row else None
        if first in GROUPS:
            current = tables.setdefault(first, [])
        elif current is not None and not any(row):
            current = None
        elif current is not None:
            current.append(first.split(",")[0])
    return tables


def test_recipients_are_split_as_the_cnil_template_splits_them(rich_register):
    org = rich_register
    marketing = ProcessingActivity.objects.get(organisation=org, reference="PA-001")
    group = RecipientCategory.objects.get(code="group-companies")
    for name, kind in (("Mondago Inc", "group_company"), ("Akixi Data Ltd", "controller"),
                       ("Twilio", "sub_processor"), ("HMRC", "public_authority"),
                       ("KPMG", "adviser")):
        party = entity_services.third_party_create(organisation=org, name=name, kind=kind)
        services.recipient_add(activity=marketing, third_party=party)
    services.recipient_add(activity=marketing, category=group)
    cells = xlsx_cells(export_register("cnil-xlsx")[0])
    tables = _recipient_tables(cells["Fiche PA-001"])
    assert sorted(tables["Services internes"]) == ["Mondago Inc", "Sociétés du groupe"]
    assert sorted(tables["Destinataires externes"]) == [
        "Akixi Data Ltd", "Fournisseurs de logiciels de gestion de la relation client (CRM)",
        "HMRC", "KPMG"]
    assert sorted(tables["Sous-traitants"]) == ["Salesforce", "Twilio"]


def test_a_kind_of_recipient_with_none_says_so(rich_register):
    cells = xlsx_cells(export_register("cnil-xlsx")[0])
    tables = _recipient_tables(cells["Fiche PA-003"])
    assert tables["Sous-traitants"] == ["Zendesk Inc"]
    assert tables["Services internes"] == ["Aucun"] == tables["Destinataires externes"]
    # No recipient at all, and the register says so: one line, no empty tables.
    health = _recipient_tables(cells["Fiche PA-002"])
    assert health == {}
    assert any(row[:1] == ("Aucun destinataire",) for row in cells["Fiche PA-002"])
