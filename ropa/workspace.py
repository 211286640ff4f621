"""The frame of the DPO's workspace in the admin theme (django-unfold): the product's
name, the organisations the user works for, and the sidebar.

The theme reads these callables from ``settings.UNFOLD`` on each page. The sidebar lists
the register first (what a DPO works on all day), then the parties, with the reference
data grouped out of the way; an entry shows only where its admin lets the user in.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _


def site_name(request=None) -> str:
    """The product's name, in the title, the header and the login page."""
    return settings.SITE_NAME


def user_organisations(request) -> str:
    """The organisations whose register the user works on, under the product's name."""
    from entities.admin import member_roles
    from entities.models import Organisation

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    if user.is_superuser:
        return _("All organisations")
    ids = member_roles(request)
    if not ids:
        return ""
    names = list(Organisation.objects.filter(pk__in=ids).order_by("name")
                 .values_list("name", flat=True)[:4])
    shown = ", ".join(names[:3])
    if len(ids) > 3:
        shown = _("%(names)s and %(n)s more") % {"names": shown, "n": len(ids) - 3}
    return shown


def _url(name: str, query: str = "") -> str | None:
    try:
        return reverse(name) + query
    except NoReverseMatch:
        return None


def _admin_of(model):
    """The admin of ``model`` (a model or its ``app_label.model_name``), None when it has
    none here."""
    if isinstance(model, str):
        try:
            model = apps.get_model(model)
        except LookupError:
            return None
    return admin.site.get_model_admin(model) if admin.site.is_registered(model) else None


def _entry(request, title: str, icon: str, url_name: str, model: str | None = None,
           allowed: bool | None = None) -> dict | None:
    """A sidebar link, or None when the page does not exist here or the user may not
    open it."""
    link = _url(url_name)
    if link is None:
        return None
    if allowed is None and model is not None:
        model_admin = _admin_of(model)
        allowed = model_admin is not None and model_admin.has_view_permission(request)
    if allowed is False:
        return None
    return {"title": title, "icon": icon, "link": link}


def sidebar_navigation(request) -> list[dict]:
    """The sidebar's groups for this user."""
    from processing.imports.tenancy import may_import

    activities = "processing.processingactivity"
    user = request.user
    register = [
        _entry(request, _("Worklist"), "checklist", "admin:index", allowed=True),
        _entry(request, _("Activities"), "list_alt", "admin:processing_processingactivity_changelist",
               activities),
        _entry(request, _("Dashboard"), "monitoring", "admin:processing_processingactivity_dashboard",
               activities),
        _entry(request, _("Register as of a date"), "history",
               "admin:processing_processingactivity_as_of", activities),
        _entry(request, _("Register diff"), "difference", "admin:processing_processingactivity_diff",
               activities),
        # The export centre, once it is installed.
        _entry(request, _("Exports"), "download", "admin:exports_centre", activities),
        _entry(request, _("Review campaigns"), "fact_check", "admin:campaigns_campaign_changelist",
               "campaigns.campaign"),
        _entry(request, _("Regulator packs"), "inventory_2", "admin:packs_regulatorpack_changelist",
               "packs.regulatorpack"),
        _entry(request, _("Privacy notices"), "policy", "admin:notices_privacynotice_changelist",
               "notices.privacynotice"),
        _entry(request, _("Reports"), "summarize", "admin:reports_report_changelist",
               "reports.report"),
        _entry(request, _("Import a workbook"), "upload_file",
               "admin:processing_processingactivity_import", allowed=may_import(request)),
    ]
    parties = [
        _entry(request, _("Organisations"), "domain", "admin:entities_organisation_changelist",
               "entities.organisation"),
        _entry(request, _("Third parties / recipients"), "handshake",
               "admin:entities_thirdparty_changelist", "entities.thirdparty"),
        _entry(request, _("People"), "person", "admin:entities_person_changelist", "entities.person"),
        _entry(request, _("Privacy notice settings"), "tune",
               "admin:notices_noticesettings_changelist", "notices.noticesettings"),
    ]
    reference = [
        _entry(request, title, "", f"admin:{model.replace('.', '_')}_changelist", model)
        for title, model in [
            (_("Lawful bases"), "processing.lawfulbasis"),
            (_("Art 9 conditions"), "processing.specialcategorycondition"),
            (_("Sch. 1 / Art 10 conditions"), "processing.schedule1condition"),
            (_("Transfer mechanisms"), "processing.transfermechanism"),
            (_("Data subject categories"), "processing.datasubjectcategory"),
            (_("Personal data categories"), "processing.personaldatacategory"),
            (_("Security measures"), "processing.securitymeasure"),
            (_("Recipient categories"), "entities.recipientcategory"),
            (_("Countries"), "entities.country"),
            (_("International organisations"), "entities.internationalorganisation"),
        ]
    ]
    administration = []
    if user.is_superuser:
        administration = [
            _entry(request, _("Users"), "manage_accounts", "admin:auth_user_changelist", allowed=True),
            _entry(request, _("Groups"), "group", "admin:auth_group_changelist", allowed=True),
            _entry(request, _("API tokens"), "key", "admin:authtoken_tokenproxy_changelist",
                   allowed=True),
            _entry(request, _("Periodic tasks"), "schedule",
                   "admin:django_celery_beat_periodictask_changelist", allowed=True),
        ]
    groups = [
        {"title": _("Register"), "items": register},
        {"title": _("Parties"), "items": parties},
        {"title": _("Reference data"), "collapsible": True, "items": reference},
        {"title": _("Administration"), "collapsible": True, "items": administration},
    ]
    for group in groups:
        group["items"] = [item for item in group["items"] if item]
    return [group for group in groups if group["items"]]


def worklist_context(request, context: dict) -> dict:
    """The home page's context: the worklist of the user's registers (the theme's
    DASHBOARD_CALLBACK)."""
    from processing.models import ProcessingActivity
    from processing.worklist import worklist

    model_admin = _admin_of(ProcessingActivity)
    if model_admin is not None and model_admin.has_view_permission(request):
        activities = model_admin.get_queryset(request)
        context["worklist"] = worklist(activities)
        context["may_add_activity"] = model_admin.has_add_permission(request)
    return context
