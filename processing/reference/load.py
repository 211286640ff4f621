"""Load the reference data of ``data.py`` into the database, idempotently.

Used by data migrations (with the migration's historical ``apps``) and by
``manage.py load_reference``. Terms are matched on ``code``: loading twice creates
nothing new, and a changed label or IRI is updated in place.
"""

from __future__ import annotations

import functools
import gettext

import pycountry

from . import data, french

#: (app label, model, constant in data.py, field mapping of the model <- data key)
_TERMS = (
    ("processing", "LawfulBasis", "LAWFUL_BASES",
     {"article": "article", "name": "label", "kind": "kind", "jurisdiction": "jurisdiction",
      "dpv_iri": "dpv_iri", "description": "description"}),
    ("processing", "SpecialCategoryCondition", "ART9_CONDITIONS",
     {"article": "article", "name": "label", "dpv_iri": "dpv_iri",
      "description": "description", "uk_schedule1_part": "uk_schedule1_part"}),
    ("processing", "Schedule1Condition", "SCHEDULE1_CONDITIONS",
     {"article": "article", "name": "label", "part": "part", "applies_to": "applies_to",
      "needs_policy_document": "needs_policy_document",
      "dpv_iri": "dpv_iri", "description": "description"}),
    ("processing", "TransferMechanism", "TRANSFER_MECHANISMS",
     {"article": "article", "name": "label", "kind": "kind", "jurisdiction": "jurisdiction",
      "requires_documented_safeguards": "requires_documented_safeguards",
      "dpv_iri": "dpv_iri", "description": "description"}),
    ("processing", "DataSubjectCategory", "DATA_SUBJECT_CATEGORIES",
     {"name": "name", "description": "description", "dpv_iri": "dpv_iri",
      "vulnerable": "vulnerable", "children": "children"}),
    ("processing", "PersonalDataCategory", "PERSONAL_DATA_CATEGORIES",
     {"name": "name", "description": "description", "special_category": "special_category",
      "criminal_offence": "criminal_offence", "biometric": "biometric",
      "tracking": "tracking", "dpv_iri": "dpv_iri"}),
    ("processing", "SecurityMeasure", "SECURITY_MEASURES",
     {"name": "name", "kind": "kind", "description": "description", "dpv_iri": "dpv_iri"}),
    ("entities", "RecipientCategory", "RECIPIENT_CATEGORIES",
     {"name": "name", "description": "description", "dpv_iri": "dpv_iri"}),
)


#: Yes/no fields of the terms: a term the data leaves out is "no".
_FLAGS = ("requires_documented_safeguards", "special_category", "criminal_offence", "biometric",
          "tracking", "vulnerable", "children", "needs_policy_document")


def _upsert(model, rows, key="code"):
    # An earlier migration loads with its own state of the model: fields added since are
    # left to the migration that adds them.
    known = {f.name for f in model._meta.concrete_fields}
    rows = [{k: v for k, v in values.items() if k in known} for values in rows]
    existing = {getattr(obj, key): obj for obj in model.objects.all()}
    created = updated = 0
    to_create = []
    for values in rows:
        obj = existing.get(values[key])
        if obj is None:
            to_create.append(model(**values))
            continue
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=changed)
            updated += 1
    model.objects.bulk_create(to_create)
    created = len(to_create)
    return created, updated


@functools.cache
def _french_countries() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])


def country_rows():
    """ISO 3166-1 countries with EEA / EU membership and EU / UK adequacy, and their
    French names (pycountry's ISO 3166 catalogue)."""
    rows = []
    in_french = _french_countries().gettext
    for country in pycountry.countries:
        code = country.alpha_2
        eu_adequacy, eu_note = data.EU_ADEQUACY.get(code, ("", ""))
        uk_adequacy, uk_note = data.UK_ADEQUACY.get(code, ("", ""))
        name = getattr(country, "common_name", None) or country.name
        rows.append({
            "code": code,
            "name": name,
            "name_fr": in_french(name),
            "is_eu": code in data.EU_COUNTRIES,
            "is_eea": code in data.EEA_COUNTRIES,
            "eu_adequacy": eu_adequacy,
            "eu_adequacy_note": eu_note,
            "uk_adequacy": uk_adequacy,
            "uk_adequacy_note": uk_note,
        })
    return rows


def load_reference_data(apps=None) -> dict[str, tuple[int, int]]:
    """Create or update every reference term; returns (created, updated) per model."""
    if apps is None:
        from django.apps import apps
    report = {}
    report["Country"] = _upsert(apps.get_model("entities", "Country"), country_rows())
    try:
        organisations = apps.get_model("entities", "InternationalOrganisation")
    except LookupError:  # a data migration that runs before the model was added
        pass
    else:
        report["InternationalOrganisation"] = _upsert(
            organisations, [dict(row) for row in data.INTERNATIONAL_ORGANISATIONS])
    for app_label, model_name, constant, mapping in _TERMS:
        names_fr = getattr(french, constant)
        rows = [
            {"code": item["code"], **{field: item.get(key, "") for field, key in mapping.items()},
             "name_fr": names_fr.get(item["code"], "")}
            for item in getattr(data, constant)
        ]
        for row in rows:
            for field in _FLAGS:
                if field in row:
                    row[field] = bool(row[field])
        report[model_name] = _upsert(apps.get_model(app_label, model_name), rows)
    return report
