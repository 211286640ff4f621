"""The CNIL layout: the "registre des activités de traitement" of the CNIL's template.

An "Organisme" sheet (responsable de traitement, délégué à la protection des données,
représentant, and the list of activities) then one "fiche" sheet per activity with the
template's sections, in French: the fixed text is the template's, and the register's
reference terms (data and subject categories, lawful bases, conditions, mechanisms,
measures, recipient categories, countries) and derived wording (retention in words,
kinds of third party) are written under the French translation (their French names and
the ``locale/fr`` catalogue).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from django.utils import translation

from entities.models.third_party import PROCESSOR_KINDS, ThirdPartyKind
from processing.register.records import Activity, Contact, Organisation, Register

from .cells import Sheet, lines, render_xlsx, sheet_title, text, write_xlsx
from .ico import Words

ORGANISATION_SHEET = "Organisme"

_ROLES = {
    "controller": "Responsable de traitement",
    "joint_controller": "Responsable conjoint",
    "processor": "Sous-traitant",
    "sub_processor": "Sous-traitant ultérieur",
}


_STATUSES = {"draft": "Brouillon", "in_review": "En cours de validation", "active": "Validée",
             "retired": "Retirée"}


def _person(contact: Contact | None) -> list[list[str]]:
    if contact is None:
        return [["Nom", ""], ["Adresse", ""], ["Téléphone", ""], ["Adresse de messagerie", ""]]
    return [["Nom", contact.name], ["Adresse", contact.address], ["Téléphone", contact.phone],
            ["Adresse de messagerie", contact.email]]


def organisation_sheet(org: Organisation, title: str) -> Sheet:
    sheet = Sheet(title)
    sheet.row([f"Registre des activités de traitement de : {org.name}"], "title")
    sheet.blank()
    sheet.row(["Responsable du traitement"], "header")
    for label, value in (
        ("Nom", org.name), ("Nom commercial", org.trading_name), ("Adresse", org.address),
        ("Adresse commerciale", org.trading_address),
        ("Pays", org.country.local_name if org.country else ""), ("Téléphone", org.phone),
        ("Adresse de messagerie", org.email), ("Site web", org.website),
        ("N° d'immatriculation", org.registration_number),
        ("N° de TVA", org.vat_number),
        ("N° d'enregistrement auprès de l'autorité", org.authority_registration_ref),
        ("Société mère (groupe)", org.parent),
        ("Autorité ou organisme public", "Oui" if org.public_authority else ""),
    ):
        sheet.row([label, value], "label")
    sheet.blank()
    sheet.row(["Délégué à la protection des données"], "header")
    for row in _person(org.dpo):
        sheet.row(row, "label")
    sheet.blank()
    sheet.row(["Représentant du responsable de traitement (art. 27)"], "header")
    for row in _person(org.representative):
        sheet.row(row, "label")
    sheet.blank()
    sheet.row(["Représentant légal de la société"], "header")
    for row in _person(org.legal_representative):
        sheet.row(row, "label")
    others = [c for c in org.contacts if c.role not in ("dpo", "representative",
                                                         "legal_representative")]
    if others:
        sheet.blank()
        sheet.row(["Autres contacts"], "header")
        for contact in others:
            sheet.row([contact.role_label, contact.details()], "label")
    sheet.blank()
    sheet.table(["N°", "Activités de l'organisme", "Rôle", "Date de création", "Mise à jour"],
                [[a.reference, a.name, _ROLES.get(a.role, a.role), text(a.created_at),
                  text(a.updated_at)] for a in org.activities], freeze=False, filtered=True)
    return sheet


def _retention(activity: Activity) -> dict[str | None, str]:
    """The retention of each data category (by code) that has rules of its own, and (under
    None) the activity's general rules: what a data category without rules of its own
    keeps to. Each rule is put in words once."""
    rules: dict[str | None, list[str]] = {None: []}
    for rule in activity.retention_rules:
        code = rule.data_category.code if rule.data_category else None
        rules.setdefault(code, []).append(rule.describe_in_full())
    return {code: lines(described) for code, described in rules.items()}


def _retention_for(retention: dict[str | None, str], code: str) -> str:
    """The retention of one data category: its own rules, else the activity's general ones."""
    return retention[code] if code in retention else retention[None]


