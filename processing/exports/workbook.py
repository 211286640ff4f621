"""The project's own workbook: the register in sheets that the import reads back.

Every reference is by a stable name or code (organisation name, activity reference,
third party name, taxonomy codes, ISO 3166 country codes, lawful basis and mechanism
codes), never by database id, so a workbook exported from one installation imports
into another. Exporting, importing into an empty register and exporting again gives
the same workbook. The format is documented in ``docs/workbook-format.md``.

The same sheets and columns are written as xlsx, ods, a zip of csv files (one per
sheet) or json. Every format reads the register once, an organisation at a time, and
writes that organisation's rows to every sheet before the next is read: the xlsx sheets
side by side (each has its temporary file in XlsxWriter's constant memory mode), the
others to a temporary file per sheet, put together at the end. No format holds the whole
document, or more than one batch of the register's records, in memory.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import json
import marshal
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from processing.register.records import Organisation, Register

from .cells import Sheet, XlsxBook, lines, safe, yes_no
from .opendocument import write_ods

FORMAT_VERSION = 1

# Column kinds: how a value is written in a cell and read back.
TEXT, MULTI, BOOL, DATE, NUMBER = "text", "multi", "bool", "date", "number"


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    kind: str = TEXT
    required: bool = False


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]

    @property
    def headings(self) -> list[str]:
        return [c.heading for c in self.columns]


_ORG = Column("organisation", "Organisation", required=True)
_ACT = Column("activity", "Activity reference", required=True)

ORGANISATIONS = SheetSpec("Organisations", (
    Column("name", "Name", required=True),
    Column("trading_name", "Trading name"),
    Column("registration_number", "Registration number"),
    Column("authority_registration_ref", "Authority registration"),
    Column("vat_number", "VAT number"),
    Column("address", "Address"),
    Column("trading_address", "Trading address"),
    Column("country", "Country (ISO)"),
    Column("website", "Website"),
    Column("email", "Email"),
    Column("phone", "Telephone"),
    Column("parent", "Parent organisation"),
    Column("jurisdiction", "Jurisdiction"),
    Column("public_authority", "Public authority", BOOL),
))
CONTACTS = SheetSpec("Contacts", (
    _ORG,
    Column("role", "Role", required=True),
    Column("name", "Name", required=True),
    Column("email", "Email"),
    Column("phone", "Telephone"),
    Column("address", "Address"),
))
THIRD_PARTIES = SheetSpec("ThirdParties", (
    _ORG,
    Column("name", "Name", required=True),
    Column("kind", "Kind", required=True),
    Column("category", "Recipient category"),
    Column("service", "Service provided"),
    Column("country", "Country (ISO)"),
    Column("address", "Address"),
    Column("email", "Email"),
    Column("phone", "Telephone"),
    Column("website", "Website"),
    Column("contract_link", "Contract link"),
    Column("dpf_certified", "DPF certified", BOOL),
    Column("group_organisation", "Group organisation"),
    Column("dpo_contact", "DPO"),
    Column("representative_contact", "Representative (Art 27)"),
    Column("notes", "Notes"),
))
#: The activity's DPIA screening, transparency, marketing and Sch. 1 policy fields: their
#: values are written as the record holds them.
ACTIVITY_SCREENING_COLUMNS = (
    Column("large_scale", "Large scale", BOOL),
    Column("evaluation_or_scoring", "Evaluation or scoring", BOOL),
    Column("matching_datasets", "Matching datasets", BOOL),
    Column("vulnerable_subjects", "Vulnerable data subjects", BOOL),
    Column("children", "Children's data", BOOL),
    Column("innovative_technology", "Innovative technology", BOOL),
    Column("prevents_exercise_of_right", "Prevents a right or service", BOOL),
    Column("automated_decision_safeguards", "Art 22 safeguards"),
    Column("children_consent", "Age checks and parental consent"),
    Column("data_from_other_sources", "Data obtained from others", BOOL),
    Column("privacy_notice_link", "Privacy notice link"),
    Column("joint_arrangement_link", "Joint controller arrangement link"),
    Column("direct_marketing", "Direct marketing", BOOL),
    Column("electronic_marketing", "Electronic marketing", BOOL),
    Column("soft_opt_in", "Soft opt-in", BOOL),
    Column("policy_document_link", "Appropriate policy document link"),
)
ACTIVITIES = SheetSpec("Activities", (
    _ORG,
    Column("reference", "Reference", required=True),
    Column("name", "Name", required=True),
    Column("business_function", "Business function"),
    Column("owner", "Owner"),
    Column("owner_email", "Owner email"),
    Column("role", "Role"),
    Column("status", "Status"),
    Column("description", "Description"),
    Column("last_reviewed_on", "Last reviewed", DATE),
    Column("next_review_on", "Next review", DATE),
    Column("joint_controllers", "Joint controllers", MULTI),
    Column("controllers_served", "Controllers served", MULTI),
    Column("data_subjects", "Data subjects", MULTI),
    Column("data_categories", "Data categories", MULTI),
    Column("special_category_conditions", "Art 9 conditions", MULTI),
    Column("schedule1_conditions", "Schedule 1 conditions", MULTI),
    Column("recipients_none", "No recipients", BOOL),
    Column("security_measures", "Security measures", MULTI),
    Column("security_description", "Security measures, in words"),
    Column("source_of_data", "Source of data"),
    Column("automated_decision_making", "Automated decision-making", BOOL),
    Column("automated_decision_legal_effect", "Legal or similar effect", BOOL),
    Column("automated_decision_description", "Automated decisions, in words"),
    Column("systematic_monitoring", "Systematic monitoring", BOOL),
    *ACTIVITY_SCREENING_COLUMNS,
    Column("data_location", "Location of data"),
    Column("dpia_required", "DPIA required"),
    Column("dpia_status", "DPIA progress"),
    Column("dpia_link", "DPIA link"),
    Column("breach_occurred", "Breach occurred", BOOL),
    Column("breach_link", "Breach record link"),
    Column("retention_policy_link", "Retention policy link"),
    Column("retention_adhered", "Retention policy adhered", BOOL),
    Column("retention_non_adherence_reason", "Reasons for not adhering"),
))
PURPOSES = SheetSpec("Purposes", (
    _ORG, _ACT,
    Column("number", "No.", NUMBER, required=True),
    Column("description", "Purpose", required=True),
))
LAWFUL_BASES = SheetSpec("LawfulBases", (
    _ORG, _ACT,
    Column("basis", "Lawful basis", required=True),
    Column("data_categories", "Limited to data categories", MULTI),
    Column("purposes", "Limited to purposes (No.)", MULTI),
    Column("legitimate_interest", "Legitimate interest"),
    Column("lia_link", "LIA link"),
    Column("consent_record_link", "Consent record link"),
    Column("citation", "Legal provision"),
    Column("consent_description", "Consent, in words"),
    Column("recognised_interest", "Recognised legitimate interest"),
    Column("notes", "Notes"),
))
RECIPIENTS = SheetSpec("Recipients", (
    _ORG, _ACT,
    Column("third_party", "Third party"),
    Column("category", "Recipient category"),
    Column("data_categories", "Data disclosed", MULTI),
    Column("purpose", "Why it receives the data"),
))
TRANSFERS = SheetSpec("Transfers", (
    _ORG, _ACT,
    Column("country", "Country (ISO)"),
    Column("international_organisation", "International organisation"),
    Column("third_party", "Importer"),
    Column("mechanism", "Mechanism"),
    Column("safeguards", "Safeguards"),
    Column("safeguard_document_link", "Safeguard documents link"),
    Column("tia_link", "TIA link"),
    Column("scc_module", "SCC module", NUMBER),
))
RETENTION = SheetSpec("Retention", (
    _ORG, _ACT,
    Column("data_category", "Data category"),
    Column("period", "Period"),
    Column("period_is_maximum", "At most", BOOL),
    Column("trigger", "Counted from"),
    Column("trigger_description", "Counted from, in words"),
    Column("legal_source", "Legal source"),
    Column("deletion_method", "At the end"),
    Column("criteria", "Criteria"),
))

SHEETS: tuple[SheetSpec, ...] = (
    ORGANISATIONS, CONTACTS, THIRD_PARTIES, ACTIVITIES, PURPOSES, LAWFUL_BASES, RECIPIENTS,
    TRANSFERS, RETENTION,
)
SHEETS_BY_NAME = {s.name: s for s in SHEETS}


def _codes(terms) -> list[str]:
    return [t.code for t in terms]


def _organisation_rows(org: Organisation) -> Iterator[dict]:
    yield {
        "name": org.name, "trading_name": org.trading_name,
        "registration_number": org.registration_number,
        "authority_registration_ref": org.authority_registration_ref,
        "vat_number": org.vat_number, "address": org.address,
        "trading_address": org.trading_address,
        "country": org.country.code if org.country else "", "website": org.website,
        "email": org.email, "phone": org.phone, "parent": org.parent,
        "jurisdiction": org.jurisdiction, "public_authority": org.public_authority,
    }


def _contact_rows(org: Organisation) -> Iterator[dict]:
    for c in org.contacts:
        yield {"organisation": org.name, "role": c.role, "name": c.name, "email": c.email,
               "phone": c.phone, "address": c.address}


def _third_party_rows(org: Organisation) -> Iterator[dict]:
    for t in org.third_parties:
        yield {
            "organisation": org.name, "name": t.name, "kind": t.kind,
            "category": t.category.code if t.category else "", "service": t.service,
            "country": t.country.code if t.country else "", "address": t.address,
            "email": t.email, "phone": t.phone, "website": t.website,
            "contract_link": t.contract_link, "dpf_certified": t.dpf_certified,
            "group_organisation": t.group_organisation, "dpo_contact": t.dpo_contact,
            "representative_contact": t.representative_contact, "notes": t.notes,
        }


_SCREENING_KEYS = tuple(c.key for c in ACTIVITY_SCREENING_COLUMNS)


def _activity_rows(org: Organisation) -> Iterator[dict]:
    for a in org.activities:
        yield {
            "organisation": org.name, "reference": a.reference, "name": a.name,
            "business_function": a.business_function, "owner": a.owner,
            "owner_email": a.owner_email, "role": a.role,
            "status": a.status, "description": a.description,
            "last_reviewed_on": a.last_reviewed_on, "next_review_on": a.next_review_on,
            "joint_controllers": [t.name for t in a.joint_controllers],
            "controllers_served": [t.name for t in a.controllers_served],
            "data_subjects": _codes(a.data_subjects),
            "data_categories": _codes(a.data_categories),
            "special_category_conditions": _codes(a.special_category_conditions),
            "schedule1_conditions": _codes(a.schedule1_conditions),
            "recipients_none": a.recipients_none,
            "security_measures": _codes(a.security_measures),
            "security_description": a.security_description,
            "source_of_data": a.source_of_data,
            "automated_decision_making": a.automated_decision_making,
            "automated_decision_legal_effect": a.automated_decision_legal_effect,
            "automated_decision_description": a.automated_decision_description,
            "systematic_monitoring": a.systematic_monitoring,
            **{key: getattr(a, key) for key in _SCREENING_KEYS},
            "data_location": a.data_location, "dpia_required": a.dpia_required,
            "dpia_status": a.dpia_status, "dpia_link": a.dpia_link,
            "breach_occurred": a.breach_occurred, "breach_link": a.breach_link,
            "retention_policy_link": a.retention_policy_link,
            "retention_adhered": a.retention_adhered,
            "retention_non_adherence_reason": a.retention_non_adherence_reason,
        }


def _parts(org: Organisation, name: str) -> Iterator[tuple]:
    """(activity, part) for each part ``name`` of the organisation's activities, in order."""
    for activity in org.activities:
        for part in getattr(activity, name):
            yield activity, part


