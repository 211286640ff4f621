"""The import checks and writes a chunk of activities at a time, in one transaction: what
it holds at once is bounded by the chunk, its queries grow by the same number per chunk,
and a problem in a later chunk still leaves nothing written."""

import gc
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from entities.models import Organisation, Person, ThirdParty
from processing.exports.registry import export_register
from processing.imports import ImportFailed, import_workbook
from processing.imports import workbook as importer
from processing.imports.keys import KeySet
from processing.models import ActivityLawfulBasis, ProcessingActivity, Purpose, RetentionRule
from tests.exports.helpers import flush_register, workbook_content
from tests.exports.test_import_bulk import register_workbook

pytestmark = pytest.mark.django_db

PART_SHEETS = ("Purposes", "LawfulBases", "Recipients", "Transfers", "Retention")


def edited(content: bytes, **changes) -> bytes:
    """The JSON workbook ``content`` with ``changes``: sheet -> function of its rows."""
    book = json.loads(content)
    for sheet, change in changes.items():
        book["sheets"][sheet] = change(book["sheets"][sheet])
    return json.dumps(book).encode()


def inserts(captured, table: str) -> int:
    return sum(1 for q in captured.captured_queries
               if q["sql"].startswith(f'INSERT INTO "{table}"'))


def nothing_written():
    assert not ProcessingActivity.objects.exists()
    assert not Organisation.objects.exists()
    assert not ThirdParty.objects.exists()
    assert not Person.objects.exists()
    assert not ProcessingActivity.history.exists()
    assert not Organisation.history.exists()


@pytest.fixture
def held(monkeypatch):
    """The rows the import holds as each chunk is written: sheet -> count, per chunk."""
    seen = []
    write = importer._Importer.write_chunk

    def spy(self, kw, *, first):
        seen.append({name: len(rows) for name, rows in self.rows.items()})
        return write(self, kw, first=first)

    monkeypatch.setattr(importer._Importer, "write_chunk", spy)
    return seen


def test_the_chunk_size_is_honoured_and_the_rows_held_are_a_chunks(held):
    with CaptureQueriesContext(connection) as captured:
        summary = import_workbook(register_workbook(7), "register.json", chunk=2)

    assert summary.counts["Activities"] == {"created": 7}
    assert summary.counts["Purposes"] == {"created": 14}
    assert ProcessingActivity.objects.count() == 7
    # One bulk write of activities per chunk of 2: 2, 2, 2, 1.
    assert inserts(captured, "processing_processingactivity") == 4
    assert [chunk["Activities"] for chunk in held] == [2, 2, 2, 1]
    # Each chunk holds the rows of its own activities' parts, and no others.
    assert [chunk["Purposes"] for chunk in held] == [4, 4, 4, 2]
    assert [chunk["Recipients"] for chunk in held] == [4, 4, 4, 2]
    assert [chunk["Retention"] for chunk in held] == [2, 2, 2, 1]
    # The organisations, contacts and third parties are let go after the first chunk.
    assert held[0]["ThirdParties"] == 2
    assert {chunk["ThirdParties"] for chunk in held[1:]} == {0}


def test_chunks_write_what_one_chunk_writes():
    content = register_workbook(5)
    import_workbook(content, "register.json", chunk=1000)
    whole = workbook_content(export_register("json")[0], "json")
    flush_register()

    import_workbook(content, "register.json", chunk=2)

    assert workbook_content(export_register("json")[0], "json") == whole


