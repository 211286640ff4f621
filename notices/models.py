"""The privacy notice (Art 13/14) an organisation publishes, drafted from its register.

``NoticeSettings`` holds what the DPO adjusts per organisation (the supervisory authority
people complain to, and the wording of the notice as templates); ``PrivacyNotice`` is each
version of the notice as it was generated, kept as evidence of what people were told.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeSettings(models.Model):
    """How one organisation's notice is worded: blank fields keep the project's wording."""

    organisation = models.OneToOneField(
        "entities.Organisation", on_delete=models.CASCADE, related_name="notice_settings",
        verbose_name=_("organisation"),
    )
    supervisory_authority = models.TextField(
        _("supervisory authority"), blank=True,
        help_text=_("The authority people may complain to, with its contact details, as the "
                    "notice names it. Blank: the ICO under the UK GDPR, otherwise 'your local "
                    "supervisory authority'."),
    )
    markdown_template = models.TextField(
        _("Markdown template"), blank=True,
        help_text=_("A Django template of the notice in Markdown, used for the Markdown and "
                    "PDF notice and its versions. Blank: the standard template "
                    "(notices/notice.md), which this one may extend."),
    )
    html_template = models.TextField(
        _("HTML template"), blank=True,
        help_text=_("A Django template of the notice as a web page. Blank: the standard "
                    "template (notices/notice.html), which this one may extend."),
    )

    class Meta:
        verbose_name = _("privacy notice settings")
        verbose_name_plural = _("privacy notice settings")
        ordering = ["organisation"]

    def __str__(self):
        return str(_("Privacy notice settings of %(organisation)s") % {
            "organisation": self.organisation})

    def clean(self):
        from .rendering import template_errors

        errors = {}
        for name in ("markdown_template", "html_template"):
            problem = template_errors(getattr(self, name))
            if problem:
                errors[name] = problem
        if errors:
            raise ValidationError(errors)


class PrivacyNoticeQuerySet(models.QuerySet):
    def for_user(self, user):
        """The notices of the organisations ``user`` is a member of (all for a superuser)."""
        if user.is_superuser:
            return self
        return self.filter(organisation__memberships__user=user).distinct()

    def latest_of(self, organisation_id: int) -> PrivacyNotice | None:
        """The organisation's last version, if any."""
        return self.filter(organisation_id=organisation_id).order_by("-version").first()


class PrivacyNotice(models.Model):
    """One version of an organisation's privacy notice: the Markdown text as generated from
    the register at a moment. A new version is made only when the text differs from the
    last one; versions are never changed or deleted (what people were told is evidence)."""

    organisation = models.ForeignKey(
        "entities.Organisation", on_delete=models.PROTECT, related_name="privacy_notices",
        verbose_name=_("organisation"),
    )
    version = models.PositiveIntegerField(_("version"))
    register_as_of = models.DateTimeField(
        _("register as of"), help_text=_("The moment of the register the notice reflects."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    markdown = models.TextField(_("notice (Markdown)"))
    digest = models.CharField(_("SHA-256 digest"), max_length=64,
                              help_text=_("Of the Markdown text, UTF-8 encoded."))

    objects = PrivacyNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        ordering = ["organisation", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "version"],
                                    name="privacy_notice_version_unique"),
            models.CheckConstraint(condition=models.Q(version__gte=1),
                                   name="privacy_notice_version_from_one"),
        ]

    def __str__(self):
        return str(_("%(organisation)s privacy notice, version %(version)s") % {
            "organisation": self.organisation, "version": self.version})
