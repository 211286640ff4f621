import datetime
import io
import json

import openpyxl
import pytest
from pypdf import PdfReader
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from processing.exports.ico import (
    HEADER_ROW,
    ICO_HEADINGS,
    ICO_LEADING,
    MARKETING_OBJECTION,
    rights_available,
    rights_by_basis,
)
from processing.exports.registry import export_register
from processing.register import read_register
from tests.exports.helpers import xlsx_cells

DPV = Namespace("https://w3id.org/dpv#")

ICO_EXACT = [
    "Business function", "Purpose of processing",
    "Name and contact details of joint controller (if applicable)", "Categories of individuals",
    "Categories of personal data", "Categories of recipients", "Link to contract with processor",
    "Names of third countries or international organisations that personal data are transferred "
    "to (if applicable)",
    "Safeguards for exceptional transfers of personal data to third countries or international "
    "organisations (if applicable)",
    "Retention schedule (if possible)",
    "General description of technical and organisational security measures (if possible)",
    "Article 6 lawful basis for processing personal data",
    "Article 9 condition for processing special category data",
    "Legitimate interests for the processing (if applicable)",
    "Link to record of legitimate interests assessment (if applicable)",
    "Rights available to individuals",
    "Existence of automated decision-making, including profiling (if applicable)",
    "The source of the personal data (if applicable)", "Link to record of consent",
    "Location of personal data", "Data Protection Impact Assessment required?",
    "Data Protection Impact Assessment progress", "Link to Data Protection Impact Assessment",
    "Has a personal data breach occurred?", "Link to record of personal data breach",
    "Data Protection Act 2018 Schedule 1 Condition for processing",
    "GDPR Article 6 lawful basis for processing", "Link to retention and erasure policy document",
    "Is personal data retained and erased in accordance with the policy document?",
    "Reasons for not adhering to policy document (if applicable)",
]


@pytest.fixture
def ico(rich_register):
    content, layout = export_register("ico-xlsx")
    assert layout.content_type.endswith("spreadsheetml.sheet")
    return openpyxl.load_workbook(io.BytesIO(content))


def test_ico_headings_are_the_30_of_the_template_in_order(ico):
    assert list(ICO_HEADINGS) == ICO_EXACT and len(ICO_EXACT) == 30
    ws = ico["Controller"]
    assert ICO_LEADING == ("Reference", "Processing activity")
    assert [c.value for c in ws[HEADER_ROW]] == ["Reference", "Processing activity", *ICO_EXACT]
    assert ico.sheetnames == ["Controller", "Processor"]


def test_ico_contact_block(ico):
    ws = ico["Controller"]
    rows = [tuple(c.value for c in ws[n][:5]) for n in range(1, HEADER_ROW)]
    assert rows == [
        ("Controller documentation: Mondago Limited", None, None, None, None),
        (None, None, None, None, None),
        (None, "Name", "Address", "Email", "Telephone"),
        ("Controller", "Mondago Limited", "Enterprise House\nReading RG1 1AA\nUnited Kingdom",
         "privacy@mondago.com", "+44 118 000 0000"),
        ("Data Protection Officer", "Dana Officer", "Enterprise House, Reading", "dpo@mondago.com",
         "+44 118 000 0001"),
        ("Representative (Art 27)", "EU Rep GmbH", "Berlin", "rep@example.eu", None),
        ("Legal representative", None, None, None, None),
        ("Group (parent company)", None, None, None, None),
        ("ICO registration number", "ZA073957", None, None, None),
        (None, None, None, None, None),
    ]
    # Text that starts like a formula is text by its style, with no visible quote.
    assert ws.cell(row=4, column=5).quotePrefix and not ws.cell(row=4, column=4).quotePrefix


