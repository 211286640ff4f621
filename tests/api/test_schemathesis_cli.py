"""`schemathesis run --checks all` against a live server, with two seeds: no failure.

The command line tool runs against the app served over HTTP on a small register,
authenticated as its DPO, with the phases a seed drives (examples, fuzzing, stateful).
The coverage phase (the schema's boundary cases, the same whatever the seed) takes
minutes: it runs when ROPA_FUZZ_COVERAGE is set. schemathesis.toml says which answers a
schema-valid write may get (a rule of the register the schema cannot state, a stale ETag).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from entities.tokens import token_create
from tests.api.conftest import member
from tests.factories import OrganisationFactory, ThirdPartyFactory, complete_activity

ROOT = Path(__file__).resolve().parents[2]


PHASES = "examples,fuzzing,stateful" + (",coverage" if os.environ.get("ROPA_FUZZ_COVERAGE")
                                         else "")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("seed", [1, 2])
def test_schemathesis_finds_no_failure(live_server, seed):
    org = OrganisationFactory(name="Mondago Limited")
    for n in range(1, 4):
        activity = complete_activity(organisation=org, reference=f"PA-{n:03d}")
    activity.joint_controllers.set([ThirdPartyFactory(organisation=org, kind="joint_controller")])
    _token, secret = token_create(member(org, "dpo", "fuzz-dpo"))

    command = [str(Path(sys.executable).parent / "schemathesis"),
               "--config-file", str(ROOT / "schemathesis.toml"), "run",
               f"{live_server.url}/api/v1/schema/?format=json", "--checks", "all",
               "--seed", str(seed), "--phases", PHASES, "--max-examples", "5", "--no-color",
               "-H", f"Authorization: Token {secret}"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-2000:]