def _basis_lines(activity: Activity, words: Words) -> list[str]:
    """Each basis with what it rests on: the legitimate interest, the legal provision,
    the consent record, its scope and notes."""
    result = []
    for use in activity.lawful_bases:
        details = [words.label(use.basis)]
        for label, value in (
            ("Limitée à", "; ".join([*(p.description for p in use.purposes),
                                     *(words.name(c) for c in use.data_categories)])),
            ("Intérêt légitime poursuivi", use.legitimate_interest),
            ("Analyse (LIA)", use.lia_link), ("Texte applicable", use.citation),
            ("Preuve du consentement", use.consent_record_link),
            ("Recueil du consentement", use.consent_description),
            ("Intérêt légitime reconnu (Annexe 1 UK GDPR)", use.recognised_interest_label),
            ("Notes", use.notes),
        ):
            if value:
                details.append(f"{label} : {value}")
        result.append("\n".join(details))
    return result


def fiche(org: Organisation, activity: Activity, title: str, words: Words) -> Sheet:
    sheet = Sheet(title)
    sheet.widths = {0: 40.0, 1: 50.0, 2: 40.0, 3: 40.0}
    sheet.row([f"Fiche de registre : {activity.name}"], "title")
    sheet.blank()
    sheet.row(["Description du traitement"], "header")
    for label, value in (
        ("Nom / sigle", activity.name),
        ("N° / REF", activity.reference),
        ("Date de création", text(activity.created_at)),
        ("Mise à jour", text(activity.updated_at)),
        ("Rôle de l'organisme", _ROLES.get(activity.role, activity.role)),
        ("Service / fonction", activity.business_function),
        ("Responsable de l'activité", lines([activity.owner, activity.owner_email])),
        ("Statut", _STATUSES.get(activity.status, activity.status)),
        ("Dernière revue", text(activity.last_reviewed_on)),
        ("Prochaine revue", text(activity.next_review_on)),
        ("Description", activity.description),
    ):
        sheet.row([label, value], "label")
    sheet.blank()
    sheet.row(["Acteurs"], "header")
    sheet.row(["Responsable du traitement", org.name], "label")
    sheet.row(["Délégué à la protection des données", org.dpo.details() if org.dpo else ""], "label")
    sheet.row(["Représentant", org.representative.details() if org.representative else ""], "label")
    sheet.row(["Représentant légal",
               org.legal_representative.details() if org.legal_representative else ""], "label")
    sheet.row(["Société mère (groupe)", org.parent], "label")
    sheet.row(["Responsable(s) conjoint(s)",
               lines(words.details(t, _details) for t in activity.joint_controllers)], "label")
    if activity.is_processor_record:
        sheet.row(["Responsable(s) de traitement pour le compte duquel/desquels le traitement est "
                   "effectué", lines(words.details(t, _details)
                                     for t in activity.controllers_served)], "label")
    sheet.blank()
    sheet.row(["Logiciel / localisation des données", activity.data_location], "label")
    sheet.blank()
    sheet.row(["Finalité(s) du traitement effectué"], "header")
    for n, purpose in enumerate(activity.purposes, start=1):
        label = "Finalité principale" if n == 1 else f"Sous-finalité {n - 1}"
        sheet.row([label, purpose.description], "label")
    sheet.row(["Base(s) légale(s)", "\n\n".join(_basis_lines(activity, words))], "label")
    sheet.blank()
    sheet.row(["Catégories de personnes concernées"], "header")
    for subject in activity.data_subjects:
        sheet.row([words.name(subject)], "")
    sheet.blank()
    retention = _retention(activity)
    sheet.table(["Catégories de données personnelles concernées", "Description", "Délai d'effacement"],
                [[words.name(c), "", _retention_for(retention, c.code)]
                 for c in activity.data_categories
                 if not (c.special_category or c.criminal_offence)], freeze=False)
    sheet.blank()
    sheet.row(["Données sensibles"], "header")
    sensitive = activity.special_data
    sheet.row(["Des données sensibles sont-elles traitées ?", "Oui" if sensitive else "Non"], "label")
    if sensitive:
        sheet.table(["Données sensibles", "Condition", "Délai d'effacement"],
                    [[words.name(c), _conditions_for(activity, c, words),
                      _retention_for(retention, c.code)]
                     for c in sensitive], freeze=False)
    sheet.blank()
    sheet.row(["Destinataires des données"], "header")
    if not activity.recipients:
        sheet.row(["Aucun destinataire" if activity.recipients_none else ""], "")
    for heading, group in RECIPIENT_GROUPS if activity.recipients else ():
        sheet.table([heading, "Type de destinataire", "Précisions"],
                    [_recipient_row(r, words) for r in activity.recipients
                     if recipient_group(r) == group]
                    or [["Aucun", "", ""]], freeze=False)
    sheet.blank()
    sheet.table(["Transferts des données hors UE", "Pays", "Type de garanties",
                 "Lien vers la documentation"],
                [[t.third_party.name if t.third_party else "",
                  t.destination or "Destinations non nommées",
                  lines([words.mechanism(t), t.safeguards]),
                  lines([t.safeguard_document_link, f"AIT : {t.tia_link}" if t.tia_link else ""])]
                 for t in activity.transfers]
                or [["Aucun transfert", "", "", ""]], freeze=False)
    sheet.blank()
    sheet.row(["Mesures de sécurité"], "header")
    for measure in activity.security_measures:
        sheet.row([words.name(measure)], "")
    if activity.security_description:
        sheet.row(["Autres mesures", activity.security_description], "label")
    sheet.blank()
    sheet.row(["Autres informations"], "header")
    for label, value in _other_details(activity):
        sheet.row([label, value], "label")
    return sheet


