"""The CNIL layout: the "registre des activités de traitement" of the CNIL's template.

An "Organisme" sheet (responsable de traitement, délégué à la protection des données,
représentant, and the list of activities) then one "fiche" sheet per activity with the
template's sections, in French.
"""

from __future__ import annotations

from collections.abc import Iterator

from processing.register.records import Activity, Contact, Organisation, Register

from .cells import Sheet, lines, render_xlsx, sheet_title, text

ORGANISATION_SHEET = "Organisme"

_ROLES = {
    "controller": "Responsable de traitement",
    "joint_controller": "Responsable conjoint",
    "processor": "Sous-traitant",
    "sub_processor": "Sous-traitant ultérieur",
}


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
        ("Nom", org.name), ("Adresse", org.address),
        ("Pays", org.country.name if org.country else ""), ("Téléphone", org.phone),
        ("Adresse de messagerie", org.email),
        ("N° d'immatriculation", org.registration_number),
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
    sheet.table(["N°", "Activités de l'organisme", "Rôle", "Date de création", "Mise à jour"],
                [[a.reference, a.name, _ROLES.get(a.role, a.role), text(a.created_at),
                  text(a.updated_at)] for a in org.activities], freeze=False, filtered=True)
    return sheet


def _retention_for(activity: Activity, code: str) -> str:
    """The retention of one data category: its own rules, else the activity's general ones."""
    own = [r for r in activity.retention_rules if r.data_category and r.data_category.code == code]
    general = [r for r in activity.retention_rules if r.data_category is None]
    return lines(r.describe() for r in (own or general))


def fiche(org: Organisation, activity: Activity, title: str) -> Sheet:
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
        ("Description", activity.description),
    ):
        sheet.row([label, value], "label")
    sheet.blank()
    sheet.row(["Acteurs"], "header")
    sheet.row(["Responsable du traitement", org.name], "label")
    sheet.row(["Délégué à la protection des données", org.dpo.details() if org.dpo else ""], "label")
    sheet.row(["Représentant", org.representative.details() if org.representative else ""], "label")
    sheet.row(["Responsable(s) conjoint(s)", lines(t.details() for t in activity.joint_controllers)],
              "label")
    if activity.is_processor_record:
        sheet.row(["Responsable(s) de traitement pour le compte duquel/desquels le traitement est "
                   "effectué", lines(t.details() for t in activity.controllers_served)], "label")
    sheet.blank()
    sheet.row(["Logiciel / localisation des données", activity.data_location], "label")
    sheet.blank()
    sheet.row(["Finalité(s) du traitement effectué"], "header")
    for n, purpose in enumerate(activity.purposes, start=1):
        label = "Finalité principale" if n == 1 else f"Sous-finalité {n - 1}"
        sheet.row([label, purpose.description], "label")
    sheet.row(["Base(s) légale(s)", lines(u.basis.label for u in activity.lawful_bases)], "label")
    sheet.blank()
    sheet.row(["Catégories de personnes concernées"], "header")
    for subject in activity.data_subjects:
        sheet.row([subject.name], "")
    sheet.blank()
    sheet.table(["Catégories de données personnelles concernées", "Description", "Délai d'effacement"],
                [[c.name, "", _retention_for(activity, c.code)]
                 for c in activity.data_categories
                 if not (c.special_category or c.criminal_offence)], freeze=False)
    sheet.blank()
    sheet.row(["Données sensibles"], "header")
    sensitive = activity.special_data
    sheet.row(["Des données sensibles sont-elles traitées ?", "Oui" if sensitive else "Non"], "label")
    if sensitive:
        sheet.table(["Données sensibles", "Condition", "Délai d'effacement"],
                    [[c.name,
                      lines(x.label for x in (activity.special_category_conditions
                                              if c.special_category else [])
                            ) or lines(x.label for x in activity.schedule1_conditions),
                      _retention_for(activity, c.code)] for c in sensitive], freeze=False)
    sheet.blank()
    sheet.table(["Destinataires des données", "Type de destinataire", "Précisions"],
                [[r.name, r.category_name or (r.third_party.kind_label if r.third_party else ""),
                  lines([r.purpose, *(c.name for c in r.data_categories)])]
                 for r in activity.recipients]
                or [["Aucun destinataire" if activity.recipients_none else "", "", ""]], freeze=False)
    sheet.blank()
    sheet.table(["Transferts des données hors UE", "Pays", "Type de garanties",
                 "Lien vers la documentation"],
                [[t.third_party.name if t.third_party else "", t.destination,
                  lines([t.mechanism.label if t.mechanism else "", t.safeguards]),
                  t.safeguard_document_link] for t in activity.transfers]
                or [["Aucun transfert", "", "", ""]], freeze=False)
    sheet.blank()
    sheet.row(["Mesures de sécurité"], "header")
    for measure in activity.security_measures:
        sheet.row([measure.name], "")
    if activity.security_description:
        sheet.row(["Autres mesures", activity.security_description], "label")
    return sheet


def cnil_sheets(register: Register) -> Iterator[Sheet]:
    """The sheets in order, each laid out when the previous one has been written."""
    taken: set[str] = set()
    several = len(register.organisations) > 1
    for org in register.organisations:
        title = f"{ORGANISATION_SHEET} {org.name[:21]}" if several else ORGANISATION_SHEET
        yield organisation_sheet(org, sheet_title(title, taken))
        for activity in org.activities:
            yield fiche(org, activity, sheet_title(f"Fiche {activity.reference}", taken))
    if not register.organisations:
        yield Sheet(ORGANISATION_SHEET)


def render_cnil(register: Register) -> bytes:
    return render_xlsx(cnil_sheets(register))