def _purpose_rows(org: Organisation) -> Iterator[dict]:
    for a, p in _parts(org, "purposes"):
        yield {"organisation": org.name, "activity": a.reference, "number": p.number,
               "description": p.description}


def _lawful_basis_rows(org: Organisation) -> Iterator[dict]:
    for a, b in _parts(org, "lawful_bases"):
        yield {
            "organisation": org.name, "activity": a.reference, "basis": b.basis.code,
            "data_categories": _codes(b.data_categories),
            "purposes": [str(p.number) for p in b.purposes],
            "legitimate_interest": b.legitimate_interest, "lia_link": b.lia_link,
            "consent_record_link": b.consent_record_link, "citation": b.citation,
            "consent_description": b.consent_description,
            "recognised_interest": b.recognised_interest, "notes": b.notes,
        }


def _recipient_rows(org: Organisation) -> Iterator[dict]:
    for a, r in _parts(org, "recipients"):
        yield {
            "organisation": org.name, "activity": a.reference,
            "third_party": r.third_party.name if r.third_party else "",
            "category": r.category.code if r.category else "",
            "data_categories": _codes(r.data_categories), "purpose": r.purpose,
        }


def _transfer_rows(org: Organisation) -> Iterator[dict]:
    for a, t in _parts(org, "transfers"):
        yield {
            "organisation": org.name, "activity": a.reference,
            "country": t.country.code if t.country else "",
            "international_organisation": t.international_organisation,
            "third_party": t.third_party.name if t.third_party else "",
            "mechanism": t.mechanism.code if t.mechanism else "",
            "safeguards": t.safeguards, "safeguard_document_link": t.safeguard_document_link,
            "tia_link": t.tia_link, "scc_module": t.scc_module,
        }


