"""The demo register's data files, read and checked.

``data/akixi.yaml``, ``data/mondago.yaml`` and ``data/connexai.yaml`` each hold the
organisations of one group and the register of one of them (``register_of``): its
contacts, third parties and processing activities, with ``every_activity`` giving the
values all its activities share unless one says otherwise. ``data/users.yaml`` holds the
demo logins and their memberships.

Reading checks what can be checked without the database: every key is known and every
required key given, values have the right type, choices (a third party's kind, a retention
trigger...) and ISO 8601 periods are valid, and names refer to organisations, third
parties, purposes and logins the files define. Codes of reference terms (lawful bases,
countries, data categories...) are checked against the database when the data is loaded.
Every error names the file, the object and the key.
"""

from __future__ import annotations

import copy
import datetime
from pathlib import Path
from typing import NamedTuple

import yaml
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError

from entities.models import Contact, Country, Membership, Organisation, RecipientCategory, ThirdParty
from processing.durations import parse_period
from processing.models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    DataSubjectCategory,
    InternationalTransfer,
    LawfulBasis,
    PersonalDataCategory,
    ProcessingActivity,
    RetentionRule,
    SecurityMeasure,
    TransferMechanism,
)

DATA_DIR = Path(__file__).parent / "data"
#: Read in this order, which is the order the objects are created in.
REGISTER_FILES = ("akixi.yaml", "mondago.yaml", "connexai.yaml")
USERS_FILE = "users.yaml"
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's when PyYAML has it


class DemoDataError(ValueError):
    """The demo data is not well formed, or names something that does not exist."""


class DemoData(NamedTuple):
    organisations: list[dict]
    contacts: list[dict]
    third_parties: list[dict]
    activities: list[dict]
    users: list[dict]


REQUIRED = object()

#: The keys of each kind of object, with the value a key takes when the file leaves it out.
ORGANISATION = {
    "name": REQUIRED, "trading_name": "", "registration_number": "",
    "authority_registration_ref": "", "vat_number": "", "address": "", "country": None,
    "website": "", "email": "", "phone": "", "parent": None, "jurisdiction": "uk",
}
CONTACT = {"role": REQUIRED, "name": REQUIRED, "email": "", "phone": "", "address": ""}
THIRD_PARTY = {
    "name": REQUIRED, "kind": REQUIRED, "category": None, "service": "", "country": None,
    "address": "", "email": "", "phone": "", "website": "", "contract_link": "",
    "dpf_certified": False, "group_organisation": None, "dpo_contact": "",
    "representative_contact": "", "notes": "",
}
ACTIVITY = {
    "reference": REQUIRED, "name": REQUIRED, "role": "controller", "status": "active",
    "owner": None, "business_function": "", "description": "", "security_description": "",
    "source_of_data": "", "data_location": "", "recipients_none": False, "data_subjects": [],
    "data_categories": [], "security_measures": [], "controllers_served": [],
    "joint_controllers": [], "purposes": [], "lawful_bases": [], "recipients": [],
    "transfers": [], "retention": [],
}
#: The parts of an activity: the keys of each, and the model the part is.
PARTS = {
    "lawful_bases": (ActivityLawfulBasis, {
        "basis": REQUIRED, "legitimate_interest": "", "citation": "", "notes": "", "lia_link": "",
        "consent_record_link": "", "data_categories": [], "purposes": [],
    }),
    "recipients": (ActivityRecipient, {
        "third_party": None, "category": None, "purpose": "", "data_categories": [],
    }),
    "transfers": (InternationalTransfer, {
        "country": REQUIRED, "third_party": None, "mechanism": None, "safeguards": "",
        "international_organisation": "", "safeguard_document_link": "", "tia_link": "",
    }),
    "retention": (RetentionRule, {
        "data_category": None, "period": "", "trigger": "", "trigger_description": "",
        "legal_source": "", "deletion_method": "", "criteria": "",
    }),
}
USER = {"username": REQUIRED, "password": REQUIRED, "superuser": False, "memberships": {}}

#: Keys whose values are codes of reference terms, checked against the database on loading.
TERMS = {
    "basis": LawfulBasis, "category": RecipientCategory, "country": Country,
    "data_categories": PersonalDataCategory, "data_category": PersonalDataCategory,
    "data_subjects": DataSubjectCategory, "mechanism": TransferMechanism,
    "security_measures": SecurityMeasure,
}
#: Keys whose values name organisations, or third parties of the register.
ORGANISATION_KEYS = ("parent", "group_organisation")
THIRD_PARTY_KEYS = ("third_party", "controllers_served", "joint_controllers")

