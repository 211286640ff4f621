"""Versions follow the register: a new one only when the notice's text changes; the DPO's
own template is compiled before it is kept, and its error is named."""

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from entities.models import Organisation
from notices.drafting import draft_notice
from notices.models import NoticeSettings, PrivacyNotice
from notices.services import generate_notice
from processing import services
from processing.models import ProcessingActivity
from processing.register import read_register
from tests.exports.conftest import build_rich_register
from tests.factories import UserFactory

from .helpers import text_of


@pytest.fixture
def organisation(db):
    return build_rich_register()


def _activity(organisation, reference):
    return ProcessingActivity.objects.get(organisation=organisation, reference=reference)


def test_versions_increment_only_when_the_register_changes(organisation):
    user = UserFactory(username="dpo")
    first = generate_notice(organisation_id=organisation.pk, user=user)
    assert (first.created, first.version.version, first.version.created_by) == (True, 1, user)
    assert first.version.digest == hashlib.sha256(first.markdown.encode()).hexdigest()

    again = generate_notice(organisation_id=organisation.pk)
    assert (again.created, again.version.pk) == (False, first.version.pk)

    # A draft's change is not what people are told.
    draft = _activity(organisation, "PA-002")
    services.activity_update(activity=draft, name="Occupational health (renamed)", user=user)
    assert generate_notice(organisation_id=organisation.pk).version.pk == first.version.pk

    # An active activity's purpose is.
    active = _activity(organisation, "PA-001")
    services.purpose_add(activity=active, description="Invitations to our user conference",
                         user=user)
    second = generate_notice(organisation_id=organisation.pk, user=user)
    assert (second.created, second.version.version) == (True, 2)
    assert "Invitations to our user conference" in second.markdown
    assert "Invitations to our user conference" not in first.markdown
    assert list(PrivacyNotice.objects.filter(organisation=organisation)
                .values_list("version", flat=True)) == [2, 1]

    # Retiring it takes it out of the notice: a third version.
    services.activity_transition(activity=active, action="retire", user=user)
    third = generate_notice(organisation_id=organisation.pk)
    assert third.version.version == 3 and "Joint marketing with Akixi" not in third.markdown


def test_a_notice_as_of_a_moment_reflects_the_register_then(organisation):
    before = timezone.now()
    active = _activity(organisation, "PA-001")
    services.purpose_add(activity=active, description="A purpose added later")
    then = generate_notice(organisation_id=organisation.pk, as_of=before)
    assert "A purpose added later" not in then.markdown
    assert then.version.register_as_of == before
    now = generate_notice(organisation_id=organisation.pk)
    assert "A purpose added later" in now.markdown
    assert now.version.version == then.version.version + 1


def test_drafting_reads_a_fixed_number_of_queries(organisation, django_assert_num_queries):
    draft_notice(organisation.pk)  # the reference terms' query is built once per process
    with django_assert_num_queries(14) as counted:
        notice = draft_notice(organisation.pk)
    assert [s.reference for s in notice.sections] == ["PA-001", "PA-003"]
    active = _activity(organisation, "PA-001")
    for n in range(5):
        services.purpose_add(activity=active, description=f"Purpose {n}")
    with django_assert_num_queries(len(counted.captured_queries)):
        draft_notice(organisation.pk)


def test_the_notice_names_contacts_and_the_ico(organisation):
    notice = draft_notice(organisation.pk)
    assert notice.dpo.name == "Dana Officer" and "dpo@mondago.com" in notice.dpo.details
    assert notice.representative.name == "EU Rep GmbH"
    text = generate_notice(organisation_id=organisation.pk).markdown
    for said in ("Dana Officer", "EU Rep GmbH", "Information Commissioner's Office",
                 "ZA073957", "04567890", "Enterprise House, Reading RG1 1AA, United Kingdom"):
        assert said in text
    assert "Occupational health" not in text and "Old payroll" not in text


def test_a_template_that_does_not_compile_is_refused_naming_the_error(organisation):
    settings = NoticeSettings(
        organisation=organisation,
        markdown_template="# Notice\n\n{% for s in notice.sections %}\n- {{ s.name }}\n",
        html_template="<p>{{ notice.name|nosuchfilter }}</p>")
    with pytest.raises(ValidationError) as refused:
        settings.full_clean()
    errors = refused.value.message_dict
    assert "Unclosed tag on line 3: 'for'" in errors["markdown_template"][0]
    assert "Line 1" in errors["html_template"][0]
    assert "nosuchfilter" in errors["html_template"][0]
    assert not NoticeSettings.objects.exists()