def chunk_queries(n: int, org: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        import_workbook(register_workbook(n, org=org), "register.json", chunk=2)
    return len(captured)


def test_every_chunk_costs_the_same_queries():
    two, three, four = (chunk_queries(n, org) for n, org in
                        ((4, "Two Ltd"), (6, "Three Ltd"), (8, "Four Ltd")))

    assert four - three == three - two
    assert three - two < 40


def test_a_bad_cell_in_a_later_chunk_leaves_nothing_written():
    def bad_fifth(rows):
        rows[4]["Data categories"] = ["identity", "no-such-category"]
        return rows

    with pytest.raises(ImportFailed) as failure:
        import_workbook(edited(register_workbook(6), Activities=bad_fifth), "register.json",
                        chunk=2)

    assert [(e.sheet, e.row, e.column, e.value) for e in failure.value.errors] == [
        ("Activities", 5, "Data categories", ["identity", "no-such-category"])]
    assert "Unknown data category code 'no-such-category'." in str(failure.value)
    nothing_written()


def test_a_bad_part_in_the_last_chunk_leaves_nothing_written():
    def bad_last(rows):
        rows[-1]["Lawful basis"] = "A6-9-z"
        return rows

    with pytest.raises(ImportFailed) as failure:
        import_workbook(edited(register_workbook(6), LawfulBases=bad_last), "register.json",
                        chunk=2)

    assert [(e.sheet, e.row, e.column, e.value) for e in failure.value.errors] == [
        ("LawfulBases", 12, "Lawful basis", "A6-9-z")]
    nothing_written()


def test_a_refusal_by_the_models_in_a_later_chunk_leaves_nothing_written(held):
    def bad_sixth(rows):
        rows[5]["DPIA link"] = "not a link"
        return rows

    with pytest.raises(ImportFailed) as failure:
        import_workbook(edited(register_workbook(6), Activities=bad_sixth), "register.json",
                        chunk=2)

    assert [(e.sheet, e.row, e.column, e.value) for e in failure.value.errors] == [
        ("Activities", 6, "DPIA link", "not a link")]
    assert len(held) == 3  # the first two chunks were written, then rolled back
    nothing_written()


def test_a_later_chunk_problem_is_reported_with_the_problems_of_the_first():
    def bad(rows):
        rows[0]["Role"] = "boss"
        rows[5]["Status"] = "gone"
        return rows

    with pytest.raises(ImportFailed) as failure:
        import_workbook(edited(register_workbook(6), Activities=bad), "register.json", chunk=2)

    assert [(e.sheet, e.row, e.column, e.value) for e in failure.value.errors] == [
        ("Activities", 1, "Role", "boss"), ("Activities", 6, "Status", "gone")]
    nothing_written()


def test_parts_listed_in_another_order_than_their_activities_are_all_written(held):
    def reversed_rows(rows):
        return rows[::-1]

    summary = import_workbook(
        edited(register_workbook(6), Purposes=reversed_rows, Retention=reversed_rows),
        "register.json", chunk=2)

    assert summary.counts["Activities"] == {"created": 6}
    assert summary.counts["Purposes"] == {"created": 12}
    assert Purpose.objects.count() == 12
    assert RetentionRule.objects.count() == 6
    assert ProcessingActivity.objects.count() == 6
    assert ActivityLawfulBasis.objects.count() == 12
    for activity in ProcessingActivity.objects.all():
        number = int(activity.reference[3:])
        assert [p.description for p in activity.purposes.all()] == [
            f"Serve customers {number}", "Report"]
    # The chunks written first were rolled back, and the workbook written as one chunk.
    assert held[-1]["Activities"] == 6
    assert ProcessingActivity.history.count() == 6


def test_an_xlsx_workbook_is_read_a_chunk_at_a_time(held):
    import_workbook(register_workbook(5), "register.json")
    content = export_register("workbook")[0]
    whole = workbook_content(export_register("json")[0], "json")
    flush_register()
    held.clear()

    summary = import_workbook(content, "register.xlsx", chunk=2)

    assert summary.kind == "xlsx"
    assert [chunk["Activities"] for chunk in held] == [2, 2, 1]
    assert [chunk["LawfulBases"] for chunk in held] == [4, 4, 2]
    assert workbook_content(export_register("json")[0], "json") == whole


def test_a_reimport_in_chunks_writes_only_the_changed_activities():
    content = register_workbook(6)
    import_workbook(content, "register.json", chunk=2)
    before = ProcessingActivity.history.count()

    unchanged = import_workbook(content, "register.json", chunk=2)

    assert unchanged.counts["Activities"] == {"unchanged": 6}
    assert ProcessingActivity.history.count() == before

    def renamed(rows):
        rows[1]["Name"] = "Renamed 2"
        rows[4]["Name"] = "Renamed 5"
        return rows

    changed = import_workbook(edited(content, Activities=renamed), "register.json", chunk=2)

    assert changed.counts["Activities"] == {"updated": 2, "unchanged": 4}
    assert ProcessingActivity.history.count() == before + 2
    assert set(ProcessingActivity.objects.filter(name__startswith="Renamed")
               .values_list("reference", flat=True)) == {"PA-002", "PA-005"}


def test_the_chunk_setting_is_read(settings, held):
    settings.ROPA_IMPORT_CHUNK = 3

    import_workbook(register_workbook(7), "register.json")

    assert [chunk["Activities"] for chunk in held] == [3, 3, 1]


def objects_held(root) -> int:
    """The objects ``root`` keeps alive through its attributes and items (types left out)."""
    seen, todo = {id(root)}, [root]
    while todo:
        for obj in gc.get_referents(todo.pop()):
            if id(obj) not in seen and not isinstance(obj, type):
                seen.add(id(obj))
                todo.append(obj)
    return len(seen)


def held_keys(monkeypatch, n: int, org: str) -> int:
    """The objects the keys of the activities checked hold at the end of an import of ``n``."""
    importers = []
    write = importer._Importer.write_chunk

    def spy(self, kw, *, first):
        importers.append(self)
        return write(self, kw, first=first)

    monkeypatch.setattr(importer._Importer, "write_chunk", spy)
    import_workbook(register_workbook(n, org=org), "register.json", chunk=2)
    keys = importers[-1].activity_keys
    assert (org, "PA-001") in keys and (org, f"PA-{n:03d}") in keys
    assert (org, f"PA-{n + 1:03d}") not in keys
    return objects_held(keys)


def test_the_keys_kept_to_the_end_hold_no_object_per_activity(monkeypatch):
    # Every activity's key is kept to the end (a reference given twice is refused across
    # chunks), in flat buffers: no tuple or string per activity kept alive.
    assert held_keys(monkeypatch, 2, "Two Ltd") == held_keys(monkeypatch, 9, "Nine Ltd")


def test_the_key_set_is_exact():
    keys = KeySet()
    keys |= {("Acme", "PA-1"), ("Acme", None), ("Acme ", "PA-1")}
    for n in range(500):  # past the first tables
        keys.add(("Beta", f"PA-{n}"))
    keys.add(("Acme", "PA-1"))

    assert len(keys) == 503
    assert ("Acme", "PA-1") in keys and ("Acme", None) in keys and ("Acme ", "PA-1") in keys
    assert ("Acme", "PA-2") not in keys and ("Acme", "") not in keys
    assert ("Beta", "PA-499") in keys and ("Beta", "PA-500") not in keys


class Reads(io.BytesIO):
    """A binary file that records the bytes each read gave."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.sizes = []

    def read(self, size=-1, /):
        data = super().read(size)
        self.sizes.append(len(data))
        return data


def test_an_xlsx_workbook_given_as_a_file_is_read_as_the_rows_are_asked_for(held):
    import_workbook(register_workbook(5), "register.json")
    content = export_register("workbook")[0]
    whole = workbook_content(export_register("json")[0], "json")
    flush_register()
    held.clear()
    source = Reads(content)

    summary = import_workbook(source, "register.xlsx", chunk=2)

    assert summary.kind == "xlsx"
    assert [chunk["Activities"] for chunk in held] == [2, 2, 1]
    assert workbook_content(export_register("json")[0], "json") == whole
    # Never the whole file at once: each read gives a part of it.
    assert source.sizes and max(source.sizes) < len(content)


def test_a_workbook_file_listed_out_of_order_is_read_again_from_its_start(held):
    def reversed_rows(rows):
        return rows[::-1]

    source = Reads(edited(register_workbook(6), Purposes=reversed_rows))
    summary = import_workbook(source, "register.json", chunk=2)

    assert summary.counts["Activities"] == {"created": 6}
    assert Purpose.objects.count() == 12
    assert held[-1]["Activities"] == 6