_LABELS = {
    "organisation": "Organisation {name}", "contact": "Contact {name} ({organisation})",
    "third party": "Third party {name} ({organisation})",
    "activity": "Activity {reference} ({organisation})", "user": "User {username}",
}
_TYPE_NAMES = {bool: "true or false", datetime.date: "a date (YYYY-MM-DD)",
               str: "a text (in quotes if YAML reads it as something else)"}
_TOP_KEYS = {
    "register_of": str, "organisations": list, "contacts": list, "third_parties": list,
    "every_activity": dict, "activities": list,
}


def where(kind: str, spec: dict) -> str:
    """The object in messages: ``akixi.yaml: Activity AKX-06 (Akixi Limited)``."""
    return f"{spec['file']}: " + _LABELS[kind].format_map(spec)


def _fail(where_: str, message: str):
    raise DemoDataError(f"{where_}: {message}")


def _check(value, default, model, key, at):
    """Check one value against its key's default, the model field's choices, or a period."""
    if key in PARTS:
        part_model, schema = PARTS[key]
        if not isinstance(value, list):
            _fail(at, f"expected a list, found {value!r}")
        return [_object(item, schema, part_model, f"{at}, item {n}")
                for n, item in enumerate(value, start=1)]
    if isinstance(default, list):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            _fail(at, f"expected a list of texts, found {value!r}")
        return list(value)
    if isinstance(default, dict):
        if not isinstance(value, dict) or not all(
                isinstance(v, str) for v in [*value, *value.values()]):
            _fail(at, f"expected names with texts, found {value!r}")
        return dict(value)
    expected = (bool if isinstance(default, bool) else datetime.date if key.endswith("_on")
                else str)
    if type(value) is not expected and not (value is None and default is None):
        _fail(at, f"expected {_TYPE_NAMES[expected]}, found {value!r}")
    if default is REQUIRED and not value:
        _fail(at, "must not be empty")
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        field = None
    if field is not None and field.choices and value != default:
        allowed = [code for code, _label in field.choices if code]
        if value not in allowed:
            _fail(at, f"'{value}' is not one of: {', '.join(allowed)}")
    if key == "period" and value:
        try:
            parse_period(value)
        except ValidationError as exc:
            _fail(at, f"'{value}': {' '.join(exc.messages)}")
    return value


def _object(raw, schema: dict, model, at: str) -> dict:
    """The object ``raw`` read from a file, checked, with the defaults of missing keys."""
    if not isinstance(raw, dict):
        _fail(at, f"expected keys and values, found {raw!r}")
    unknown = sorted(set(raw) - set(schema))
    if unknown:
        _fail(at, f"unknown key '{unknown[0]}' (known keys: {', '.join(schema)})")
    spec = {}
    for key, default in schema.items():
        if key in raw:
            spec[key] = _check(raw[key], default, model, key, f"{at}, {key}")
        elif default is REQUIRED:
            _fail(at, f"missing key '{key}'")
        else:
            spec[key] = copy.copy(default)
    return spec