def test_the_organisations_own_template_words_every_format(organisation):
    settings = NoticeSettings(
        organisation=organisation,
        markdown_template='{% extends "notices/notice.md" %}{% block complaint %}## Complaints\n\n'
                          "Write to our DPO first & we will answer within a month.{% endblock %}",
        html_template='{% extends "notices/notice.html" %}{% block complaint %}<h2>Complaints'
                      "</h2><p>Write to our DPO first &amp; we will answer within a month."
                      "</p>{% endblock %}")
    settings.full_clean()
    settings.save()
    generated = generate_notice(organisation_id=organisation.pk)
    assert "first & we will answer" in generated.markdown
    assert "Information Commissioner" not in generated.markdown
    for fmt in ("html", "pdf"):
        assert "first&wewillanswer" in text_of(generated.render(fmt), fmt)


def test_the_command_writes_each_format(organisation, tmp_path):
    for fmt in ("md", "html", "pdf"):
        out = tmp_path / f"notice.{fmt}"
        call_command("privacy_notice", "--organisation", str(organisation.pk), "--format", fmt,
                     "-o", str(out))
        assert "JointmarketingwithAkixi" in text_of(out.read_bytes(), fmt)
    assert PrivacyNotice.objects.filter(organisation=organisation).count() == 1


def test_the_command_names_what_is_wrong(organisation, tmp_path):
    missing = Organisation.objects.order_by("-pk").first().pk + 1
    with pytest.raises(CommandError, match=f"No organisation with id {missing}"):
        call_command("privacy_notice", "--organisation", str(missing), "--format", "md",
                     "-o", str(tmp_path / "x.md"))
    long_ago = (timezone.localdate() - datetime.timedelta(days=3650)).isoformat()
    with pytest.raises(CommandError, match=f"as of {long_ago}"):
        call_command("privacy_notice", "--organisation", str(organisation.pk), "--format", "md",
                     "--as-of", long_ago, "-o", str(tmp_path / "x.md"))
    with pytest.raises(CommandError, match="--as-of"):
        call_command("privacy_notice", "--organisation", str(organisation.pk), "--format", "md",
                     "--as-of", "yesterday-ish", "-o", str(tmp_path / "x.md"))
    assert not (tmp_path / "x.md").exists()
    assert not PrivacyNotice.objects.exists()


def test_special_category_conditions_and_automated_decisions_once_approved(organisation):
    hr = _activity(organisation, "PA-002")
    assert "PA-002" not in [s.reference for s in draft_notice(organisation.pk).sections]
    services.activity_transition(activity=hr, action="submit")
    services.activity_transition(activity=hr, action="approve",
                                 override_reason="Its gaps are tracked in the audit plan")
    marketing = _activity(organisation, "PA-001")
    services.activity_update(activity=marketing, automated_decision_making=True,
                             automated_decision_legal_effect=True,
                             automated_decision_description="Leads are scored for follow-up",
                             automated_decision_safeguards="A person reviews every score")
    generated = generate_notice(organisation_id=organisation.pk)
    text = generated.markdown
    (section,) = [s for s in generated.notice.sections if s.reference == "PA-002"]
    (record,) = [a for o in read_register(organisation_ids=[organisation.pk]).organisations
                 for a in o.activities if a.reference == "PA-002"]
    labels = [c.label for c in (*record.special_category_conditions,
                                *record.schedule1_conditions)]
    assert len(labels) == 2 and section.special_conditions == labels
    for label in labels:
        assert label in text
    for term in record.special_data:
        assert f"{term.name} (special category data)" in text
    assert record.retention_rules[0].describe() in text
    assert ("Automated decision-making: Decisions are made by automated means, including "
            "profiling, with legal or similarly significant effects on you; Leads are scored "
            "for follow-up; A person reviews every score") in text
    assert "Rights in relation to automated decision making and profiling" in text
    for fmt in ("html", "pdf"):
        assert "Leadsarescoredforfollow-up" in text_of(generated.render(fmt), fmt)