def _retention_rows(org: Organisation) -> Iterator[dict]:
    for a, r in _parts(org, "retention_rules"):
        yield {
            "organisation": org.name, "activity": a.reference,
            "data_category": r.data_category.code if r.data_category else "",
            "period": r.period, "period_is_maximum": r.period_is_maximum, "trigger": r.trigger,
            "trigger_description": r.trigger_description, "legal_source": r.legal_source,
            "deletion_method": r.deletion_method, "criteria": r.criteria,
        }


_ROWS: dict[str, Callable[[Organisation], Iterator[dict]]] = {
    ORGANISATIONS.name: _organisation_rows, CONTACTS.name: _contact_rows,
    THIRD_PARTIES.name: _third_party_rows, ACTIVITIES.name: _activity_rows,
    PURPOSES.name: _purpose_rows, LAWFUL_BASES.name: _lawful_basis_rows,
    RECIPIENTS.name: _recipient_rows, TRANSFERS.name: _transfer_rows,
    RETENTION.name: _retention_rows,
}


def organisation_rows(org: Organisation, spec: SheetSpec) -> Iterator[dict]:
    """The rows an organisation has in one sheet (column key -> value: str, list, bool,
    date or int). Every layout of the workbook walks the register once, writing each
    organisation's rows to every sheet before the next organisation is read."""
    return _ROWS[spec.name](org)


