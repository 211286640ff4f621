import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from processing.exports.ico import HEADER_ROW, ICO_HEADINGS, ICO_LEADING
from processing.exports.registry import export_register
from processing.models import ProcessingActivity
from tests.exports.helpers import flush_register, workbook_content, xlsx_cells
from tests.once import built_once


@pytest.mark.django_db
def test_export_then_import_commands(rich_register, tmp_path):
    target = tmp_path / "register.xlsx"
    call_command("export_register", "--format", "workbook", "-o", str(target),
                 "--organisation", str(rich_register.pk), stderr=io.StringIO())
    assert target.read_bytes().startswith(b"PK")

    out = io.StringIO()
    call_command("import_register", str(target), "--dry-run", stdout=out)
    assert "dry run: nothing written" in out.getvalue()
    assert "Activities: 4 would be unchanged" in out.getvalue()

    flush_register()
    out = io.StringIO()
    call_command("import_register", str(target), stdout=out)
    assert "Activities: 4 were created" in out.getvalue()
    assert ProcessingActivity.objects.count() == 4


@pytest.mark.django_db
def test_import_command_prints_every_problem_and_fails(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"sheets": {"Organisations": [{"Name": "Acme", "Country (ISO)": "ZZ"}]}}))
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_register", str(bad), stderr=err)
    assert failure.value.returncode == 1
    assert "sheet Organisations, row 1, column 'Country (ISO)'" in err.getvalue()
    assert "'ZZ'" in err.getvalue()
    assert "nothing was written" in err.getvalue()


@pytest.mark.django_db
def test_export_command_checks_its_arguments(tmp_path):
    with pytest.raises(CommandError, match="--as-of"):
        call_command("export_register", "--format", "json", "--as-of", "yesterday",
                     "-o", str(tmp_path / "x.json"))
    with pytest.raises(CommandError, match="--organisation"):
        call_command("export_register", "--format", "json", "--organisation", "999999",
                     "-o", str(tmp_path / "x.json"))


def _load_demo():
    from processing.demo import load_demo

    load_demo()


#: The demo register, loaded once for the module; each test starts from it.
_demo = built_once(_load_demo)


@pytest.fixture
def demo(_demo, db):
    pass


def _or_none(value):
    return value or None


def _expected_ico(activity) -> dict:
    """Columns of the ICO row read from the models, independently of the export."""
    return {
        "Business function": _or_none(activity.business_function),
        "Purpose of processing": _or_none("\n".join(p.description for p in activity.purposes.all())),
        "Categories of individuals": _or_none("\n".join(
            sorted(s.name for s in activity.data_subjects.all()))),
        "Categories of personal data": _or_none("\n".join(
            sorted(c.name for c in activity.data_categories.all()))),
        "Article 9 condition for processing special category data": _or_none("\n".join(
            str(c) for c in activity.special_category_conditions.order_by("name"))),
        "The source of the personal data (if applicable)": _or_none(activity.source_of_data),
        "Location of personal data": _or_none(activity.data_location),
        "Link to Data Protection Impact Assessment": _or_none(activity.dpia_link),
        "Link to retention and erasure policy document": _or_none(activity.retention_policy_link),
    }


def test_demo_register_ico_and_cnil_layouts(demo):
    cells = xlsx_cells(export_register("ico-xlsx")[0])
    controller_sheets = [name for name in cells if name.endswith("Controller")]
    assert len(controller_sheets) >= 3
    seen = 0
    for name in controller_sheets:
        rows = cells[name]
        assert rows[HEADER_ROW - 1] == (*ICO_LEADING, *ICO_HEADINGS)
        assert rows[3][0] == "Controller"
        org_name = rows[3][1]
        assert rows[0][0] == f"Controller documentation: {org_name}"
        activities = ProcessingActivity.objects.filter(organisation__name=org_name).exclude(
            status="retired").exclude(role__in=["processor", "sub_processor"]).order_by("reference")
        assert len(rows) - HEADER_ROW == activities.count()
        for row, activity in zip(rows[HEADER_ROW:], activities, strict=True):
            record = dict(zip((*ICO_LEADING, *ICO_HEADINGS), row, strict=True))
            expected = _expected_ico(activity)
            assert {k: record[k] for k in expected} == expected, activity.reference
            assert (record["Reference"], record["Processing activity"]) == (
                activity.reference, activity.name)
            bases = record["Article 6 lawful basis for processing personal data"] or ""
            for use in activity.lawful_bases.all():
                assert str(use.basis) in bases
            if activity.lawful_bases.exists():
                rights = record["Rights available to individuals"]
                assert rights.startswith("Art 6(1)(") and "Right to be informed" in rights
            seen += 1
    assert seen > 5

    cnil = xlsx_cells(export_register("cnil-xlsx")[0])
    fiches = [name for name in cnil if name.startswith("Fiche")]
    assert len(fiches) == ProcessingActivity.objects.exclude(status="retired").count()
    for name in fiches:
        assert cnil[name][0][0].startswith("Fiche de registre : ")
        assert cnil[name][4][:2] == ("N° / REF", name.removeprefix("Fiche "))


def test_demo_register_round_trips(demo):
    first, _ = export_register("workbook")
    flush_register()
    from processing.imports import import_workbook

    import_workbook(first, "demo.xlsx")
    again, _ = export_register("workbook")
    assert workbook_content(again, "workbook") == workbook_content(first, "workbook")
