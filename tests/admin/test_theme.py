"""Every admin of the register, and the logins', is the theme's (django-unfold): its
pages, forms and widgets, with simple-history's where the history is kept."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin, StackedInline, TabularInline
from unfold.forms import UserChangeForm
from unfold.sites import UnfoldAdminSite

OWN_APPS = {"entities", "processing", "reports", "campaigns", "packs", "notices", "exports_centre",
            "auth"}


def test_the_site_and_every_admin_of_the_register_are_the_themes():
    assert isinstance(admin.site, UnfoldAdminSite)
    own = {model: admin.site.get_model_admin(model) for model in apps.get_models()
           if model._meta.app_label in OWN_APPS and admin.site.is_registered(model)}
    assert len(own) >= 20
    for model, model_admin in own.items():
        assert isinstance(model_admin, ModelAdmin), model
        for inline in model_admin.inlines:
            assert issubclass(inline, (TabularInline, StackedInline)), inline
    # History is kept where it was: simple-history's views come first in the MRO.
    activity = next(a for m, a in own.items() if m._meta.model_name == "processingactivity")
    assert isinstance(activity, SimpleHistoryAdmin)
    mro = type(activity).__mro__
    assert mro.index(SimpleHistoryAdmin) < mro.index(ModelAdmin)


@pytest.mark.django_db
def test_a_login_is_edited_with_the_themes_form(admin_client, admin_user):
    response = admin_client.get(reverse("admin:auth_user_change", args=[admin_user.pk]))
    assert response.status_code == 200
    assert isinstance(response.context["adminform"].form, UserChangeForm)
    organisations = admin_client.get(reverse("admin:entities_organisation_changelist"))
    assert organisations.status_code == 200 and "ROPA register" in organisations.content.decode()
