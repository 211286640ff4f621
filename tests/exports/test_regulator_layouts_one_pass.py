"""The ICO and CNIL layouts read the register in one pass (docs/architecture.md, "The
register read a batch at a time"): each iterates the organisations once and, once it has
gone on to the next organisation, uses nothing of the activities of the one before."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import pytest

from processing.exports.cnil import render_cnil
from processing.exports.ico import render_ico
from processing.register import read_register
from processing.synthetic import generate_register


class OnePass:
    """The organisations of a register, counting how often they are iterated; when the next
    organisation is asked for, the activities of the one before are wiped (names, text and
    parts emptied), so a layout that came back to them would write something else."""

    def __init__(self, organisations):
        self.organisations, self.iterations = organisations, 0

    def __len__(self) -> int:
        return len(self.organisations)

    def __iter__(self):
        self.iterations += 1
        previous = None
        for org in self.organisations:
            if previous is not None:
                for activity in previous.activities:
                    _wipe(activity)
            yield org
            previous = org


def _wipe(activity) -> None:
    for field in dataclasses.fields(activity):
        value = getattr(activity, field.name)
        if isinstance(value, list):
            value.clear()
        elif isinstance(value, str):
            setattr(activity, field.name, "wiped")


def _parts(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()
                if name != "docProps/core.xml"}


@pytest.mark.django_db
@pytest.mark.parametrize("render", [render_cnil, render_ico])
def test_the_layout_reads_each_organisation_once_and_comes_back_to_none(render):
    generate_register(activities=24, organisations=3, third_parties=9, seed=5)
    expected = render(read_register(include_retired=False))

    register = read_register(include_retired=False, batch_activities=1)
    organisations = OnePass(register.organisations)
    written = render(dataclasses.replace(register, organisations=organisations))

    assert organisations.iterations == 1
    assert len(_parts(written)) > 5
    assert _parts(written) == _parts(expected)
