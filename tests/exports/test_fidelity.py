"""Nothing lost from entry to evidence: the field x format matrix of docs/exports.md, held.

For each field of the matrix, ``fidelity_register`` stores a distinctive value; every
format is exported once; each (field, format) whose cell is a check mark is a test that
finds the value in that export: xlsx cells with openpyxl (every sheet, every cell), the
PDF's text with pypdf, the JSON-LD graph with rdflib (its literals and IRIs). The
workbook is also imported back into an empty register, in each of its formats, and each
field it carries must read back as stored.

The matrix and this test cannot drift apart: a field key of the matrix without a value
spec here fails, a spec here without a row fails, and a field a user enters (every
concrete editable field of the register's models) in neither fails.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest
from django.db import transaction
from pypdf import PdfReader
from rdflib import Graph

from entities.models import Contact, ContactRole, Organisation, Person, ThirdParty
from processing.exports.cells import text as cell_text
from processing.exports.registry import LAYOUTS, export_register
from processing.imports import import_workbook
from processing.models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    InternationalTransfer,
    ProcessingActivity,
    Purpose,
    RetentionRule,
)
from tests.exports import fidelity_register as reg
from tests.exports.fidelity_register import email, marker, url
from tests.exports.helpers import flush_register

MATRIX_PATH = Path(__file__).resolve().parents[2] / "docs" / "exports.md"
CHECK = "✓"
#: Matrix column heading -> (short name used by the specs, export format).
COLUMNS = {
    "Workbook": ("workbook", "workbook"),
    "ICO": ("ico", "ico-xlsx"),
    "CNIL": ("cnil", "cnil-xlsx"),
    "JSON-LD": ("jsonld", "jsonld"),
    "PDF": ("pdf", "pdf"),
}
#: The workbook's formats: one layout, each imported back.
WORKBOOK_FORMATS = ("workbook", "csv", "ods", "json")

#: The register's models, by the prefix of their field keys.
MODELS = {
    "organisation": Organisation,
    "contact": Contact,
    "owner": Person,
    "third_party": ThirdParty,
    "activity": ProcessingActivity,
    "purpose": Purpose,
    "lawful_basis": ActivityLawfulBasis,
    "recipient": ActivityRecipient,
    "transfer": InternationalTransfer,
    "retention": RetentionRule,
}
#: Fields that place a record rather than describe it: whose register, which activity,
#: and a contact's role (a dimension of the contact keys).
PLACING = {"organisation", "activity"}
#: Fields the application sets, not the user.
NOT_ENTERED = {"activity.status_changed_at"}
#: Rows of the matrix that no single model field holds: derived from the register.
DERIVED = {"activity.findings", "activity.rights_available"}


# --- What to look for -------------------------------------------------------------------

@dataclass(frozen=True)
class Text:
    """The text appears in a cell (a literal or IRI of the graph, the PDF's text)."""
    text: str


@dataclass(frozen=True)
class Near:
    """The text appears next to a label: in a cell right of the label in its row or below
    it in its column (xlsx); shortly after it (PDF); as the object of a property whose
    IRI ends with the label (JSON-LD)."""
    label: str
    text: str


@dataclass(frozen=True)
class Together:
    """All the texts in one row (xlsx), close together (PDF), or as values of one node
    (JSON-LD)."""
    texts: tuple[str, ...]


@dataclass(frozen=True)
class Before:
    """The first text comes before the second in the same sheet (or the PDF)."""
    first: str
    second: str


@dataclass(frozen=True)
class Spec:
    default: object = None
    workbook: object = None
    ico: object = None
    cnil: object = None
    jsonld: object = None
    pdf: object = None

    def check(self, fmt: str):
        found = getattr(self, fmt)
        return self.default if found is None else found


def same(value: str) -> Spec:
    """The value as stored, in every format."""
    return Spec(Text(value))


def term(code: str, name: str, iri_end: str, *, column: str, predicate: str, cnil: str) -> Spec:
    """A reference term: its code in the workbook, its name where people read (its French
    name in the CNIL layout), its IRI in the graph."""
    return Spec(Text(name), workbook=Near(column, code), jsonld=Near(predicate, iri_end),
                cnil=Text(cnil))


def flag(*, workbook: str, ico: str | None = None, cnil: str | None = None, jsonld: str,
         pdf: str) -> Spec:
    """A yes/no field set to yes: "Yes" beside its label in each format."""
    return Spec(workbook=Near(workbook, "Yes"), ico=ico and Near(ico, "Yes"),
                cnil=cnil and Near(cnil, "Oui"), jsonld=Near(jsonld, "true"),
                pdf=Near(pdf, "Yes"))


def choice(value: str, label: str, *, column: str, predicate: str, cnil=None, ico=None,
           pdf=None) -> Spec:
    """A choice: its code in the workbook and the graph, its label where people read (a
    French label, text or check, in the CNIL layout)."""
    return Spec(Text(label), workbook=Near(column, value), jsonld=Near(predicate, value),
                cnil=Text(cnil) if isinstance(cnil, str) else cnil, ico=ico, pdf=pdf)


ICO_ADM = "Existence of automated decision-making, including profiling (if applicable)"
ICO_RECIPIENTS = "Categories of recipients"
PARENT_IRI = "urn:ropa:" + reg.PARENT
EDUCATION = "Education and training"
SOCIAL = "Social media data"

SPECS: dict[str, Spec] = {
    "organisation.name": same(reg.ORG),
    "organisation.trading_name": same(marker("organisation.trading_name")),
    "organisation.registration_number": same("FIDREG-73311"),
    "organisation.authority_registration_ref": same("ZB918273"),
    "organisation.vat_number": same("GB-VAT-551177"),
    "organisation.address": same(marker("organisation.address")),
    "organisation.trading_address": same(marker("organisation.trading_address")),
    "organisation.country": Spec(Text("Malta"), workbook=Near("Country (ISO)", "MT"),
                                 cnil=Text("Malte"),
                                 jsonld=Near("hasCountry", "loc#MT")),
    "organisation.website": same(url("organisation.website")),
    "organisation.email": same(email("organisation.email")),
    "organisation.phone": same("+356 2122 0099"),
    "organisation.parent": Spec(
        workbook=Near("Parent organisation", reg.PARENT),
        ico=Near("Group (parent company)", reg.PARENT),
        cnil=Near("Société mère (groupe)", reg.PARENT),
        jsonld=Near("parentOrganisation", PARENT_IRI), pdf=Near("parent", reg.PARENT)),
    "organisation.public_authority": flag(
        workbook="Public authority", cnil="Autorité ou organisme public",
        jsonld="publicAuthority", pdf="public authority"),
    "organisation.jurisdiction": Spec(workbook=Near("Jurisdiction", "eu"),
                                      jsonld=Near("jurisdiction", "eu"), pdf=Text("EU GDPR")),
    **{
        f"contact.{role}.{field}": same(value)
        for number, role in enumerate(ContactRole.values, start=1)
        for field, value in (
            ("name", marker(f"contact.{role}.name")),
            ("email", email(f"contact.{role}.email")),
            ("phone", f"+44 (0)20 7946 {1100 + number:04d}"),
            ("address", marker(f"contact.{role}.address")),
        )
    },
    "owner.name": same(reg.OWNER),
    "owner.email": same(email("owner.email")),
    # A login is an account of one installation: no export names it.
    "owner.login": Spec(),
    "third_party.name": Spec(Text(reg.VENDOR), ico=Near(ICO_RECIPIENTS, reg.VENDOR)),
    "third_party.kind": Spec(Text("sub-processor"), workbook=Near("Kind", "sub_processor"),
                             cnil=Text("Prestataires de services de paiement – "
                                       "sous-traitant ultérieur"),
                             jsonld=Near("kind", "sub_processor")),
    "third_party.category": Spec(
        Text("Payment processors"), workbook=Near("Recipient category", "payment-processor"),
        ico=Text(f"Payment processors: {reg.VENDOR}"),
        cnil=Together((reg.VENDOR, "Prestataires de services de paiement")),
        jsonld=Near("recipientCategory", "recipient-payment-processor")),
    "third_party.service": same(marker("third_party.service")),
    "third_party.country": Spec(Text("India"), workbook=Near("Country (ISO)", "IN"),
                                cnil=Text("Inde"),
                                jsonld=Near("hasCountry", "loc#IN")),
    "third_party.address": same(marker("third_party.address")),
    "third_party.email": same(email("third_party.email")),
    "third_party.phone": same("+91 22 6600 4411"),
    "third_party.website": same(url("third_party.website")),
    "third_party.contract_link": same(url("third_party.contract_link")),
    "third_party.dpf_certified": Spec(
        workbook=Near("DPF certified", "Yes"), cnil=Text("Certifié EU-US Data Privacy Framework"),
        jsonld=Near("dpfCertified", "true"), pdf=Text("Data Privacy Framework")),
    "third_party.group_organisation": Spec(
        workbook=Near("Group organisation", reg.PARENT),
        cnil=Text(f"Société du groupe : {reg.PARENT}"),
        jsonld=Near("groupOrganisation", reg.PARENT), pdf=Near(reg.GROUP_COMPANY, reg.PARENT)),
    "third_party.dpo_contact": same(marker("third_party.dpo_contact")),
    "third_party.representative_contact": same(marker("third_party.representative_contact")),
    "third_party.notes": same(marker("third_party.notes")),
    "activity.reference": same(reg.MAIN),
    "activity.name": same(marker("activity.name")),
    "activity.business_function": same(marker("activity.business_function")),
    "activity.owner": Spec(workbook=Near("Owner", reg.OWNER),
                           cnil=Near("Responsable de l'activité", reg.OWNER),
                           jsonld=Near("owner", reg.OWNER), pdf=Near("owner", reg.OWNER)),
    "activity.role": choice("joint_controller", "joint controller", column="Role",
                            predicate="role", cnil="Responsable conjoint"),
    "activity.joint_controllers": Spec(
        workbook=Near("Joint controllers", reg.JOINT),
        ico=Near("Name and contact details of joint controller (if applicable)", reg.JOINT),
        cnil=Near("Responsable(s) conjoint(s)", reg.JOINT),
        jsonld=Near("hasDataController", reg.JOINT), pdf=Near("joint controllers", reg.JOINT)),
    "activity.controllers_served": Spec(
        workbook=Near("Controllers served", reg.CLIENT),
        ico=Near("Name and contact details of controller", reg.CLIENT), cnil=Text(reg.CLIENT),
        jsonld=Near("hasDataController", reg.CLIENT),
        pdf=Near("controllers served", reg.CLIENT)),
    "activity.description": same(marker("activity.description")),
    "activity.status": choice("in_review", "in review", column="Status", predicate="status",
                              cnil="En cours de validation"),
    "activity.last_reviewed_on": Spec(Text("2024-02-29"),
                                      jsonld=Near("lastReviewedOn", "2024-02-29")),
    "activity.next_review_on": Spec(Text("2031-07-19"),
                                    jsonld=Near("nextReviewOn", "2031-07-19")),
    "activity.data_subjects": term("volunteers", "Volunteers", "ns#Volunteer",
                                   column="Data subjects", predicate="hasDataSubject",
                                   cnil="Bénévoles"),
    "activity.data_categories": term(
        "trade-union-membership", "Trade union membership", "pd#TradeUnionMembership",
        column="Data categories", predicate="hasPersonalData", cnil="Appartenance syndicale"),
    "activity.special_category_conditions": term(
        "A9-2-d", "Art 9(2)(d)", "gdpr#A9-2-d", column="Art 9 conditions",
        predicate="hasLegalBasis", cnil="art. 9(2)(d) – Organismes à but non lucratif"),
    "activity.schedule1_conditions": term(
        "DPA2018-S1-P2-23", "Sch. 1 Pt 2 para 23", "ns#DPA2018-S1-P2-23",
        column="Schedule 1 conditions", predicate="hasLegalBasis",
        cnil="ann. 1, partie 2, § 23 – Élus répondant à des demandes"),
    "activity.recipients_none": Spec(
        workbook=Near("No recipients", "Yes"), ico=Near(ICO_RECIPIENTS, "None"),
        cnil=Text("Aucun destinataire"), jsonld=Near("recipientsNone", "true"),
        pdf=Near("recipients", "None")),
    "activity.security_measures": term(
        "penetration-testing", "Penetration testing", "PenetrationTestingMethods",
        column="Security measures", predicate="hasTechnicalOrganisationalMeasure",
        cnil="Tests d'intrusion"),
    "activity.security_description": same(marker("activity.security_description")),
    "activity.source_of_data": same(marker("activity.source_of_data")),
    "activity.automated_decision_making": flag(
        workbook="Automated decision-making", ico=ICO_ADM,
        cnil="Décision automatisée ou profilage", jsonld="automatedDecisionMaking",
        pdf="automated decision"),
    "activity.automated_decision_legal_effect": Spec(
        Text("legal or similarly significant effect"),
        cnil=Near("Effets juridiques ou similaires (art. 22)", "Oui"),
        workbook=Near("Legal or similar effect", "Yes"),
        jsonld=Near("automatedDecisionLegalEffect", "true")),
    "activity.automated_decision_description": same(marker("activity.automated_decision_description")),
    "activity.systematic_monitoring": flag(
        workbook="Systematic monitoring", cnil="Surveillance systématique",
        jsonld="systematicMonitoring", pdf="systematic monitoring"),
    "activity.data_location": same(marker("activity.data_location")),
    "activity.dpia_required": choice(
        "yes", "Yes", column="DPIA required", predicate="dpiaRequired",
        ico=Near("Data Protection Impact Assessment required?", "Yes"),
        cnil=Near("AIPD requise", "Oui"), pdf=Near("DPIA", "yes")),
    "activity.dpia_status": choice(
        "completed", "Completed", column="DPIA progress", predicate="dpiaStatus",
        ico=Near("Data Protection Impact Assessment progress", "Completed"),
        cnil=Near("État de l'AIPD", "Terminée"),
        pdf=Near("Data protection impact assessment", "Progress: Completed")),
    "activity.dpia_link": same(url("activity.dpia_link")),
    "activity.breach_occurred": flag(
        workbook="Breach occurred", ico="Has a personal data breach occurred?",
        cnil="Violation de données survenue", jsonld="breachOccurred", pdf="breach"),
    "activity.breach_link": same(url("activity.breach_link")),
    "activity.retention_policy_link": same(url("activity.retention_policy_link")),
    "activity.retention_adhered": Spec(
        workbook=Near("Retention policy adhered", "No"),
        ico=Near("Is personal data retained and erased in accordance with the policy document?",
                 "No"),
        cnil=Near("Conservation conforme à la politique", "Non"),
        jsonld=Near("retentionAdhered", "false"), pdf=Near("policy", "No")),
    "activity.retention_non_adherence_reason": same(marker("activity.retention_non_adherence_reason")),
    "activity.large_scale": flag(
        workbook="Large scale", cnil="Traitement à grande échelle", jsonld="largeScale",
        pdf="large scale"),
    "activity.evaluation_or_scoring": flag(
        workbook="Evaluation or scoring", cnil="Évaluation ou notation",
        jsonld="evaluationOrScoring", pdf="evaluation or scoring"),
    "activity.matching_datasets": flag(
        workbook="Matching datasets", cnil="Croisement de données", jsonld="matchingDatasets",
        pdf="matching datasets"),
    "activity.vulnerable_subjects": flag(
        workbook="Vulnerable data subjects", cnil="Personnes vulnérables",
        jsonld="vulnerableSubjects", pdf="vulnerable data subjects"),
    "activity.children": flag(
        workbook="Children's data", cnil="Données d'enfants", jsonld="children",
        pdf="children's data"),
    "activity.innovative_technology": flag(
        workbook="Innovative technology", cnil="Usage innovant ou nouvelle technologie",
        jsonld="innovativeTechnology", pdf="innovative technology"),
    "activity.prevents_exercise_of_right": flag(
        workbook="Prevents a right or service",
        cnil="Exclusion du bénéfice d'un droit ou d'un contrat",
        jsonld="preventsExerciseOfRight", pdf="prevents a right or service"),
    "activity.automated_decision_safeguards": same(marker("activity.automated_decision_safeguards")),
    "activity.children_consent": same(marker("activity.children_consent")),
    "activity.data_from_other_sources": Spec(
        Text("Obtained from others (Art 14)"),
        workbook=Near("Data obtained from others", "Yes"),
        cnil=Near("Données non collectées auprès de la personne (art. 14)", "Oui"),
        jsonld=Near("dataFromOtherSources", "true")),
    "activity.privacy_notice_link": same(url("activity.privacy_notice_link")),
    "activity.joint_arrangement_link": same(url("activity.joint_arrangement_link")),
    "activity.direct_marketing": Spec(
        workbook=Near("Direct marketing", "Yes"),
        ico=Text("Absolute right to object to direct marketing"),
        cnil=Near("Prospection commerciale", "Oui"), jsonld=Near("directMarketing", "true"),
        pdf=Near("direct marketing", "Yes")),
    "activity.electronic_marketing": flag(
        workbook="Electronic marketing", cnil="Prospection par voie électronique",
        jsonld="electronicMarketing", pdf="electronic marketing"),
    "activity.soft_opt_in": flag(
        workbook="Soft opt-in", cnil="Exception « clients existants » (soft opt-in)",
        jsonld="softOptIn", pdf="soft opt-in"),
    "activity.policy_document_link": same(url("activity.policy_document_link")),
    "activity.findings": Spec(Text("names no destination country")),
    "activity.rights_available": Spec(Text("Right to withdraw consent")),
    "purpose.description": same(reg.PURPOSE_FIRST),
    "purpose.position": Spec(Before(reg.PURPOSE_FIRST, reg.PURPOSE_SECOND),
                             jsonld=Together(("/purpose/1", reg.PURPOSE_FIRST))),
    "lawful_basis.basis": Spec(Text("Art 6(1)(e)"), workbook=Near("Lawful basis", "A6-1-e"),
                               cnil=Text("art. 6(1)(e) – Mission d'intérêt public"),
                               jsonld=Near("hasLegalBasis", "gdpr#A6-1-e")),
    "lawful_basis.data_categories": Spec(
        Together(("Art 6(1)(a)", f"; {EDUCATION}")),
        pdf=Together(("Art 6(1)(a)", f"Limited to data: {EDUCATION}")),
        workbook=Near("Limited to data categories", "education"),
        cnil=Text(f"Limitée à : {reg.PURPOSE_FIRST}; Formation et diplômes"),
        jsonld=Together(("gdpr#A6-1-a", "pd#Education"))),
    "lawful_basis.purposes": Spec(
        Together(("Art 6(1)(a)", reg.PURPOSE_FIRST)),
        workbook=Near("Limited to purposes (No.)", "1"),
        ico=Text(f"(for: {reg.PURPOSE_FIRST}"), cnil=Text(f"Limitée à : {reg.PURPOSE_FIRST}"),
        jsonld=Together(("gdpr#A6-1-a", "/purpose/1"))),
    "lawful_basis.legitimate_interest": same(marker("lawful_basis.legitimate_interest")),
    "lawful_basis.lia_link": same(url("lawful_basis.lia_link")),
    "lawful_basis.consent_record_link": same(url("lawful_basis.consent_record_link")),
    "lawful_basis.consent_description": same(marker("lawful_basis.consent_description")),
    "lawful_basis.citation": same(marker("lawful_basis.citation")),
    "lawful_basis.notes": same(marker("lawful_basis.notes")),
    "lawful_basis.recognised_interest": Spec(
        Text("Annex 1 para 5: safeguarding vulnerable individuals"),
        workbook=Near("Recognised legitimate interest", "safeguarding"),
        jsonld=Near("recognisedInterest", "safeguarding")),
    "recipient.third_party": Spec(
        workbook=Near("Third party", reg.VENDOR), ico=Near(ICO_RECIPIENTS, reg.VENDOR),
        cnil=Near("Destinataires des données", reg.VENDOR),
        jsonld=Near("hasRecipient", reg.VENDOR), pdf=Near("recipients", reg.VENDOR)),
    "recipient.category": Spec(
        Text("Credit reference and company information providers"),
        cnil=Text("Agences de renseignement commercial et de solvabilité"),
        workbook=Near("Recipient category", "credit-reference"),
        jsonld=Near("hasRecipient", "recipient-credit-reference")),
    "recipient.data_categories": Spec(
        Together((reg.VENDOR, "Authentication credentials")),
        workbook=Near("Data disclosed", "credentials"),
        ico=Text(f"{reg.VENDOR} (Authentication credentials"),
        cnil=Near("Précisions", "Données d'authentification"),
        jsonld=Together(("ns#Disclosure", "pd#Authenticating"))),
    "recipient.purpose": same(marker("recipient.purpose")),
    "transfer.country": Spec(Text("Brazil"), workbook=Near("Country (ISO)", "BR"),
                             cnil=Text("Brésil"),
                             jsonld=Near("hasThirdCountry", "loc#BR")),
    "transfer.international_organisation": same(marker("transfer.international_organisation")),
    "transfer.third_party": Spec(
        Together(("Brazil", reg.VENDOR)), workbook=Near("Importer", reg.VENDOR),
        ico=Text(f"Brazil ({reg.VENDOR})"),
        cnil=Near("Transferts des données hors UE", reg.VENDOR),
        jsonld=Together(("dpv#Transfer", reg.VENDOR))),
    "transfer.mechanism": Spec(Text("2021/914"), workbook=Near("Mechanism", "EU-SCC-2021"),
                               jsonld=Near("hasLegalBasis", "gdpr#A46-2-c")),
    "transfer.scc_module": Spec(Text("Module 3: processor to processor"),
                                workbook=Near("SCC module", "3"), jsonld=Near("sccModule", "3"),
                                cnil=Text("Module 3 : de sous-traitant à sous-traitant")),
    "transfer.safeguards": same(marker("transfer.safeguards")),
    "transfer.safeguard_document_link": same(url("transfer.safeguard_document_link")),
    "transfer.tia_link": same(url("transfer.tia_link")),
    "retention.data_category": Spec(
        Text(f"{SOCIAL}: 9 months"), workbook=Near("Data category", "social-media"),
        cnil=Together(("Données de réseaux sociaux", marker("retention.criteria"))),
        jsonld=Together(("P9M", "pd#SocialMedia"))),
    "retention.period": Spec(Text("13 years"), workbook=Near("Period", "P13Y"), cnil=Text("13 ans"),
                             jsonld=Near("hasXSDDuration", "P13Y")),
    "retention.period_is_maximum": Spec(Text("up to 13 years"), workbook=Near("At most", "Yes"),
                                        cnil=Text("jusqu'à 13 ans"),
                                        jsonld=Near("periodIsMaximum", "true")),
    "retention.trigger": choice("application_decision", "decision on the application",
                                column="Counted from", predicate="trigger",
                                cnil="la décision sur la candidature"),
    "retention.trigger_description": same(marker("retention.trigger_description")),
    "retention.legal_source": same(marker("retention.legal_source")),
    "retention.deletion_method": choice("delete_or_anonymise", "deletion or anonymisation",
                                        column="At the end", predicate="deletionMethod",
                                        cnil="puis suppression ou anonymisation"),
    "retention.criteria": same(marker("retention.criteria")),
}


# --- The matrix ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Matrix:
    #: Short format names, in the order of the matrix's columns.
    formats: tuple[str, ...]
    #: field key -> short format name -> the cell (a check mark or a reason).
    rows: dict[str, dict[str, str]]


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def read_matrix(path: Path = MATRIX_PATH) -> Matrix:
    """The table of docs/exports.md whose first heading is "Field"."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines)
                 if line.startswith("|") and _cells(line)[0] == "Field")
    headings = _cells(lines[start])[1:]
    unknown = [h for h in headings if h not in COLUMNS]
    assert not unknown, f"matrix columns {unknown} are not formats the test knows ({list(COLUMNS)})"
    formats = tuple(COLUMNS[h][0] for h in headings)
    rows: dict[str, dict[str, str]] = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        key, *cells = _cells(line)
        key = key.strip("`")
        assert key not in rows, f"field {key} has two rows in the matrix"
        assert len(cells) == len(formats), f"row {key}: {len(cells)} cells for {len(formats)} formats"
        rows[key] = dict(zip(formats, cells, strict=True))
    return Matrix(formats, rows)


def model_keys() -> set[str]:
    """The key of every field a user enters in the register's models."""
    keys = set()
    for prefix, model in MODELS.items():
        for field in model._meta.get_fields():
            if not getattr(field, "concrete", False) or not field.editable or field.auto_created:
                continue
            if field.name in PLACING and model is not Organisation:
                continue
            if model is Contact:
                if field.name != "role":
                    keys.update(f"contact.{role}.{field.name}" for role in ContactRole.values)
                continue
            keys.add(f"{prefix}.{field.name}")
    return keys - NOT_ENTERED


def _params(matrix_path: Path = MATRIX_PATH):
    try:
        matrix = read_matrix(matrix_path)
    except (OSError, StopIteration, AssertionError):
        return []  # test_matrix_is_readable says what is wrong
    params = []
    for key, cells in matrix.rows.items():
        for fmt, cell in cells.items():
            if cell != CHECK:
                continue
            params.append(pytest.param(key, fmt, id=f"{key}-{fmt}"))
    return params


def _round_trip_params(matrix_path: Path = MATRIX_PATH):
    try:
        matrix = read_matrix(matrix_path)
    except (OSError, StopIteration, AssertionError):
        return []
    return [pytest.param(key, fmt, id=f"{key}-{fmt}") for key, cells in matrix.rows.items()
            if cells.get("workbook") == CHECK and key not in DERIVED for fmt in WORKBOOK_FORMATS]


def test_matrix_is_readable():
    matrix = read_matrix()
    assert set(matrix.formats) == {short for short, _ in COLUMNS.values()}
    empty = [(key, fmt) for key, cells in matrix.rows.items() for fmt, cell in cells.items()
             if not cell]
    assert not empty, f"cells with neither a check mark nor a reason: {empty}"


def test_every_row_of_the_matrix_has_a_value_spec_and_every_spec_a_row():
    rows = set(read_matrix().rows)
    assert sorted(rows - set(SPECS)) == [], "matrix rows with no value spec in this test"
    assert sorted(set(SPECS) - rows) == [], "value specs with no row in docs/exports.md"


def test_every_field_a_user_enters_is_in_the_matrix():
    rows = set(read_matrix().rows)
    assert sorted(model_keys() - rows) == [], "model fields missing from docs/exports.md"
    assert sorted(rows - model_keys() - DERIVED) == [], "matrix rows that are no model field"


def test_every_check_mark_has_something_to_look_for():
    matrix = read_matrix()
    missing = [(key, fmt) for key, cells in matrix.rows.items() if key in SPECS
               for fmt, cell in cells.items() if cell == CHECK and SPECS[key].check(fmt) is None]
    assert not missing, f"check marks the spec gives nothing to look for: {missing}"


# --- Reading the exports back -------------------------------------------------------------

def _squash(value: str) -> str:
    return " ".join(value.split())


class XlsxDoc:
    def __init__(self, content: bytes):
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        self.sheets = [
            [[cell_text(v) if v is not None else "" for v in row]
             for row in ws.iter_rows(values_only=True)]
            for ws in book.worksheets
        ]
        book.close()

    def has(self, check) -> bool:
        if isinstance(check, Text):
            return any(check.text in cell for rows in self.sheets for row in rows for cell in row)
        if isinstance(check, Near):
            return any(self._near(rows, check) for rows in self.sheets)
        if isinstance(check, Together):
            return any(all(any(t in cell for cell in row) for t in check.texts)
                       for rows in self.sheets for row in rows)
        if isinstance(check, Before):
            for rows in self.sheets:
                flat = "\n".join(cell for row in rows for cell in row)
                if check.first in flat and check.second in flat:
                    return flat.index(check.first) < flat.index(check.second)
            return False
        raise TypeError(check)

    @staticmethod
    def _near(rows, check: Near) -> bool:
        for i, row in enumerate(rows):
            for j, cell in enumerate(row):
                if cell != check.label:
                    continue
                if any(check.text in c for c in row[j + 1:]):
                    return True
                if any(j < len(below) and check.text in below[j] for below in rows[i + 1:]):
                    return True
        return False


class PdfDoc:
    #: How far after a label its value may be, in characters of the page text.
    REACH = 400

    def __init__(self, content: bytes):
        reader = PdfReader(io.BytesIO(content))
        self.text = _squash(" ".join(page.extract_text() or "" for page in reader.pages))
        self.lower = self.text.lower()

    def has(self, check) -> bool:
        if isinstance(check, Text):
            return _squash(check.text) in self.text
        if isinstance(check, Near):
            value = _squash(check.text).lower()
            return any(value in self.lower[m.end():m.end() + self.REACH]
                       for m in re.finditer(re.escape(check.label.lower()), self.lower))
        if isinstance(check, Together):
            first, *rest = (_squash(t) for t in check.texts)
            return any(all(t in self.text[max(0, m.start() - self.REACH):m.end() + self.REACH]
                           for t in rest)
                       for m in re.finditer(re.escape(first), self.text))
        if isinstance(check, Before):
            first, second = _squash(check.first), _squash(check.second)
            return first in self.text and second in self.text and (
                self.text.index(first) < self.text.index(second))
        raise TypeError(check)


class GraphDoc:
    """The JSON-LD's graph: IRIs compared unescaped, so names read as written."""

    def __init__(self, content: bytes):
        graph = Graph()
        graph.parse(data=content, format="json-ld")
        self.triples = [(unquote(str(s)), unquote(str(p)), unquote(str(o)))
                        for s, p, o in graph]

    def has(self, check) -> bool:
        if isinstance(check, Text):
            return any(check.text in s or check.text in o for s, _, o in self.triples)
        if isinstance(check, Near):
            return any(p.endswith(check.label) and check.text in o for _, p, o in self.triples)
        if isinstance(check, Together):
            nodes: dict[str, list[str]] = {}
            for s, _, o in self.triples:
                nodes.setdefault(s, [s]).append(o)
            return any(all(any(t in v for v in values) for t in check.texts)
                       for values in nodes.values())
        raise TypeError(check)


READERS = {"workbook": XlsxDoc, "ico": XlsxDoc, "cnil": XlsxDoc, "jsonld": GraphDoc,
           "pdf": PdfDoc}
EXPORTS = dict(COLUMNS.values())


# --- The register, exported once ----------------------------------------------------------

def _natural(obj) -> str:
    for name in ("code", "name", "description"):
        if hasattr(obj, name):
            return str(getattr(obj, name))
    return str(obj)


def _value(instance, field) -> str:
    if field.many_to_many:
        return repr(sorted(_natural(o) for o in getattr(instance, field.name).all()))
    if field.is_relation:
        target = getattr(instance, field.name)
        return "" if target is None else _natural(target)
    return repr(getattr(instance, field.name))


def snapshot() -> dict[str, list[str]]:
    """Each field key's values over the whole register, sorted: what a round trip keeps."""
    found = {}
    for key in model_keys():
        prefix, *middle, name = key.split(".")
        model = MODELS[prefix]
        instances = model.objects.all()
        if middle:
            instances = instances.filter(role=middle[0])
        field = model._meta.get_field(name)
        found[key] = sorted(_value(i, field) for i in instances)
    return found


@pytest.fixture(scope="module")
def exported(django_db_setup, django_db_blocker):
    """The fidelity register, built once in a transaction rolled back at the end: every
    format's export, the register's values, and its values after each workbook format
    was imported into an empty register."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            reg.build()
            files = {fmt: export_register(fmt)[0] for fmt in {*EXPORTS.values(), *WORKBOOK_FORMATS}}
            before = snapshot()
            after = {}
            for fmt in WORKBOOK_FORMATS:
                savepoint = transaction.savepoint()
                flush_register()
                import_workbook(files[fmt], f"register.{LAYOUTS[fmt].extension}")
                after[fmt] = snapshot()
                transaction.savepoint_rollback(savepoint)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
    docs = {short: READERS[short](files[fmt]) for short, fmt in EXPORTS.items()}
    return docs, before, after


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "fmt"), _params())
def test_value_reaches_the_format(exported, key, fmt):
    docs, _, _ = exported
    check = SPECS[key].check(fmt)
    assert docs[fmt].has(check), f"{key} is not in the {fmt} export: looked for {check}"


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "fmt"), _round_trip_params())
def test_workbook_carries_the_value_back(exported, key, fmt):
    _, before, after = exported
    assert after[fmt][key] == before[key], f"{key} changed through the {fmt} workbook"
