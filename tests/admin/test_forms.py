"""The activity form: errors that name the field, the stale-form guard, history."""

import pytest
from django.urls import reverse

from processing import services
from processing.models import ProcessingActivity
from tests.admin.conftest import add_part, change_url, form_data
from tests.factories import ThirdPartyFactory, UserFactory, basis, data_category

ADD = reverse("admin:processing_processingactivity_add")


def summary(response):
    return [(e["label"], str(e["message"])) for e in response.context["error_summary"]]


@pytest.mark.django_db
def test_bad_retention_period_names_the_part_and_field_and_keeps_the_input(client, org_a, dpo_a):
    client.force_login(dpo_a)
    data = form_data(client.get(ADD))
    data.update(organisation=str(org_a.pk), name="Call recording", role="controller")
    data["data_categories"] = [str(data_category("audio-recordings").pk)]
    add_part(data, "retention_rules", period="12 months", trigger="call_date")
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert not ProcessingActivity.objects.filter(name="Call recording").exists()
    [(label, message)] = summary(response)
    assert label == "Retention rule 1 – Period"
    assert "'12 months' is not an ISO 8601 duration" in message and "P12M" in message
    # What the user typed is still there.
    content = response.content.decode()
    assert 'value="Call recording"' in content and 'value="12 months"' in content


@pytest.mark.django_db
def test_reference_clash_and_foreign_recipient_say_how_to_fix(client, org_a, org_b, dpo_a,
                                                              activity_a):
    foreign = ThirdPartyFactory(organisation=org_b, name="Mondago hosting")
    client.force_login(dpo_a)
    data = form_data(client.get(ADD))
    data.update(organisation=str(org_a.pk), name="Another", reference="PA-001", role="controller")
    add_part(data, "recipients", third_party=str(foreign.pk))
    response = client.post(ADD, data)
    errors = dict(summary(response))
    # The other organisation's recipient is not even a valid choice for this user.
    assert "Recipient 1 – Recipient" in errors
    # Once the form is valid, the service refuses the reference and says how to fix it.
    data["recipients-0-third_party"] = ""
    data["recipients-0-purpose"] = "Support tooling"
    data["recipients-TOTAL_FORMS"] = "0"
    response = client.post(ADD, data)
    assert response.status_code == 200
    errors = dict(summary(response))
    assert "PA-001 is already used in the register of Akixi Limited" in errors["Reference"]
    assert "leave it empty to get PA-002" in errors["Reference"]
    assert not ProcessingActivity.objects.filter(name="Another").exists()


@pytest.mark.django_db
def test_lawful_basis_scope_outside_the_activity_data(client, dpo_a, activity_a):
    client.force_login(dpo_a)
    data = form_data(client.get(change_url(activity_a)))
    add_part(data, "lawful_bases", basis=str(basis("A6-1-a").pk),
             consent_record_link="https://consent.example.com",
             data_categories=[str(data_category("health").pk)])
    response = client.post(change_url(activity_a), data)
    errors = dict(summary(response))
    message = errors["Lawful basis 2 – Limited to data categories"]
    assert "Not among the activity's categories of personal data: Health data" in message


@pytest.mark.django_db
def test_stale_form_is_refused_naming_who_changed_it(client, dpo_a, activity_a):
    client.force_login(dpo_a)
    data = form_data(client.get(change_url(activity_a)))
    assert data["expected_version"] == str(activity_a.version)
    colleague = UserFactory(username="colleague")
    services.activity_update(activity=activity_a, user=colleague, name="Renamed meanwhile")

    data["name"] = "My stale edit"
    response = client.post(change_url(activity_a), data)
    assert response.status_code == 200
    [(label, message)] = summary(response)
    assert label == ""
    assert "PA-001 was changed by colleague on" in message
    assert "Nothing was saved" in message
    activity_a.refresh_from_db()
    assert activity_a.name == "Renamed meanwhile"
    assert 'value="My stale edit"' in response.content.decode()


@pytest.mark.django_db
def test_admin_save_is_recorded_with_user_path_and_new_version(client, dpo_a, activity_a):
    client.force_login(dpo_a)
    version = activity_a.version
    data = form_data(client.get(change_url(activity_a)))
    data["name"] = "Customer support desk"
    add_part(data, "purposes", description="To answer support tickets", position="2")
    response = client.post(change_url(activity_a), data)
    assert response.status_code == 302
    activity_a.refresh_from_db()
    assert activity_a.name == "Customer support desk"
    assert activity_a.version == version + 1
    record = activity_a.history.first()
    assert (record.history_user, record.history_path) == (dpo_a, "admin")
    purpose = activity_a.purposes.get(description="To answer support tickets")
    part_record = purpose.history.first()
    assert (part_record.history_user, part_record.history_path) == (dpo_a, "admin")


@pytest.mark.django_db
def test_change_form_shows_findings_with_anchors(client, org_a, dpo_a):
    activity = services.activity_create(organisation=org_a, name="Empty record")
    client.force_login(dpo_a)
    response = client.get(change_url(activity))
    anchors = {f.code: link.href for f, link in response.context["findings"]}
    assert anchors["A30-PURPOSES"] == "#purposes-group"
    assert anchors["A30-SUBJECTS"] == "#id_data_subjects"  # the input itself
    assert anchors["A6-BASIS"] == "#lawful_bases-group"
    content = response.content.decode()
    assert 'id="purposes-group"' in content and 'href="#purposes-group"' in content
    # The form follows Article 30: purposes right after "who", before "whose data".
    assert content.index("1. Who") < content.index('id="purposes-group"') < content.index(
        "3. Whose data")


@pytest.mark.django_db
def test_narrowing_the_activity_data_names_the_part_left_outside(client, dpo_a, activity_a):
    """A kept lawful basis limited to a category the activity no longer lists is refused
    by the service, on that basis's field; nothing is saved."""
    use = activity_a.lawful_bases.get()
    use.data_categories.set([data_category("contact")])
    client.force_login(dpo_a)
    data = form_data(client.get(change_url(activity_a)))
    data["data_categories"] = [str(data_category("identity").pk)]
    response = client.post(change_url(activity_a), data)
    errors = dict(summary(response))
    assert "Not among the activity's categories of personal data: Contact details" in errors[
        "Lawful basis 1 – Limited to data categories"]
    assert set(activity_a.data_categories.values_list("code", flat=True)) == {"identity", "contact"}
