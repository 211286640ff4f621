import pytest

from entities.models import Organisation
from processing.exports.registry import export_register
from processing.imports import import_workbook
from processing.models import ProcessingActivity
from tests.exports.helpers import flush_register, workbook_content


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["workbook", "csv", "ods", "json"])
def test_export_import_into_empty_register_export_again_is_identical(rich_register, fmt):
    first, layout = export_register(fmt)
    flush_register()
    assert not Organisation.objects.exists()

    summary = import_workbook(first, f"register.{layout.extension}")

    assert summary.counts["Activities"]["created"] == 4
    assert ProcessingActivity.objects.count() == 4
    again, _ = export_register(fmt)
    assert workbook_content(again, fmt) == workbook_content(first, fmt)


@pytest.mark.django_db
def test_reimporting_the_same_workbook_changes_nothing(rich_register):
    content, _ = export_register("workbook")
    versions = dict(ProcessingActivity.objects.values_list("reference", "version"))

    summary = import_workbook(content, "register.xlsx")

    assert summary.counts["Activities"] == {"unchanged": 4}
    assert summary.counts["LawfulBases"] == {"unchanged": 3}
    assert dict(ProcessingActivity.objects.values_list("reference", "version")) == versions