def _read(directory: Path, name: str) -> dict:
    try:
        with (directory / name).open(encoding="utf-8") as stream:
            content = yaml.load(stream, Loader=_YAML_LOADER)
    except OSError as exc:
        raise DemoDataError(f"{name}: cannot be read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise DemoDataError(f"{name}: not valid YAML: {exc}") from exc
    if not isinstance(content, dict):
        _fail(name, "expected keys and values at the top level")
    return content


def _items(content: dict, name: str, kind: str, key: str, schema: dict, model, **extra):
    """The objects listed under ``key``, read with ``schema`` and given ``extra`` keys."""
    for n, raw in enumerate(content.get(key) or [], start=1):
        try:
            label = where(kind, {"file": name, **extra, **raw})
        except (KeyError, TypeError):  # not a mapping, or without the keys that name it
            label = f"{name}: {kind.capitalize()} no. {n}"
        yield _object(raw, schema, model, label) | extra | {"file": name}


def _register_file(directory: Path, name: str, data: DemoData) -> None:
    content = _read(directory, name)
    for key, value in content.items():
        if key not in _TOP_KEYS:
            _fail(name, f"unknown key '{key}' (known keys: {', '.join(_TOP_KEYS)})")
        if value is not None and not isinstance(value, _TOP_KEYS[key]):
            _fail(name, f"{key}: expected a {_TOP_KEYS[key].__name__}, found {value!r}")
    if not content.get("register_of"):
        _fail(name, "missing key 'register_of'")
    owner = {"organisation": content["register_of"]}
    data.organisations.extend(_items(content, name, "organisation", "organisations",
                                     ORGANISATION, Organisation))
    data.contacts.extend(_items(content, name, "contact", "contacts", CONTACT, Contact, **owner))
    data.third_parties.extend(_items(content, name, "third party", "third_parties", THIRD_PARTY,
                                     ThirdParty, **owner))
    shared = content.get("every_activity") or {}
    _object(shared, {k: v for k, v in ACTIVITY.items() if v is not REQUIRED}, ProcessingActivity,
            f"{name}: every_activity")
    data.activities.extend(_items({"activities": [
        shared | raw if isinstance(raw, dict) else raw for raw in content.get("activities") or []
    ]}, name, "activity", "activities", ACTIVITY, ProcessingActivity, **owner))


def _users_file(directory: Path, name: str, data: DemoData) -> None:
    content = _read(directory, name)
    if set(content) != {"users"}:
        _fail(name, "expected one key, 'users'")
    roles = [code for code, _label in Membership._meta.get_field("role").choices]
    for user in _items(content, name, "user", "users", USER, get_user_model()):
        for organisation, role in user["memberships"].items():
            if role not in roles:
                _fail(f"{where('user', user)}, memberships, {organisation}",
                      f"'{role}' is not one of: {', '.join(roles)}")
        data.users.append(user)


def _unique(specs, kind, *keys) -> set:
    seen = set()
    for spec in specs:
        key = tuple(spec[k] for k in keys)
        if key in seen:
            _fail(where(kind, spec), "appears twice")
        seen.add(key)
    return seen


def _check_names(data: DemoData) -> None:
    """Names refer to what the files define, and each object is defined once."""
    organisations = {name for (name,) in _unique(data.organisations, "organisation", "name")}
    parties = _unique(data.third_parties, "third party", "organisation", "name")
    _unique(data.activities, "activity", "organisation", "reference")
    logins = {name for (name,) in _unique(data.users, "user", "username")}

    def check(at, spec, register=None):
        for key, value in spec.items():
            if key in ORGANISATION_KEYS or key == "memberships":
                names, what = organisations, "an organisation of the demo files"
            elif key in THIRD_PARTY_KEYS:
                names = {name for organisation, name in parties if organisation == register}
                what = f"a third party of {register} in the demo files"
            elif key == "owner":
                names, what = logins, "a demo login"
            else:
                continue
            for name in value if isinstance(value, list | dict) else [value]:
                if name is not None and name not in names:
                    _fail(f"{at}, {key}", f"'{name}' is not {what}")

    for spec in [*data.contacts, *data.third_parties, *data.activities]:
        if spec["organisation"] not in organisations:
            _fail(f"{spec['file']}: register_of",
                  f"'{spec['organisation']}' is not an organisation of the demo files")
    for kind, specs in (("organisation", data.organisations), ("user", data.users),
                        ("third party", data.third_parties)):
        for spec in specs:
            check(where(kind, spec), spec, spec.get("organisation"))
    for spec in data.activities:
        at = where("activity", spec)
        check(at, spec, spec["organisation"])
        for key in PARTS:
            for n, part in enumerate(spec[key], start=1):
                check(f"{at}, {key}, item {n}", part, spec["organisation"])
        for n, basis in enumerate(spec["lawful_bases"], start=1):
            for purpose in basis["purposes"]:
                if purpose not in spec["purposes"]:
                    _fail(f"{at}, lawful_bases, item {n}, purposes",
                          f"'{purpose}' is not a purpose of the activity")


def read_data_files(directory: Path | None = None) -> DemoData:
    """The demo register as the data files give it (those of ``DATA_DIR`` unless another
    directory is given), checked: see the module docstring."""
    directory = directory or DATA_DIR
    unread = sorted({path.name for path in directory.glob("*.y*ml")}
                    - {*REGISTER_FILES, USERS_FILE})
    if unread:
        _fail(unread[0], f"not read: the demo reads {', '.join(REGISTER_FILES)} and "
                         f"{USERS_FILE} (REGISTER_FILES in processing/demo/files.py)")
    data = DemoData([], [], [], [], [])
    for name in REGISTER_FILES:
        _register_file(directory, name, data)
    _users_file(directory, USERS_FILE, data)
    _check_names(data)
    return data