def _oui_non(value: bool | None) -> str:
    return {True: "Oui", False: "Non"}.get(value, "")


_DPIA_STATUSES = {"not_started": "Non commencée", "in_progress": "En cours", "completed": "Terminée"}


def _other_details(activity: Activity) -> list[tuple[str, str]]:
    """What the register holds beyond the CNIL template's sections: the source of the data,
    automated decisions, monitoring, the DPIA, breaches and the retention policy."""
    return [
        ("Source des données", activity.source_of_data),
        ("Décision automatisée ou profilage", _oui_non(activity.automated_decision_making)),
        ("Effets juridiques ou similaires (art. 22)",
         _oui_non(activity.automated_decision_legal_effect)),
        ("Décisions automatisées, précisions", activity.automated_decision_description),
        ("Garanties (art. 22.3)", activity.automated_decision_safeguards),
        ("Surveillance systématique", _oui_non(activity.systematic_monitoring)),
        ("Traitement à grande échelle", _oui_non(activity.large_scale)),
        ("Évaluation ou notation", _oui_non(activity.evaluation_or_scoring)),
        ("Croisement de données", _oui_non(activity.matching_datasets)),
        ("Personnes vulnérables", _oui_non(activity.vulnerable_subjects)),
        ("Données d'enfants", _oui_non(activity.children)),
        ("Vérification de l'âge et consentement parental (art. 8)", activity.children_consent),
        ("Usage innovant ou nouvelle technologie", _oui_non(activity.innovative_technology)),
        ("Exclusion du bénéfice d'un droit ou d'un contrat",
         _oui_non(activity.prevents_exercise_of_right)),
        ("Données non collectées auprès de la personne (art. 14)",
         _oui_non(activity.data_from_other_sources)),
        ("Lien vers la notice d'information", activity.privacy_notice_link),
        ("Lien vers l'accord entre responsables conjoints (art. 26)",
         activity.joint_arrangement_link),
        ("Prospection commerciale", _oui_non(activity.direct_marketing)),
        ("Prospection par voie électronique", _oui_non(activity.electronic_marketing)),
        ("Exception « clients existants » (soft opt-in)", _oui_non(activity.soft_opt_in)),
        ("Lien vers le document de politique (DPA 2018 annexe 1 partie 4)",
         activity.policy_document_link),
        ("AIPD requise", {"yes": "Oui", "no": "Non"}.get(activity.dpia_required, "")),
        ("État de l'AIPD", _DPIA_STATUSES.get(activity.dpia_status, "")),
        ("Lien vers l'AIPD", activity.dpia_link),
        ("Violation de données survenue", _oui_non(activity.breach_occurred)),
        ("Lien vers le registre des violations", activity.breach_link),
        ("Politique de conservation", activity.retention_policy_link),
        ("Conservation conforme à la politique", _oui_non(activity.retention_adhered)),
        ("Raisons de la non-conformité", activity.retention_non_adherence_reason),
    ]


