"""Whole-register work (every export format, the workbook import, the reports) runs with
what was alive before it left out of the garbage collector's passes (ropa.collector), and
leaves the collector as it found it."""

from __future__ import annotations

import gc
import weakref

import pytest

from processing.exports.registry import FORMATS, export_register
from processing.imports import workbook as workbook_import
from processing.register import batches, read_register
from reports import services
from reports.kinds import BUILDERS
from ropa.collector import FULL_PASSES_APART, alive_left_out, settled
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


def test_full_passes_are_further_apart_inside_and_as_they_were_after(unfrozen):
    before = gc.get_threshold()
    with alive_left_out():
        inside = gc.get_threshold()
    assert inside[:2] == before[:2]
    assert inside[2] == before[2] * FULL_PASSES_APART > before[2]
    assert gc.get_threshold() == before


def test_a_process_that_froze_its_objects_keeps_them_frozen(unfrozen):
    gc.freeze()
    frozen = gc.get_freeze_count()
    with alive_left_out():
        pass
    assert 0 < gc.get_freeze_count() <= frozen


class _Node:
    """An object the collector tracks, that can be made part of a cycle."""

    def __init__(self):
        self.other = None


def test_settled_collects_the_cycles_left_behind_and_freezes_what_is_kept(unfrozen):
    with alive_left_out():
        at_entry = gc.get_freeze_count()
        kept = [_Node() for _ in range(100)]
        left = _Node()
        left.other = _Node()
        left.other.other = left  # a cycle, unreachable once let go of
        gone = weakref.ref(left)
        del left
        settled()
        assert gone() is None  # collected, not frozen alive
        assert gc.get_freeze_count() >= at_entry + len(kept)
        walked = {id(o) for generation in range(3) for o in gc.get_objects(generation)}
        assert all(gc.is_tracked(node) and id(node) not in walked for node in kept)
    assert gc.get_freeze_count() == 0


def test_settled_does_nothing_outside_a_freeze_of_the_works_own(unfrozen):
    settled()
    assert gc.get_freeze_count() == 0
    gc.freeze()  # the process's own (a preforking server's)
    frozen = gc.get_freeze_count()
    with alive_left_out():
        kept = [_Node() for _ in range(100)]  # noqa: F841
        settled()
        assert gc.get_freeze_count() == frozen


@pytest.mark.django_db
def test_a_register_read_in_batches_settles_the_collector_after_each(unfrozen, monkeypatch):
    for _ in range(3):
        ActivityFactory()  # three organisations: a batch each
    seen = _seen_frozen(monkeypatch, batches.OrganisationBatches, "read")
    kept = []
    with alive_left_out():
        for organisation in read_register(batch_activities=1).organisations:
            kept.append(organisation)  # what a layout keeps, frozen after its batch
    assert len(seen) == 3
    assert seen[0] < seen[1] < seen[2]
    assert gc.get_freeze_count() == 0


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
