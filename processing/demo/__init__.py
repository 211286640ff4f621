"""The demo register: the processing that three published privacy policies describe.

The policies of Akixi Limited (updated 18 June 2023), Mondago Limited (last updated
22 November 2023) and ConnexAI are transcribed as data in ``data/*.yaml`` (see
``files.py`` for their shape), and ``load_demo`` writes them through the services, so the
demo register is also the richest test data: a processor record, a group with a US
affiliate, the Akixi / Mondago acquisition with shared marketing, named recipients with
addresses, consent limited to one purpose, retention counted from the end of the customer
relationship or from submission, and US transfers under the UK Addendum or the EU-US Data
Privacy Framework.

What a policy states is recorded in its own words; what it does not state is left empty,
so the findings engine reports the gap (no Art 28 contract links, no retention for most
of ConnexAI's processing, no mechanism named for Mondago's US transfers, no law cited for
the legal obligations...). Where a policy's own kind of data has no reference term, the
closest term is used and the policy's words are kept in the description.

``load_demo`` is idempotent (see ``loader.py``): a second run changes nothing and adds no
history. The demo logins have fixed, published passwords: they are for a local demo only.
"""

from __future__ import annotations

import datetime
import sys

from processing.models import ProcessingActivity

from .files import DemoData, DemoDataError, read_data_files
from .loader import PATH, load

__all__ = [
    "ACTIVITIES", "ALL_ORGANISATIONS", "CONTACTS", "DEMO_USERS", "MONDAGO_GROUP",
    "ORGANISATIONS", "PATH", "THIRD_PARTIES", "DemoDataError", "demo_activities",
    "demo_login_lines", "demo_logins", "load_demo",
]

#: The objects of the data files (lists of dicts, see files.py), read on first use.
_DATA = ("ORGANISATIONS", "CONTACTS", "THIRD_PARTIES", "ACTIVITIES", "DEMO_USERS")
#: Names the tests and the README speak of, taken from the data.
_NAMED = ("ALL_ORGANISATIONS", "MONDAGO_GROUP", "AKX_RECOMMEND", "ADDENDUM_MARKETING_PURPOSES",
          "ADDENDUM_CONTRACT_PURPOSES")


def __getattr__(name: str):
    """The data is read when first asked for, not on import: a file with an error then fails
    the command that loads it, with the file, the object and the key."""
    if name not in _DATA + _NAMED:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    data = read_data_files()
    activity = {spec["reference"]: spec for spec in data.activities}
    consent = next(b for b in activity["AKX-06"]["lawful_bases"] if b["basis"] == "A6-1-a")
    globals().update(dict(zip(_DATA, data, strict=True)), **{
        "ALL_ORGANISATIONS": tuple(spec["name"] for spec in data.organisations),
        "MONDAGO_GROUP": tuple(spec["name"] for spec in data.organisations
                               if spec["file"] == "mondago.yaml"),
        # Akixi relies on consent for this purpose only.
        "AKX_RECOMMEND": consent["purposes"][0],
        # The purposes of the Akixi / Mondago addendum, in both registers.
        "ADDENDUM_MARKETING_PURPOSES": tuple(activity["AKX-10"]["purposes"]),
        "ADDENDUM_CONTRACT_PURPOSES": tuple(activity["AKX-11"]["purposes"]),
    })
    return globals()[name]


def _get(name: str):
    """The module's ``name``, as read from the files or as set since (tests set them)."""
    return getattr(sys.modules[__name__], name)


def demo_logins() -> list[dict]:
    """username, password, role and organisations of each demo login."""
    return [{
        "username": spec["username"],
        "password": spec["password"],
        "role": "superuser" if spec["superuser"] else ", ".join(
            sorted(set(spec["memberships"].values()))),
        "organisations": ", ".join(sorted(spec["memberships"])) or "all organisations",
    } for spec in _get("DEMO_USERS")]


def demo_login_lines() -> list[str]:
    return [" / ".join((row["username"], row["password"], row["role"], row["organisations"]))
            for row in demo_logins()]


def demo_activities():
    """The activities of the demo organisations."""
    return ProcessingActivity.objects.filter(organisation__name__in=_get("ALL_ORGANISATIONS"))


def load_demo(*, user=None, today: datetime.date | None = None) -> dict:
    """Create or bring up to date the demo register, its logins and their memberships.

    Every write goes through the services and history records ``user`` and the command
    path; all or nothing. Returns a summary with the findings count and the logins.
    """
    data = DemoData(*(_get(name) for name in _DATA))
    return load(data, user=user, today=today) | {"logins": demo_logins()}