def test_ico_controller_rows_cell_by_cell(ico):
    ws = ico["Controller"]
    rows = [dict(zip(["Reference", "Processing activity", *ICO_EXACT], (c.value for c in row),
                     strict=True))
            for row in ws.iter_rows(min_row=HEADER_ROW + 1)]
    assert [(r.pop("Reference"), r.pop("Processing activity")) for r in rows] == [
        ("PA-001", "Joint marketing with Akixi"), ("PA-002", "Occupational health")]
    # Controller and joint controller activities only; the retired one left out.
    assert [r["Business function"] for r in rows] == ["Marketing", "HR"]
    marketing, hr = rows
    assert marketing == {
        "Business function": "Marketing",
        "Purpose of processing": "Send newsletters\nMeasure campaign results",
        "Name and contact details of joint controller (if applicable)":
            "Akixi Limited, Exeter, United Kingdom, privacy@akixi.com",
        "Categories of individuals": "Customers\nProspective customers (prospects)",
        "Categories of personal data":
            "Contact details\nIdentity data\nMarketing and communications preferences",
        "Categories of recipients": "CRM providers: Salesforce (Contact details; CRM hosting)\n"
                                    "CRM providers",
        "Link to contract with processor": "Salesforce: no contract recorded",
        ICO_EXACT[7]: "United States (Salesforce)",
        ICO_EXACT[8]: "United States: Art 46(2)(c); Decision (EU) 2021/914 – EU Standard "
                      "Contractual Clauses (2021) – SCCs module 2 with UK Addendum – "
                      "https://contracts.example.com/scc",
        "Retention schedule (if possible)": "2 years after last contact; then deletion\n"
                                            "Marketing and communications preferences: Until "
                                            "consent is withdrawn",
        ICO_EXACT[10]: "Access management and authorisation\nEncryption at rest\n+ MFA for all staff",
        "Article 6 lawful basis for processing personal data":
            "Art 6(1)(a) – Consent (for: Send newsletters)\n"
            "Art 6(1)(f) – Legitimate interests (for: Identity data)",
        "Article 9 condition for processing special category data": None,
        "Legitimate interests for the processing (if applicable)":
            "Direct marketing to business contacts",
        ICO_EXACT[14]: "https://intranet.example.com/lia/1",
        "Rights available to individuals":
            "Art 6(1)(a) – Consent (for: Send newsletters): Right to be informed, Right of "
            "access, Right to rectification, Right to erasure, Right to restrict processing, "
            "Right to data portability, Right to withdraw consent, Rights in relation to "
            "automated decision making and profiling\n"
            "Art 6(1)(f) – Legitimate interests (for: Identity data): Right to be informed, "
            "Right of access, Right to rectification, Right to erasure, Right to restrict "
            "processing, Right to object, Rights in relation to automated decision making and "
            "profiling",
        ICO_EXACT[16]: "Yes: Lead scoring",
        "The source of the personal data (if applicable)": "Trade shows",
        "Link to record of consent": "https://consent.example.com/records",
        "Location of personal data": "Salesforce EU org",
        "Data Protection Impact Assessment required?": "No",
        "Data Protection Impact Assessment progress": None,
        "Link to Data Protection Impact Assessment": None,
        "Has a personal data breach occurred?": "No",
        "Link to record of personal data breach": None,
        "Data Protection Act 2018 Schedule 1 Condition for processing": None,
        "GDPR Article 6 lawful basis for processing": None,
        "Link to retention and erasure policy document": "https://intranet.example.com/retention",
        ICO_EXACT[28]: "Yes",
        ICO_EXACT[29]: None,
    }
    assert hr["Categories of recipients"] == "None"
    assert hr["Article 9 condition for processing special category data"] == (
        "Art 9(2)(b) – Employment, social security and social protection law")
    assert hr["Data Protection Act 2018 Schedule 1 Condition for processing"] == (
        "DPA 2018 Sch. 1 Pt 1 para 1 – Employment, social security and social protection")
    assert hr["GDPR Article 6 lawful basis for processing"] == (
        "Art 6(1)(c) – Legal obligation [Employment Rights Act 1996]")
    # Legal obligation: no erasure, portability or objection.
    assert hr["Rights available to individuals"] == (
        "Art 6(1)(c) – Legal obligation: Right to be informed, Right of access, Right to "
        "rectification, Right to restrict processing")
    assert (hr[ICO_EXACT[20]], hr[ICO_EXACT[21]], hr[ICO_EXACT[23]]) == ("Yes", "In progress", "Yes")
    assert (hr[ICO_EXACT[28]], hr[ICO_EXACT[29]]) == ("No", "Legacy paper files")


def test_ico_processor_sheet(ico):
    ws = ico["Processor"]
    assert [c.value for c in ws[HEADER_ROW]][:3] == [
        "Activity", "Name and contact details of controller", "Categories of processing"]
    assert [c.value for c in ws[HEADER_ROW + 1]] == [
        "PA-003 Hosted support for clients",
        "=Client Corp, France, dpo@client.example",
        "Hosted support for clients\nCall logs processed on behalf of clients\n"
        "Provide the support service",
        "United States (Zendesk Inc)",
        "United States: Art 45(3); Decision (EU) 2023/1795 – EU-US Data Privacy Framework "
        "certification",
        "ISO/IEC 27001",
    ]
    assert ws.max_row == HEADER_ROW + 1