def sheet_rows(register: Register, spec: SheetSpec) -> Iterator[dict]:
    """The rows of one sheet over the whole register: one pass over
    ``register.organisations`` per call (for registers held as lists, as in tests)."""
    for org in register.organisations:
        yield from organisation_rows(org, spec)


def cell_value(column: Column, value):
    """A value as a spreadsheet cell holds it (before neutralising)."""
    convert = _CONVERTERS[column.kind]
    return value if convert is None else convert(value)


def _text(value):
    return value if value is not None else ""


def _multi(value) -> str:
    return lines(value) if value else ""


def _date(value):
    return value.isoformat() if isinstance(value, datetime.date) else (value or "")


#: What makes a cell of a column's value, by kind (None: the value as it is):
#: :func:`cell_value`, without asking the kind of each cell.
_CONVERTERS = {TEXT: _text, MULTI: _multi, BOOL: yes_no, DATE: _date, NUMBER: None}


#: For each sheet, each column's key and what makes its cell of a value (None: as it is).
_PLANS = {spec.name: tuple((c.key, _CONVERTERS[c.kind]) for c in spec.columns)
          for spec in SHEETS}


def _table(spec: SheetSpec, rows: Iterable[dict]) -> Iterator[list]:
    plan = _PLANS[spec.name]
    for row in rows:
        get = row.get
        yield [get(key) if convert is None else convert(get(key)) for key, convert in plan]


def _walk(register: Register, write: Callable[[SheetSpec, Iterator[list]], None]) -> None:
    """One pass over the register: each organisation's cells of every sheet, in the
    order of ``SHEETS``, handed to ``write`` before the next organisation is read."""
    for org in register.organisations:
        for spec in SHEETS:
            write(spec, _table(spec, organisation_rows(org, spec)))


def render_workbook_xlsx(register: Register) -> bytes:
    """The workbook as xlsx: the nine sheets written side by side, each organisation's
    rows to every sheet as the register is read once (:class:`cells.XlsxBook`)."""
    buffer = io.BytesIO()
    book = XlsxBook(buffer)
    writers = {}
    for spec in SHEETS:
        writer = writers[spec.name] = book.add(spec.name)
        writer.write([spec.headings], "header")
        writer.freeze()
        writer.table_header()
    _walk(register, lambda spec, rows: writers[spec.name].write(rows))
    for writer in writers.values():
        writer.table_end()
        writer.close()
    book.close()
    return buffer.getvalue()


class _Spool:
    """Each sheet's rows as they are made, in a temporary file of its own: the register
    is read once, and the sheets are put together from the files at the end."""

    def __init__(self, stack: contextlib.ExitStack, mode: str = "w+b"):
        text = {} if "b" in mode else {"encoding": "utf-8", "newline": ""}
        # Closed (and so removed) by ``stack``.
        self.files = {spec.name: stack.enter_context(
            tempfile.TemporaryFile(mode, **text))  # noqa: SIM115
            for spec in SHEETS}

    def rewound(self, spec: SheetSpec):
        file = self.files[spec.name]
        file.seek(0)
        return file


def _spooled_rows(file) -> Iterator[list]:
    load = marshal.load
    while True:
        try:
            yield load(file)
        except EOFError:
            return


