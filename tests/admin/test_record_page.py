"""The activity record page: finding links to the field or the record that fixes it, the
findings panel read alone, the third party "+" filled in with the register, the lawful
basis showing the fields of its kind, and purposes usable as scopes before they are saved."""

import pytest
from django.urls import reverse

from entities.models import ThirdParty
from processing import services
from processing.admin_forms import BASIS_FIELDS
from processing.models import ActivityLawfulBasis, LawfulBasis, LawfulBasisKind
from tests.admin.conftest import add_part, change_url, form_data
from tests.factories import (
    ActivityFactory,
    RecipientFactory,
    basis,
    person_of,
)


@pytest.mark.django_db
def test_finding_links_focus_the_inline_field_and_open_the_processor(client, dpo_a, activity_a):
    use = activity_a.lawful_bases.get()
    use.basis = basis("A6-1-f")
    use.legitimate_interest = "Fraud prevention"
    use.save()
    processor = activity_a.recipients.get().third_party
    processor.kind, processor.contract_link = "processor", ""
    processor.save()
    client.force_login(dpo_a)
    response = client.get(change_url(activity_a))
    links = {f.code: link for f, link in response.context["findings"]}
    # The LIA link of that basis, on its inline row.
    assert links["A6-LI-LIA"].href == "#id_lawful_bases-0-lia_link"
    assert not links["A6-LI-LIA"].popup
    content = response.content.decode()
    assert 'id="id_lawful_bases-0-lia_link"' in content
    # The Art 28 contract is fixed on the third party: opened in the admin's popup.
    contract = links["A28-CONTRACT"]
    assert contract.popup
    assert contract.href == reverse("admin:entities_thirdparty_change",
                                    args=[processor.pk]) + "?_to_field=id&_popup=1"
    assert 'data-popup="yes"' in content


@pytest.mark.django_db
def test_findings_panel_alone_reflects_a_fix_made_elsewhere(client, dpo_a, activity_a):
    processor = activity_a.recipients.get().third_party
    processor.kind, processor.contract_link = "processor", ""
    processor.save()
    client.force_login(dpo_a)
    url = reverse("admin:processing_processingactivity_findings", args=[activity_a.pk])
    assert 'data-code="A28-CONTRACT"' in client.get(url).content.decode()
    processor.contract_link = "https://contracts.example/dpa"
    processor.save()
    panel = client.get(url).content.decode()
    assert 'data-code="A28-CONTRACT"' not in panel and 'id="findings"' in panel


@pytest.mark.django_db
def test_findings_panel_of_another_register_is_not_shown(client, dpo_a, activity_b):
    client.force_login(dpo_a)
    url = reverse("admin:processing_processingactivity_findings", args=[activity_b.pk])
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_third_party_add_link_names_the_register_and_the_form_fills_it(client, org_a, dpo_a,
                                                                      activity_a):
    client.force_login(dpo_a)
    content = client.get(change_url(activity_a)).content.decode()
    add_url = reverse("admin:entities_thirdparty_add")
    assert f'{add_url}?_to_field=id&amp;_popup=1&amp;organisation={org_a.pk}' in content
    assert "ropa-ask-dpo" not in content
    popup = client.get(add_url, {"_to_field": "id", "_popup": "1", "organisation": org_a.pk})
    form = popup.context["adminform"].form
    assert form["organisation"].value() == str(org_a.pk)
    assert "whose register lists it" in popup.content.decode()
    # Its first save works: the third party lands in the activity's register.
    response = client.post(f"{add_url}?_to_field=id&_popup=1", {
        "_popup": "1", "_to_field": "id", "organisation": org_a.pk, "name": "Helpdesk Ltd",
        "kind": "processor"})
    assert response.status_code == 200, response.context["adminform"].form.errors
    assert ThirdParty.objects.get(name="Helpdesk Ltd").organisation == org_a


@pytest.mark.django_db
def test_contributor_without_add_right_is_told_whom_to_ask(client, org_a, contributor_a):
    own = ActivityFactory(organisation=org_a, owner=person_of(contributor_a, org_a))
    RecipientFactory(activity=own)
    client.force_login(contributor_a)
    content = client.get(change_url(own)).content.decode()
    assert "add-related" not in content or reverse("admin:entities_thirdparty_add") not in content
    assert "Ask your organisation&#x27;s DPO to add it" in content


@pytest.mark.django_db
def test_basis_list_says_which_fields_each_kind_needs(client, dpo_a, activity_a):
    client.force_login(dpo_a)
    response = client.get(change_url(activity_a))
    content = response.content.decode()
    li = LawfulBasis.objects.get(kind=LawfulBasisKind.LEGITIMATE_INTERESTS, code="A6-1-f")
    assert f'value="{li.pk}" data-fields="legitimate_interest lia_link"' in content
    contract = basis("A6-1-b")
    assert f'value="{contract.pk}" data-fields=""' in content
    # No dual list: the purposes are check boxes, and the basis is a plain list.
    assert "selectfilter" not in content.lower()
    assert 'class="ropa-purpose-scopes"' in content
    assert set(BASIS_FIELDS[LawfulBasisKind.CONSENT]) == {"consent_record_link",
                                                         "consent_description"}


@pytest.mark.django_db
def test_a_basis_limited_to_purposes_typed_in_the_same_save(client, dpo_a, activity_a):
    """``new-<index>`` names a purpose typed in the form: the save maps it to that purpose,
    written in the same version as the basis."""
    client.force_login(dpo_a)
    data = form_data(client.get(change_url(activity_a)))
    kept = activity_a.purposes.get()
    add_part(data, "purposes", description="To prevent fraud", position="2")
    add_part(data, "lawful_bases", basis=str(basis("A6-1-f").pk),
             legitimate_interest="Preventing fraud", purposes=["new-1", str(kept.pk)])
    version = activity_a.version
    response = client.post(change_url(activity_a), data)
    assert response.status_code == 302, response.context["error_summary"]
    use = ActivityLawfulBasis.objects.get(activity=activity_a, basis__code="A6-1-f")
    assert sorted(p.description for p in use.purposes.all()) == [
        "To manage customer accounts", "To prevent fraud"]
    activity_a.refresh_from_db()
    assert activity_a.version == version + 1


@pytest.mark.django_db
def test_a_scope_naming_a_purpose_no_longer_on_the_form_is_refused(client, dpo_a, activity_a):
    client.force_login(dpo_a)
    data = form_data(client.get(change_url(activity_a)))
    add_part(data, "lawful_bases", basis=str(basis("A6-1-f").pk),
             legitimate_interest="Preventing fraud", purposes=["new-7"])
    response = client.post(change_url(activity_a), data)
    assert response.status_code == 200
    assert not activity_a.lawful_bases.filter(basis__code="A6-1-f").exists()
    # The typed choice is kept on the form, with the reason on its field.
    errors = " ".join(e["message"] for e in response.context["error_summary"])
    assert "no longer on the form" in errors


@pytest.mark.django_db
def test_saved_scopes_are_shown_ticked(client, dpo_a, activity_a):
    use = activity_a.lawful_bases.get()
    purpose = activity_a.purposes.get()
    services.activity_save(activity=activity_a, parts=[
        services.PartChange(ActivityLawfulBasis, use, {"purposes": [purpose]})])
    client.force_login(dpo_a)
    content = client.get(change_url(activity_a)).content.decode()
    assert f'name="lawful_bases-0-purposes" value="{purpose.pk}"' in content
    assert "checked" in content.split(f'name="lawful_bases-0-purposes" value="{purpose.pk}"')[1][:80]
