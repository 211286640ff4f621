import io

import pytest
from django.core.management import CommandError, call_command

from processing.findings import register_findings
from processing.models import ProcessingActivity

pytestmark = pytest.mark.django_db


def test_generated_register_has_the_benchmark_shape_and_history():
    call_command("generate_register", activities=40, organisations=4, third_parties=20,
                 stdout=io.StringIO())
    activities = ProcessingActivity.objects.with_register()
    assert activities.count() == 40
    activity = activities.get(reference="SYN-00001")
    assert len(activity.data_categories.all()) == 5
    assert len(activity.data_subjects.all()) == 3
    assert len(activity.recipients.all()) == 3
    assert len(activity.lawful_bases.all()) == 2
    assert len(activity.transfers.all()) == 1
    assert len(activity.retention_rules.all()) == 2
    first = activity.history.get(history_type="+")
    assert first.history_path == "command"
    assert {r.personaldatacategory_id for r in first.data_categories.all()} == {
        c.pk for c in activity.data_categories.all()}
    assert {r.third_party.organisation_id for r in activity.recipients.all()} == {
        activity.organisation_id}
    assert len(register_findings()) == 40
    for generated in activities:  # the shape the services allow: rules name the activity's data
        own = {c.pk for c in generated.data_categories.all()}
        assert {r.data_category_id for r in generated.retention_rules.all()} <= own


def test_same_seed_gives_the_same_register():
    call_command("generate_register", activities=5, organisations=1, third_parties=3, seed=7,
                 stdout=io.StringIO())
    first = [(a.name, a.role) for a in ProcessingActivity.objects.order_by("id")]
    ProcessingActivity.objects.all().delete()
    call_command("generate_register", activities=5, organisations=1, third_parties=3, seed=7,
                 stdout=io.StringIO())
    assert [(a.name, a.role) for a in ProcessingActivity.objects.order_by("id")] == first


def test_impossible_shape_is_refused():
    with pytest.raises(CommandError, match="third-parties"):
        call_command("generate_register", activities=5, organisations=4, third_parties=2)


def test_a_register_written_in_chunks_has_every_activity_whole():
    from processing.synthetic import generate_register

    created = generate_register(activities=7, organisations=2, third_parties=6, chunk=3)
    assert created == {"organisations": 2, "third_parties": 6, "activities": 7}
    activities = ProcessingActivity.objects.with_register().order_by("reference")
    assert [a.reference for a in activities] == [f"SYN-0000{n}" for n in range(1, 8)]
    for activity in activities:  # the last, short chunk as whole as the first
        assert len(activity.data_categories.all()) == 5
        assert len(activity.purposes.all()) == 2
        assert len(activity.retention_rules.all()) == 2
        assert activity.history.get(history_type="+").data_categories.count() == 5


@pytest.mark.parametrize("layout", ["together", "rotation"])
def test_the_layout_places_each_organisations_rows_together_or_in_turn(layout):
    """``together``: an organisation's activities and third parties one after another, in
    runs as even as they divide; ``rotation``: the organisations take turns, row by row."""
    call_command("generate_register", activities=10, organisations=3, third_parties=9,
                 layout=layout, stdout=io.StringIO())
    from entities.models import ThirdParty

    orgs = sorted({a.organisation_id for a in ProcessingActivity.objects.all()})
    owners = [orgs.index(o) for o in ProcessingActivity.objects.order_by("id")
              .values_list("organisation_id", flat=True)]
    parties = [orgs.index(o) for o in ThirdParty.objects.order_by("id")
               .values_list("organisation_id", flat=True)]
    if layout == "together":
        assert owners == [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]
        assert parties == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    else:
        assert owners == [0, 1, 2, 0, 1, 2, 0, 1, 2, 0]
        assert parties == [0, 1, 2] * 3
    # Whatever the layout, each activity names its own organisation's third parties.
    for activity in ProcessingActivity.objects.with_register():
        assert {r.third_party.organisation_id for r in activity.recipients.all()} == {
            activity.organisation_id}


def test_an_unknown_layout_is_refused_before_anything_is_written():
    from processing.synthetic import generate_register

    with pytest.raises(ValueError, match="layout 'diagonal': use together or rotation"):
        generate_register(activities=3, organisations=1, third_parties=3, layout="diagonal")
    assert not ProcessingActivity.objects.exists()
    with pytest.raises(CommandError, match="invalid choice: 'diagonal'"):
        call_command("generate_register", "--activities=3", "--layout=diagonal")
