"""The demo register's data files: found next to the package, read whole, and a mistake in
them is reported with the file, the object and the key, before anything is written."""

import io
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from entities.models import Organisation, ThirdParty
from processing import demo
from processing.demo import files
from processing.demo.files import DemoDataError, read_data_files
from processing.demo.loader import load
from processing.models import ProcessingActivity


@pytest.fixture
def data_dir(tmp_path):
    """A copy of the data files, to break."""
    return shutil.copytree(files.DATA_DIR, tmp_path / "data")


def edit(directory, name, old, new):
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_files_sit_in_the_package_and_give_the_three_registers():
    assert Path(files.__file__).parent / "data" == files.DATA_DIR
    assert sorted(p.name for p in files.DATA_DIR.iterdir()) == [
        "akixi.yaml", "connexai.yaml", "mondago.yaml", "users.yaml"]
    data = read_data_files()
    assert [len(part) for part in data] == [5, 4, 33, 23, 6]
    assert {spec["file"] for spec in data.activities} == {
        "akixi.yaml", "mondago.yaml", "connexai.yaml"}
    cnx05 = data.activities[-1]
    assert (cnx05["reference"], cnx05["organisation"], cnx05["status"]) == (
        "CNX-05", "ConnexAI", "active")
    # every_activity gives the values an activity does not set itself.
    assert cnx05["security_measures"][:2] == ["information-security-policy",
                                              "data-protection-policy"]
    # An alias (*name) gives each activity its own copy of the part.
    mon = [spec for spec in data.activities if spec["file"] == "mondago.yaml"]
    assert mon[0]["retention"] == mon[1]["retention"]
    assert mon[0]["retention"][0] is not mon[1]["retention"][0]


