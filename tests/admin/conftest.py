"""Users with each role, two organisations, and a helper that turns an admin form page
into the POST data a browser would send."""

import pytest
from django.urls import reverse

from entities.models import Membership
from tests.factories import ActivityFactory, OrganisationFactory, UserFactory, complete_activity


def member(username, organisation, role):
    user = UserFactory(username=username)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def org_a(db):
    return OrganisationFactory(name="Akixi Limited")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(name="Mondago Limited")


@pytest.fixture
def dpo_a(org_a):
    return member("dpo_a", org_a, "dpo")


@pytest.fixture
def dpo_b(org_b):
    return member("dpo_b", org_b, "dpo")


@pytest.fixture
def auditor_a(org_a):
    return member("auditor_a", org_a, "auditor")


@pytest.fixture
def contributor_a(org_a):
    return member("contributor_a", org_a, "contributor")


@pytest.fixture
def activity_a(org_a):
    return complete_activity(organisation=org_a, reference="PA-001", name="Customer support")


@pytest.fixture
def activity_b(org_b):
    return ActivityFactory(organisation=org_b, reference="PB-001", name="Mondago payroll")


def change_url(activity):
    return reverse("admin:processing_processingactivity_change", args=[activity.pk])


def _put(data, bound_field):
    value = bound_field.value()
    if value is None:
        return
    if isinstance(value, bool):
        if value:
            data[bound_field.html_name] = "on"
        return
    if isinstance(value, list | tuple):
        data[bound_field.html_name] = [str(v) for v in value]
        return
    data[bound_field.html_name] = str(value)


def form_data(response) -> dict:
    """The POST data of an admin add / change page, as the browser would send it unchanged."""
    data = {}
    for bound_field in response.context["adminform"].form:
        _put(data, bound_field)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(len(formset.forms))
        data[f"{formset.prefix}-INITIAL_FORMS"] = str(formset.initial_form_count())
        data[f"{formset.prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{formset.prefix}-MAX_NUM_FORMS"] = "1000"
        for form in formset.forms:
            for bound_field in form:
                _put(data, bound_field)
    return data


def add_part(data: dict, prefix: str, **fields) -> None:
    """Append one new inline form (a purpose, a basis...) to the POST data."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
