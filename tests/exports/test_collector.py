"""Whole-register work (every export format, the workbook import, the reports) runs with
what was alive before it left out of the garbage collector's passes (ropa.collector), and
leaves the collector as it found it."""

from __future__ import annotations

import gc

import pytest

from processing.exports.registry import FORMATS, export_register
from processing.imports import workbook as workbook_import
from processing.register import batches
from reports import services
from reports.kinds import BUILDERS
from ropa.collector import alive_left_out
from tests.factories import ActivityFactory, LawfulBasisUseFactory, UserFactory


@pytest.fixture
def unfrozen():
    """A process with nothing frozen (one that imported ropa.wsgi froze its start-up
    objects), given back as it was."""
    frozen_by_the_process = gc.get_freeze_count() > 0
    gc.unfreeze()
    yield
    gc.unfreeze()
    if frozen_by_the_process:
        gc.freeze()


def test_what_is_alive_on_entry_is_frozen_inside_and_unfrozen_after(unfrozen):
    before = object()  # noqa: F841 (alive on entry)
    with alive_left_out():
        inside = gc.get_freeze_count()
        with alive_left_out():  # nested: nothing more frozen, nothing unfrozen
            assert gc.get_freeze_count() == inside
        assert gc.get_freeze_count() == inside > 0
    assert gc.get_freeze_count() == 0


def test_a_process_that_froze_its_objects_keeps_them_frozen(unfrozen):
    gc.freeze()
    frozen = gc.get_freeze_count()
    with alive_left_out():
        pass
    assert 0 < gc.get_freeze_count() <= frozen


def _seen_frozen(monkeypatch, owner, name) -> list[int]:
    """The freeze count each time ``owner.name`` is called."""
    seen, original = [], getattr(owner, name)

    def watched(*args, **kwargs):
        seen.append(gc.get_freeze_count())
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, watched)
    return seen


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_export_reads_the_register_with_what_was_alive_frozen(fmt, unfrozen, monkeypatch):
    LawfulBasisUseFactory(activity=ActivityFactory())
    seen = _seen_frozen(monkeypatch, batches.OrganisationBatches, "read")
    content, _layout = export_register(fmt)
    assert content and seen and all(count > 0 for count in seen)
    assert gc.get_freeze_count() == 0


@pytest.mark.django_db
def test_the_workbook_import_runs_with_what_was_alive_frozen(unfrozen, monkeypatch):
    LawfulBasisUseFactory(activity=ActivityFactory())
    content, _layout = export_register("workbook")
    seen = _seen_frozen(monkeypatch, workbook_import, "_import")
    workbook_import.import_workbook(content, "register.xlsx", user=UserFactory(),
                                    dry_run=True)
    assert seen and all(count > 0 for count in seen)
    assert gc.get_freeze_count() == 0


@pytest.mark.django_db
def test_a_report_is_built_with_what_was_alive_frozen(unfrozen, monkeypatch, settings,
                                                       tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    LawfulBasisUseFactory(activity=ActivityFactory())
    seen = []
    build = BUILDERS["health"]

    def watched(report, previous):
        seen.append(gc.get_freeze_count())
        return build(report, previous)

    monkeypatch.setitem(BUILDERS, "health", watched)
    report, _ = services.report_request(kind="health")
    assert services.report_generate(report_id=report.pk).status == "done"
    assert seen and all(count > 0 for count in seen)
    assert gc.get_freeze_count() == 0