def test_the_image_copies_the_data_files():
    """The Dockerfile copies the tree; .dockerignore must not leave the data files out."""
    root = Path(__file__).resolve().parents[2]
    assert "\nCOPY . .\n" in (root / "Dockerfile").read_text()
    patterns = [line.strip() for line in (root / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    for path in files.DATA_DIR.glob("*.yaml"):
        parts = path.relative_to(root).parts
        prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
        excluded = False
        for pattern in patterns:  # as Docker reads them: the last matching line decides
            glob = re.escape(pattern.lstrip("!").strip("/"))
            regex = glob.replace(r"\*\*", ".*").replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
            if any(re.fullmatch(regex, p) for p in prefixes):
                excluded = not pattern.startswith("!")
        assert not excluded, path


BAD_FILES = [
    ("connexai.yaml", "    kind: processor\n    category: telecoms-carrier\n    country: GB\n"
                      "    address: M3ST", "    category: telecoms-carrier\n    country: GB\n"
                                           "    address: M3ST",
     "connexai.yaml: Third party M3ST Telecoms (ConnexAI): missing key 'kind'"),
    ("connexai.yaml", "  - reference: CNX-05\n", "  - referense: CNX-05\n",
     "connexai.yaml: Activity no. 5: unknown key 'referense' (known keys: reference, name,"),
    ("connexai.yaml", "    data_subjects: [website-visitors]\n",
     "    data_subject: [website-visitors]\n",
     "connexai.yaml: Activity CNX-05 (ConnexAI): unknown key 'data_subject'"),
    ("connexai.yaml", "  - name: UKFast\n    kind: processor", "  - name: UKFast\n    kind: supplier",
     "connexai.yaml: Third party UKFast (ConnexAI), kind: 'supplier' is not one of: "
     "group_company, processor,"),
    ("connexai.yaml", "period: P12M", "period: 12 months",
     "connexai.yaml: Activity CNX-01 (ConnexAI), retention, item 1, period: '12 months'"),
    ("connexai.yaml", 'registration_number: "8814633"', "registration_number: 8814633",
     "connexai.yaml: Organisation ConnexAI, registration_number: expected a text (in quotes"),
    ("mondago.yaml", "every_activity:\n  security_measures:",
     "every_activity:\n  last_reviewed_on: 22/11/2023\n  security_measures:",
     "mondago.yaml: every_activity: unknown key 'last_reviewed_on' (known keys: role, "),
    ("mondago.yaml", "  - third_party: Website hosts\n", "  - third_party: Web hosts\n",
     "mondago.yaml: Activity MON-05 (Mondago Limited), recipients, item 1, third_party: "
     "'Web hosts' is not a third party of Mondago Limited in the demo files"),
    ("akixi.yaml", "        purposes: [*recommend]", "        purposes: [To sell things.]",
     "akixi.yaml: Activity AKX-06 (Akixi Limited), lawful_bases, item 3, purposes: "
     "'To sell things.' is not a purpose of the activity"),
    ("akixi.yaml", "    group_organisation: Mondago Limited\n",
     "    group_organisation: Mondago Ltd\n",
     "akixi.yaml: Third party Mondago Limited (Akixi Limited), group_organisation: "
     "'Mondago Ltd' is not an organisation of the demo files"),
    ("connexai.yaml", "    owner: contributor\n", "    owner: nobody\n",
     "connexai.yaml: Activity CNX-03 (ConnexAI), owner: 'nobody' is not a demo login"),
    ("connexai.yaml", "  - reference: CNX-05\n", "  - reference: CNX-04\n",
     "connexai.yaml: Activity CNX-04 (ConnexAI): appears twice"),
    ("connexai.yaml", "register_of: ConnexAI\n", "register_of: Connex\n",
     "connexai.yaml: register_of: 'Connex' is not an organisation of the demo files"),
    ("connexai.yaml", "register_of: ConnexAI\n", "register_of: [ConnexAI\n",
     "connexai.yaml: not valid YAML"),
    ("connexai.yaml", "every_activity:\n", "every_activity:\n  colour: blue\n",
     "connexai.yaml: every_activity: unknown key 'colour'"),
    ("users.yaml", "      ConnexAI: dpo\n", "      Connex AI: dpo\n",
     "users.yaml: User connexai-dpo, memberships: 'Connex AI' is not an organisation of the "
     "demo files"),
    ("users.yaml", "      ConnexAI: dpo\n", "      ConnexAI: owner\n",
     "users.yaml: User connexai-dpo, memberships, ConnexAI: 'owner' is not one of: dpo,"),
]


@pytest.mark.parametrize(("name", "old", "new", "message"), BAD_FILES)
def test_a_mistake_names_the_file_the_object_and_the_key(data_dir, name, old, new, message):
    edit(data_dir, name, old, new)
    with pytest.raises(DemoDataError, match="^" + re.escape(message)):
        read_data_files(data_dir)


def test_a_data_file_the_demo_does_not_read_is_refused(data_dir):
    shutil.copy(data_dir / "connexai.yaml", data_dir / "acme.yaml")
    with pytest.raises(DemoDataError, match=r"^acme\.yaml: not read: the demo reads akixi\.yaml"):
        read_data_files(data_dir)


@pytest.mark.django_db
@pytest.mark.parametrize(("old", "new", "message"), [
    ("    country: LU\n", "    country: XX\n",
     "connexai.yaml: Third party Amazon Web Services EMEA SARL (ConnexAI), country: no country "
     "with code 'XX' (is the reference data loaded?"),
    ("Zendesk\n        mechanism: UK-US-DATA-BRIDGE\n", "Zendesk\n        mechanism: SCC-2022\n",
     "connexai.yaml: Activity CNX-01 (ConnexAI), transfers, item 1, mechanism: no transfer "
     "mechanism with code 'SCC-2022'"),
    ("    email: compliance@connexone.ng\n    website", "    email: compliance\n    website",
     "connexai.yaml: Organisation ConnexAI, email: Enter a valid email address."),
])
def test_an_unknown_code_or_a_refused_value_stops_the_load_and_writes_nothing(
        data_dir, old, new, message):
    edit(data_dir, "connexai.yaml", old, new)
    data = read_data_files(data_dir)

    with pytest.raises(DemoDataError, match="^" + re.escape(message)):
        load(data)

    assert not Organisation.objects.exists()
    assert not ThirdParty.objects.exists() and not ProcessingActivity.objects.exists()


@pytest.mark.django_db
def test_the_commands_report_a_broken_file_without_a_traceback(data_dir, monkeypatch, settings):
    edit(data_dir, "users.yaml", "  - username: auditor\n", "  - user: auditor\n")
    # The data is read on first use: forget what was read, and read the broken copy.
    for name in ("ORGANISATIONS", "DEMO_USERS"):
        monkeypatch.delattr(demo, name)
    monkeypatch.setattr(files, "DATA_DIR", data_dir)

    expected = r"^users\.yaml: User no\. 6: unknown key 'user'"
    with pytest.raises(CommandError, match=expected):
        call_command("load_demo", force=True, stdout=io.StringIO())
    with pytest.raises(CommandError, match=expected):
        call_command("demo_logins", stdout=io.StringIO())
    assert not Organisation.objects.exists()
