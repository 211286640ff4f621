"""Rules on the lawful basis (Art 6, 7), and on special category and criminal offence data
(Art 9, 10; the UK's DPA 2018 Schedule 1)."""

from __future__ import annotations

from ..models import LawfulBasisKind
from .base import Severity, Where, _, _bases, _categories, _is_controller, rule


@rule("A6-BASIS", Severity.ERROR, "Art 6(1)", "Lawful basis recorded")
def _basis(activity, today):
    if _is_controller(activity) and not _bases(activity):
        yield "lawful_bases", _("No lawful basis: record the Art 6(1) basis relied on.")


@rule("A6-LI-INTEREST", Severity.ERROR, "Art 6(1)(f)", "Legitimate interest stated")
def _li_interest(activity, today):
    for basis in _bases(activity):
        if basis.basis.kind == LawfulBasisKind.LEGITIMATE_INTERESTS and not (
            basis.legitimate_interest.strip()
        ):
            yield "lawful_bases", _("Legitimate interests is relied on without saying which "
                                    "interest is pursued."), Where(basis.id, "legitimate_interest")


@rule("A6-LI-LIA", Severity.WARNING, "Art 6(1)(f)", "Legitimate interests assessment")
def _li_lia(activity, today):
    for basis in _bases(activity):
        if basis.basis.kind == LawfulBasisKind.LEGITIMATE_INTERESTS and not basis.lia_link:
            yield "lawful_bases", _("Legitimate interests is relied on with no link to the "
                                    "legitimate interests assessment (LIA)."), Where(basis.id, "lia_link")


@rule("A7-CONSENT-RECORD", Severity.WARNING, "Art 7(1)", "Consent record")
def _consent(activity, today):
    for basis in _bases(activity):
        if (basis.basis.kind == LawfulBasisKind.CONSENT and not basis.consent_record_link
                and not basis.consent_description.strip()):
            yield "lawful_bases", _("Consent is relied on with no record of consent (a link, or "
                                    "how it is recorded): you must be able to show who "
                                    "consented."), Where(basis.id, "consent_record_link")


@rule("A6-3-CITATION", Severity.ERROR, "Art 6(3)", "Legal provision cited")
def _citation(activity, today):
    for basis in _bases(activity):
        if basis.basis.kind in (LawfulBasisKind.LEGAL_OBLIGATION, LawfulBasisKind.PUBLIC_TASK) \
                and not basis.citation.strip():
            yield "lawful_bases", _("%(basis)s is relied on without citing the law that sets "
                                    "it.") % {"basis": basis.basis.name}, Where(basis.id, "citation")


# --- Special and criminal data ------------------------------------------------------------

@rule("A9-CONDITION", Severity.ERROR, "Art 9(2)", "Art 9 condition for special category data")
def _art9(activity, today):
    special = [c.name for c in _categories(activity) if c.special_category]
    if _is_controller(activity) and special and not activity.special_category_conditions:
        yield "special_category_conditions", _(
            "Special category data (%(names)s) is processed without an Art 9(2) condition."
        ) % {"names": ", ".join(special)}


@rule("A10-CONDITION", Severity.ERROR, "Art 10 / DPA 2018 Sch. 1 Pt 3",
      "Basis for criminal offence data")
def _art10(activity, today):
    criminal = [c.name for c in _categories(activity) if c.criminal_offence]
    covered = any(c.covers_criminal for c in activity.schedule1_conditions)
    if _is_controller(activity) and criminal and not covered:
        yield "schedule1_conditions", _(
            "Criminal offence data (%(names)s) is processed without an Art 10 / Schedule 1 "
            "condition."
        ) % {"names": ", ".join(criminal)}


@rule("SCH1-CONDITION", Severity.ERROR, "DPA 2018 s10, Sch. 1 Pts 1-2",
      "Sch. 1 condition for Art 9 in the UK")
def _schedule1(activity, today):
    if not _is_controller(activity) or activity.jurisdiction != "uk":
        return
    for condition in activity.special_category_conditions:
        part = condition.uk_schedule1_part
        if part and not any(c.part == part and c.covers_special
                            for c in activity.schedule1_conditions):
            yield "schedule1_conditions", _(
                "%(condition)s needs a DPA 2018 Schedule 1 Part %(part)s condition in the UK: "
                "record the condition relied on.") % {"condition": condition.label, "part": part}


@rule("SCH1-POLICY", Severity.ERROR, "DPA 2018 Sch. 1 Pt 4", "Appropriate policy document")
def _policy_document(activity, today):
    needing = [c.article for c in activity.schedule1_conditions if c.needs_policy_document]
    if needing and not activity.policy_document_link:
        yield "policy_document_link", _(
            "No appropriate policy document is linked, but the Schedule 1 conditions relied on "
            "need one (%(conditions)s; DPA 2018 Sch. 1 Part 4): link it.") % {
            "conditions": ", ".join(needing)}


@rule("A6-EA-CONDITION", Severity.ERROR, "UK GDPR Art 6(1)(ea), Annex 1",
      "Recognised legitimate interest named")
def _recognised_interest(activity, today):
    for basis in _bases(activity):
        if (basis.basis.kind == LawfulBasisKind.RECOGNISED_LEGITIMATE_INTERESTS
                and not basis.recognised_interest):
            yield "lawful_bases", _("A recognised legitimate interest is relied on without "
                                    "the UK GDPR Annex 1 condition: record which one."), Where(
                basis.id, "recognised_interest")


@rule("A6-PUBLIC-AUTHORITY", Severity.WARNING, "Art 6(1) second subparagraph",
      "Legitimate interests of a public authority")
def _public_authority(activity, today):
    if not activity.public_authority:
        return
    for basis in _bases(activity):
        if basis.basis.kind in (LawfulBasisKind.LEGITIMATE_INTERESTS,
                                LawfulBasisKind.RECOGNISED_LEGITIMATE_INTERESTS):
            yield "lawful_bases", _(
                "The organisation is a public authority: %(basis)s is not available for the "
                "performance of its tasks; rely on public task (Art 6(1)(e)) unless the "
                "processing is outside them.") % {"basis": basis.basis.label}, Where(
                basis.id, "basis")