def _conditions_for(activity: Activity, category, words: Words) -> str:
    """The conditions that allow a sensitive category: the Art 9 conditions for special
    category data, and the DPA 2018 Sch. 1 / Art 10 conditions."""
    art9 = activity.special_category_conditions if category.special_category else []
    return lines([*(words.label(x) for x in art9),
                  *(words.label(x) for x in activity.schedule1_conditions)])


def _details(party) -> str:
    """A third party's name and contact details, its DPO and representative labelled in French."""
    return party.details(dpo_label="DPO", representative_label="Représentant (art. 27)")


#: The CNIL template's three kinds of recipient, in its order.
RECIPIENT_GROUPS = (("Services internes", "internal"),
                    ("Destinataires externes", "external"),
                    ("Sous-traitants", "processor"))


def recipient_group(r) -> str:
    """Which of the template's kinds a recipient is: the group's own companies are internal
    services, processors and sub-processors are "sous-traitants", every other third party
    (independent or joint controller, authority, adviser) is an external recipient. A
    recipient named only by category is internal when the category is the group's
    companies, else external."""
    party = r.third_party
    if party is None:
        return "internal" if r.category and r.category.code == "group-companies" else "external"
    if party.kind == ThirdPartyKind.GROUP_COMPANY:
        return "internal"
    return "processor" if party.kind in PROCESSOR_KINDS else "external"


def _recipient_row(r, words: Words) -> list[str]:
    """A recipient: who it is (with its details), its type, and what it receives and why."""
    party = r.third_party
    category = r.category or (party.category if party else None)
    kind = " – ".join(x for x in (words.name(category) if category else "",
                                  words.kind(party) if party else "") if x)
    if party is None:
        return [r.name, kind, lines([r.purpose, *(words.name(c) for c in r.data_categories)])]
    return [words.details(party, _details), kind, lines([
        r.purpose, *(words.name(c) for c in r.data_categories),
        f"Service : {party.service}" if party.service else "",
        f"Site web : {party.website}" if party.website else "",
        f"Contrat (art. 28) : {party.contract_link}" if party.contract_link else "",
        "Certifié EU-US Data Privacy Framework" if party.dpf_certified else "",
        f"Société du groupe : {party.group_organisation}" if party.group_organisation else "",
        f"Notes : {party.notes}" if party.notes else "",
    ])]


def cnil_sheets(register: Register) -> Iterator[Sheet]:
    """The sheets in order, each laid out when the previous one has been written: the
    organisations are read once, in turn, and nothing of an organisation's activities is
    kept once its fiches are written."""
    taken: set[str] = set()
    count = len(register.organisations)
    words = Words()
    for org in register.organisations:
        title = f"{ORGANISATION_SHEET} {org.name[:21]}" if count > 1 else ORGANISATION_SHEET
        words.next_organisation()
        yield organisation_sheet(org, sheet_title(title, taken))
        for activity in org.activities:
            yield fiche(org, activity, sheet_title(f"Fiche {activity.reference}", taken), words)
    if not count:
        yield Sheet(ORGANISATION_SHEET)


def render_cnil(register: Register) -> bytes:
    """The CNIL workbook, in French whatever the language of the request."""
    with translation.override("fr"):
        return render_xlsx(cnil_sheets(register))


def write_cnil(register: Register, out: BinaryIO) -> None:
    """The CNIL workbook written to ``out`` as it is made, a fiche at a time."""
    with translation.override("fr"):
        write_xlsx(cnil_sheets(register), out)