def test_spreadsheets_are_readable(ico):
    ws = ico["Controller"]
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
    assert ws.cell(HEADER_ROW, 1).font.b
    assert ws.cell(HEADER_ROW + 1, 2).alignment.wrap_text
    # J: "Names of third countries or international organisations...", after the two
    # leading columns (Reference, Processing activity) and seven headings.
    widths = [ws.column_dimensions[letter].width for letter in ("A", "B", "J")]
    # Widths in characters; Excel stores them with a little cell padding.
    assert all(10 <= w <= 61 for w in widths)
    # The long heading wraps: its column is as wide as its values ask, not as the heading.
    assert 30 <= ws.column_dimensions["J"].width < 34


def test_rights_by_basis_follow_the_ico_table(rich_register):
    register = read_register()
    by_ref = {a.reference: a for a in register.activities}
    support = by_ref["PA-003"]  # no lawful basis recorded (processor): no rights claimed
    assert rights_available(support) == []
    marketing = by_ref["PA-001"]
    marketing.automated_decision_making = False
    # One line per basis: portability under consent, objection under legitimate interests,
    # never both for the same basis.
    assert rights_by_basis(marketing) == [
        ("Art 6(1)(a) – Consent (for: Send newsletters)", [
            "Right to be informed", "Right of access", "Right to rectification",
            "Right to erasure", "Right to restrict processing", "Right to data portability",
            "Right to withdraw consent"]),
        ("Art 6(1)(f) – Legitimate interests (for: Identity data)", [
            "Right to be informed", "Right of access", "Right to rectification",
            "Right to erasure", "Right to restrict processing", "Right to object"]),
    ]
    assert MARKETING_OBJECTION not in rights_available(marketing)
    marketing.direct_marketing = True
    lines = rights_available(marketing)
    assert lines[-1] == MARKETING_OBJECTION == (
        "Absolute right to object to direct marketing (Art 21(2)-(3))")
    assert lines[0].startswith("Art 6(1)(a) – Consent (for: Send newsletters): ")
    marketing.direct_marketing, marketing.electronic_marketing = False, True
    assert rights_available(marketing)[-1] == MARKETING_OBJECTION
    marketing.lawful_bases = [b for b in marketing.lawful_bases if b.basis.kind == "legal_obligation"]
    assert rights_available(marketing) == [MARKETING_OBJECTION]


def test_cnil_layout(rich_register):
    cells = xlsx_cells(export_register("cnil-xlsx")[0])
    assert list(cells) == ["Organisme", "Fiche PA-001", "Fiche PA-002", "Fiche PA-003"]
    organisme = cells["Organisme"]
    assert organisme[0][0] == "Registre des activités de traitement de : Mondago Limited"
    assert [row[:2] for row in organisme[2:15]] == [
        ("Responsable du traitement", None), ("Nom", "Mondago Limited"), ("Nom commercial", "Mondago"),
        ("Adresse", "Enterprise House\nReading RG1 1AA"), ("Adresse commerciale", None),
        ("Pays", "Royaume-Uni"),
        ("Téléphone", "+44 118 000 0000"), ("Adresse de messagerie", "privacy@mondago.com"),
        ("Site web", "https://www.mondago.com"), ("N° d'immatriculation", "04567890"),
        ("N° de TVA", None), ("N° d'enregistrement auprès de l'autorité", "ZA073957"),
        ("Société mère (groupe)", None),
    ]
    assert organisme[organisme.index(("Délégué à la protection des données", None, None, None, None))
                     + 1][:2] == ("Nom", "Dana Officer")
    listing = organisme[organisme.index(("N°", "Activités de l'organisme", "Rôle", "Date de création",
                                         "Mise à jour")) + 1:]
    assert [(r[0], r[1], r[2]) for r in listing] == [
        ("PA-001", "Joint marketing with Akixi", "Responsable conjoint"),
        ("PA-002", "Occupational health", "Responsable de traitement"),
        ("PA-003", "Hosted support for clients", "Sous-traitant"),
    ]
    today = datetime.date.today().isoformat()
    fiche = [tuple(v for v in row if v is not None) for row in cells["Fiche PA-002"]]
    assert fiche[:14] == [
        ("Fiche de registre : Occupational health",), (),
        ("Description du traitement",),
        ("Nom / sigle", "Occupational health"), ("N° / REF", "PA-002"),
        ("Date de création", today), ("Mise à jour", today),
        ("Rôle de l'organisme", "Responsable de traitement"), ("Service / fonction", "HR"),
        ("Responsable de l'activité",), ("Statut", "Brouillon"), ("Dernière revue",),
        ("Prochaine revue",), ("Description",),
    ]
    assert ("Finalité principale", "Manage sickness absence") in fiche
    assert ("Catégories de personnes concernées",) in fiche and ("Salariés",) in fiche
    assert ("État civil, identité, données d'identification",
            "6 ans après la fin du contrat (Limitation Act 1980)") in fiche
    assert ("Des données sensibles sont-elles traitées ?", "Oui") in fiche
    # The Art 9 condition and, in the UK, the Sch. 1 condition it relies on.
    assert ("Données de santé", "art. 9(2)(b) – Droit du travail, de la sécurité sociale et de "
            "la protection sociale\n"
            "DPA 2018 ann. 1, partie 1, § 1 – Emploi, sécurité sociale et protection sociale",
            "6 ans après la fin du contrat (Limitation Act 1980)") in fiche
    assert ("Aucun destinataire",) in fiche and ("Aucun transfert",) in fiche
    marketing = [tuple(v for v in row if v is not None) for row in cells["Fiche PA-001"]]
    assert ("Sous-finalité 1", "Measure campaign results") in marketing
    assert ("Préférences de prospection et de communication",
            "Until consent is withdrawn") in marketing
    assert ("Salesforce", "États-Unis", "art. 46(2)(c); décision (UE) 2021/914 – Clauses "
            "contractuelles types de l'UE (2021)\nSCCs module 2 with UK Addendum",
            "https://contracts.example.com/scc") in marketing
    assert ("Autres mesures", "+ MFA for all staff") in marketing


