"""The notice of each demo organisation says what its active activities hold, and nothing
of a draft or retired one; its HTML, Markdown and PDF say the same."""

import pytest

from entities.models import Organisation
from notices.drafting import ICO, draft_notice, one_line
from notices.services import generate_notice
from processing import services
from processing.exports.ico import mechanism_label
from processing.models import ActivityStatus, ProcessingActivity
from processing.register import read_register

from .helpers import expected_in, markdown_lines, text_of

FORMATS = ("md", "html", "pdf")


def _set_aside_two(organisation, user) -> set[int]:
    """Retire the organisation's first activity and send its second back to draft."""
    activities = list(ProcessingActivity.objects.filter(organisation=organisation)
                      .order_by("reference"))[:-1][:2]  # one at least stays active
    actions = ["retire", "return_to_draft"][:len(activities)]
    for activity, action in zip(activities, actions, strict=True):
        services.activity_transition(activity=activity, action=action, user=user)
    return {a.pk for a in activities}


def _items(activity) -> list[str]:
    """What the notice must say of an activity: every purpose, recipient (named, or its
    category), transfer destination with its mechanism, and retention period."""
    items = [one_line(p.description) for p in activity.purposes]
    items += [r.name for r in activity.recipients]
    for transfer in activity.transfers:
        items.append(transfer.destination_label)
        if transfer.mechanism:
            items.append(mechanism_label(transfer))
    items += [one_line(rule.describe()) for rule in activity.retention_rules]
    # ... and its lawful bases with their legitimate interests, its Art 9 / Sch. 1
    # conditions, its data and where the data comes from.
    items += [u.basis.label for u in activity.lawful_bases]
    items += [one_line(u.legitimate_interest) for u in activity.lawful_bases]
    items += [c.label for c in (*activity.special_category_conditions,
                                *activity.schedule1_conditions)]
    items += [c.name for c in activity.data_categories]
    items.append(one_line(activity.source_of_data))
    return [i for i in items if i]


def test_each_demo_notice_says_what_the_active_register_holds(loader):
    organisations = list(Organisation.objects.filter(activities__isnull=False).distinct()
                         .order_by("name"))
    assert len(organisations) >= 3
    for organisation in organisations:
        set_aside = _set_aside_two(organisation, loader)
        register = read_register(organisation_ids=[organisation.pk], include_retired=True)
        activities = [a for org in register.organisations for a in org.activities]
        active = [a for a in activities if a.status == ActivityStatus.ACTIVE]
        others = [a for a in activities if a.status != ActivityStatus.ACTIVE]
        assert active and {a.id for a in others} == set_aside

        generated = generate_notice(organisation_id=organisation.pk, user=loader)
        texts = {fmt: text_of(generated.render(fmt), fmt) for fmt in FORMATS}
        for fmt, text in texts.items():
            assert expected_in(organisation.name, fmt) in text
            for activity in active:
                assert expected_in(activity.name, fmt) in text, (fmt, activity.name)
                if activity.automated_decision_making:
                    assert expected_in("Automated decision-making", fmt) in text
                for item in _items(activity):
                    assert expected_in(item, fmt) in text, (fmt, activity.reference, item)
            said = {i for a in active for i in [a.name, *_items(a)]}
            for activity in others:
                assert expected_in(activity.name, fmt) not in text, (fmt, activity.name)
                for item in set(_items(activity)) - said:
                    if not any(item in s for s in said):
                        assert expected_in(item, fmt) not in text, (fmt, activity.name, item)


def test_the_three_formats_carry_the_same_lines(loader):
    for organisation in Organisation.objects.order_by("name"):
        generated = generate_notice(organisation_id=organisation.pk)
        lines = markdown_lines(generated.markdown)
        # The country follows the address once, even where the address names it already.
        assert generated.notice.address.count("United Kingdom") <= 1
        assert len(lines) >= 8
        for fmt in ("html", "pdf"):
            text = text_of(generated.render(fmt), fmt)
            missing = [line for line in lines if expected_in(line, fmt) not in text]
            assert missing == [], fmt


def test_who_we_are_contacts_bases_rights_and_complaint(loader):
    organisation = Organisation.objects.filter(jurisdiction="uk", activities__isnull=False).first()
    notice = draft_notice(organisation.pk)
    register = read_register(organisation_ids=[organisation.pk], status=ActivityStatus.ACTIVE)
    (records,) = list(register.organisations)
    assert notice.supervisory_authority == ICO
    assert [s.reference for s in notice.sections] == [a.reference for a in records.activities]
    if records.dpo:
        assert notice.dpo.name == records.dpo.name
    for section, activity in zip(notice.sections, records.activities, strict=True):
        assert [b.label for b in section.bases] == [u.basis.label for u in activity.lawful_bases]
        for basis, use in zip(section.bases, activity.lawful_bases, strict=True):
            if use.legitimate_interest:
                assert one_line(use.legitimate_interest) in basis.legitimate_interest
        assert section.processor == activity.is_processor_record
        if activity.lawful_bases:
            assert all("Right to be informed" in line
                       for line in section.rights[:len(section.bases)])
        else:
            assert section.processor and not section.rights
    other = Organisation.objects.exclude(jurisdiction="uk").first()
    assert "local supervisory authority" in draft_notice(other.pk).supervisory_authority


@pytest.mark.parametrize("jurisdiction", ["eu", "other"])
def test_the_authority_the_dpo_names_is_the_one_given(loader, jurisdiction):
    from notices.models import NoticeSettings

    organisation = Organisation.objects.order_by("name").first()
    Organisation.objects.filter(pk=organisation.pk).update(jurisdiction=jurisdiction)
    notice = draft_notice(organisation.pk)
    assert "supervisory authority" in notice.supervisory_authority
    NoticeSettings.objects.create(organisation=organisation,
                                  supervisory_authority="CNIL\n3 place de Fontenoy, Paris")
    assert draft_notice(organisation.pk).supervisory_authority == "CNIL, 3 place de Fontenoy, Paris"
