"""The worked example of docs/api.md, run as it stands with curl against a live server:
it builds a group register from nothing, and its export is the register it describes."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from entities.models import Organisation
from entities.tokens import token_create
from processing.models import ProcessingActivity

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
EXPECTED = Path(__file__).resolve().parent / "data" / "group_register.json"


def example(name: str) -> str:
    """The shell block of docs/api.md between ``<!-- example: name -->`` and its end."""
    text = DOC.read_text()
    found = re.search(rf"<!-- example: {name} -->\s*```sh\n(.*?)```\s*<!-- /example -->", text,
                      re.DOTALL)
    assert found, f"no example '{name}' in {DOC}"
    return found.group(1)


@pytest.mark.skipif(shutil.which("curl") is None, reason="the example needs curl")
@pytest.mark.django_db(transaction=True)
def test_the_group_register_example_builds_what_it_describes(live_server, tmp_path):
    integrator = get_user_model().objects.create_superuser("integrator", "it@example.org", "x")
    _token, secret = token_create(integrator)

    run = subprocess.run(["bash", "-c", example("group-register")], cwd=tmp_path,
                         env={"ROPA": live_server.url, "TOKEN": secret,
                              "PATH": "/usr/local/bin:/usr/bin:/bin"},
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr

    holding = Organisation.objects.get(name="Northwind Holdings Ltd")
    assert Organisation.objects.get(name="Northwind Ltd").parent == holding
    assert ProcessingActivity.objects.count() == 3
    exported = json.loads((tmp_path / "register.json").read_text())
    assert exported["format"] == "ropa-workbook"
    assert exported["sheets"] == json.loads(EXPECTED.read_text())["sheets"]