def test_jsonld_is_dpv_and_parses_with_rdflib(rich_register):
    content, layout = export_register("jsonld")
    assert layout.content_type == "application/ld+json"
    assert json.loads(content)["@context"]["dpv"] == str(DPV)
    graph = Graph().parse(data=content, format="json-ld")
    processes = {str(graph.value(p, URIRef("http://purl.org/dc/terms/identifier"))): p
                 for p in graph.subjects(RDF.type, DPV.Process)
                 if graph.value(p, URIRef("http://purl.org/dc/terms/identifier"))}
    assert set(processes) == {"PA-001", "PA-002", "PA-003"}
    marketing = processes["PA-001"]
    assert set(graph.objects(marketing, DPV.hasLegalBasis)) == {
        URIRef("https://w3id.org/dpv/legal/eu/gdpr#A6-1-a"),
        URIRef("https://w3id.org/dpv/legal/eu/gdpr#A6-1-f")}
    assert URIRef("https://w3id.org/dpv/pd#Contact") in set(graph.objects(marketing, DPV.hasPersonalData))
    assert set(graph.objects(marketing, DPV.hasThirdCountry)) == {URIRef("https://w3id.org/dpv/loc#US")}
    time = Namespace("http://www.w3.org/2006/time#")
    durations = {str(graph.value(s, time.hasXSDDuration))
                 for s in graph.objects(marketing, DPV.hasStorageCondition)
                 if (s, RDF.type, DPV.StorageDuration) in graph}
    assert durations == {"P2Y"}
    transfer = next(graph.objects(marketing, DPV.hasProcess))
    assert graph.value(transfer, DPV.hasLegalBasis) is not None
    assert len(set(graph.objects(marketing, DPV.hasPurpose))) == 2
    assert len(set(graph.objects(marketing, DPV.hasDataSubject))) == 2
    assert graph.value(processes["PA-003"], DPV.hasDataProcessor) is not None


def test_pdf_cover_and_one_section_per_activity(rich_register):
    content, layout = export_register("pdf", as_of=datetime.date.today())
    assert content.startswith(b"%PDF") and layout.extension == "pdf"
    reader = PdfReader(io.BytesIO(content))
    cover = reader.pages[0].extract_text()
    assert "Record of processing activities" in cover
    assert "Mondago Limited" in cover
    assert f"Register as of: {datetime.date.today().isoformat()}" in cover
    assert "Export date:" in cover
    text = "\n".join(page.extract_text() for page in reader.pages[1:])
    assert "Dana Officer" in text
    for heading in ("PA-001 Joint marketing with Akixi", "PA-002 Occupational health",
                    "PA-003 Hosted support for clients"):
        assert heading in text
    assert "Old payroll" not in text  # retired
    assert "Art 6(1)(c) – Legal obligation" in text


def test_a_value_an_xlsx_cell_cannot_hold_stops_the_export_and_is_named(rich_register):
    """Never a silent truncation: the export names the sheet, row, column and value."""
    from processing.exports.cells import XLSX_CELL_LIMIT, ValueTooLong
    from processing.models import ProcessingActivity

    ProcessingActivity.objects.filter(reference="PA-002").update(
        description="Occupational health. " + "x" * XLSX_CELL_LIMIT)
    with pytest.raises(ValueTooLong) as refused:
        export_register("workbook")
    assert (refused.value.sheet, refused.value.column) == ("Activities", "I")  # Description
    assert "Occupational health." in str(refused.value) and "32,767" in str(refused.value)
    # Formats that hold it carry it whole.
    content, _ = export_register("json")
    assert "x" * XLSX_CELL_LIMIT in content.decode()