def write_workbook_ods(register: Register, out: BinaryIO) -> None:
    """The workbook as ods: each sheet's cells spooled (marshal) to a temporary file as the
    register is read once, then each sheet laid out from its file."""
    with contextlib.ExitStack() as stack:
        spool = _Spool(stack)

        def write(spec, rows):
            file = spool.files[spec.name]
            for row in rows:
                marshal.dump(row, file)

        _walk(register, write)

        def sheets():
            for spec in SHEETS:
                sheet = Sheet(spec.name)
                sheet.table(spec.headings, _spooled_rows(spool.rewound(spec)))
                yield sheet

        write_ods(sheets(), out)


def write_workbook_csv(register: Register, out: BinaryIO) -> None:
    """A zip holding one UTF-8 csv file per sheet, named after the sheet: each sheet's csv
    text written to a temporary file of its own as the register is read once, then each
    file copied into the zip."""
    with contextlib.ExitStack() as stack:
        spool = _Spool(stack, "w+")
        writers = {}
        for spec in SHEETS:
            writer = writers[spec.name] = csv.writer(spool.files[spec.name],
                                                     lineterminator="\r\n")
            writer.writerow(spec.headings)
        _walk(register, lambda spec, rows: writers[spec.name].writerows(
            [safe(v) for v in row] for row in rows))
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for spec in SHEETS:
                source = spool.rewound(spec)
                with archive.open(f"{spec.name}.csv", "w") as entry:
                    while chunk := source.read(1 << 20):
                        entry.write(chunk.encode())


def _json_value(value, indent: str) -> str:
    """``value`` as ``json.dumps(value, ensure_ascii=False, indent=2)`` writes it at the
    depth ``indent`` (the workbook's values: text, lists of text, yes/no, numbers, dates
    and nothing), with the C encoder for each scalar."""
    if isinstance(value, str):
        return _json_text(value)
    if isinstance(value, datetime.date):
        return _json_text(value.isoformat())
    if isinstance(value, list):
        if not value:
            return "[]"
        inner = indent + "  "
        return ("[\n" + ",\n".join(inner + _json_value(v, inner) for v in value)
                + "\n" + indent + "]")
    return _json_scalar(value)


_json_text = json.encoder.encode_basestring  # the C encoder, as json.dumps(ensure_ascii=False)
_json_scalar = json.JSONEncoder(ensure_ascii=False).encode


def write_workbook_json(register: Register, out: BinaryIO) -> None:
    """{"format": "ropa-workbook", "version": 1, "as_of": ..., "sheets": {sheet: [{heading:
    value}]}}: the text ``json.dumps(document, ensure_ascii=False, indent=2)`` gives,
    without the document ever being held whole. Each sheet's rows are written as JSON
    text to a temporary file of its own as the register is read once, then the files are
    copied out in order."""
    as_of = register.as_of.isoformat() if register.as_of else None
    keys = {spec.name: [(c.key, f"        {_json_text(c.heading)}: ") for c in spec.columns]
            for spec in SHEETS}
    with contextlib.ExitStack() as stack:
        spool = _Spool(stack)

        def write(spec, rows):
            file, prefixes = spool.files[spec.name], keys[spec.name]
            chunk = []
            for row in rows:
                get = row.get
                chunk.append(",\n      {\n" + ",\n".join(
                    prefix + _json_value(get(key), "        ") for key, prefix in prefixes)
                    + "\n      }")
            if chunk:
                file.write("".join(chunk).encode())

        for org in register.organisations:
            for spec in SHEETS:
                write(spec, organisation_rows(org, spec))
        out.write(("{\n"
                   f'  "format": "ropa-workbook",\n  "version": {FORMAT_VERSION},\n'
                   f'  "as_of": {_json_value(as_of, "  ")},\n  "sheets": {{').encode())
        for number, spec in enumerate(SHEETS):
            out.write((("," if number else "") + f"\n    {_json_text(spec.name)}: [").encode())
            source = spool.rewound(spec)
            first = source.read(2)  # the comma before the first row is left out
            if not first:
                out.write(b"]")
                continue
            out.write(b"\n")
            while chunk := source.read(1 << 20):
                out.write(chunk)
            out.write(b"\n    ]")
        out.write(b"\n  }\n}")


def _bytes(write: Callable[[Register, BinaryIO], None]) -> Callable[[Register], bytes]:
    def render(register: Register) -> bytes:
        buffer = io.BytesIO()
        write(register, buffer)
        return buffer.getvalue()

    render.__doc__ = write.__doc__
    return render


render_workbook_ods = _bytes(write_workbook_ods)
render_workbook_csv = _bytes(write_workbook_csv)
render_workbook_json = _bytes(write_workbook_json)
