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

from processing.models import ProcessingActivity

from .files import DemoData, DemoDataError, read_data_files
from .loader import PATH, load

__all__ = [
    "ACTIVITIES", "ALL_ORGANISATIONS", "CONTACTS", "DEMO_USERS", "MONDAGO_GROUP",
    "ORGANISATIONS", "PATH", "THIRD_PARTIES", "DemoDataError", "demo_activities",
    "demo_login_lines", "demo_logins", "load_demo",
]

ORGANISATIONS, CONTACTS, THIRD_PARTIES, ACTIVITIES, DEMO_USERS = read_data_files()

ALL_ORGANISATIONS = tuple(spec["name"] for spec in ORGANISATIONS)
MONDAGO_GROUP = tuple(spec["name"] for spec in ORGANISATIONS if spec["file"] == "mondago.yaml")


def _activity(reference: str) -> dict:
    return next(spec for spec in ACTIVITIES if spec["reference"] == reference)


#: Akixi relies on consent for this purpose only (AKX-06).
AKX_RECOMMEND = next(basis for basis in _activity("AKX-06")["lawful_bases"]
                     if basis["basis"] == "A6-1-a")["purposes"][0]
#: The purposes of the Akixi / Mondago addendum, in both registers.
ADDENDUM_MARKETING_PURPOSES = tuple(_activity("AKX-10")["purposes"])
ADDENDUM_CONTRACT_PURPOSES = tuple(_activity("AKX-11")["purposes"])


def demo_logins() -> list[dict]:
    """username, password, role and organisations of each demo login."""
    return [{
        "username": spec["username"],
        "password": spec["password"],
        "role": "superuser" if spec["superuser"] else ", ".join(
            sorted(set(spec["memberships"].values()))),
        "organisations": ", ".join(sorted(spec["memberships"])) or "all organisations",
    } for spec in DEMO_USERS]


def demo_login_lines() -> list[str]:
    return [" / ".join((row["username"], row["password"], row["role"], row["organisations"]))
            for row in demo_logins()]


def demo_activities():
    """The activities of the demo organisations."""
    return ProcessingActivity.objects.filter(organisation__name__in=ALL_ORGANISATIONS)


def load_demo(*, user=None, today: datetime.date | None = None) -> dict:
    """Create or bring up to date the demo register, its logins and their memberships.

    Every write goes through the services and history records ``user`` and the command
    path; all or nothing. Returns a summary with the findings count and the logins.
    """
    data = DemoData(ORGANISATIONS, CONTACTS, THIRD_PARTIES, ACTIVITIES, DEMO_USERS)
    return load(data, user=user, today=today) | {"logins": demo_logins()}
