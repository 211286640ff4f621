from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ropa.audit import history


class Jurisdiction(models.TextChoices):
    UK = "uk", _("UK GDPR and DPA 2018")
    EU = "eu", _("EU GDPR")
    OTHER = "other", _("another regime (no EU or UK transfer rules)")


class OrganisationQuerySet(models.QuerySet):
    def for_user(self, user):
        """The organisations ``user`` is a member of (all of them for a superuser)."""
        if user.is_superuser:
            return self
        return self.filter(memberships__user=user).distinct()


class Organisation(models.Model):
    """A legal entity that keeps a register: a controller, a processor, or both.

    One register is kept per organisation; a group (parent and subsidiaries) is a set of
    organisations linked by ``parent``. Art 30(1)(a) and 30(2)(a).
    """

    name = models.CharField(_("legal name"), max_length=200, unique=True)
    trading_name = models.CharField(_("trading name"), max_length=200, blank=True)
    registration_number = models.CharField(
        _("company registration number"), max_length=40, blank=True
    )
    authority_registration_ref = models.CharField(
        _("supervisory authority registration"), max_length=40, blank=True,
        help_text=_("For example the ICO registration reference (ZA073957)."),
    )
    vat_number = models.CharField(_("VAT number"), max_length=40, blank=True)
    address = models.TextField(_("registered address"), blank=True)
    trading_address = models.TextField(
        _("trading address"), blank=True,
        help_text=_("A second address where the organisation trades, if it differs."),
    )
    country = models.ForeignKey(
        "entities.Country", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("country"), null=True, blank=True,
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="subsidiaries",
        verbose_name=_("parent company"),
        help_text=_("The group company this organisation belongs to, if any."),
    )
    jurisdiction = models.CharField(
        _("main data protection law"), max_length=8, choices=Jurisdiction.choices,
        default=Jurisdiction.UK,
        help_text=_("The law the organisation exports data under: it decides which transfer "
                    "mechanisms and adequacy list apply to its international transfers. Under "
                    "another regime no EU or UK Chapter V rule is checked."),
    )
    public_authority = models.BooleanField(
        _("public authority or body"), default=False, db_default=False,
        help_text=_("Public authorities cannot rely on legitimate interests, recognised or "
                    "not, for the performance of their tasks (Art 6(1) last subparagraph)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = history()
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name=""), name="organisation_name_not_empty"
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)

    def clean(self):
        from django.core.exceptions import ValidationError

        ancestor, seen = self.parent, {self.pk}
        while ancestor is not None:
            if ancestor.pk in seen:
                raise ValidationError({"parent": _("An organisation cannot be its own parent.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class ContactRole(models.TextChoices):
    DPO = "dpo", _("Data Protection Officer")
    REPRESENTATIVE = "representative", _("Representative (Art 27)")
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative of the company")
    PRIVACY_CONTACT = "privacy", _("Privacy / data protection contact")
    CONTACT = "contact", _("Other contact")


phone_validator = RegexValidator(
    r"^[0-9+()./ -]*$", _("A telephone number holds digits, spaces and + ( ) - . / only.")
)


class Contact(models.Model):
    """A person or desk to contact about an organisation's processing: its DPO,
    its Art 27 representative, or another privacy contact."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=24, choices=ContactRole.choices)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True,
                             validators=[phone_validator])
    address = models.TextField(_("postal address"), blank=True)

    history = history()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["organisation", "role", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


class InRegisterQuerySet(models.QuerySet):
    """Objects that belong to one organisation's register (its people, its third parties)."""

    def for_user(self, user):
        """Those of the organisations ``user`` is a member of (all for a superuser)."""
        if user.is_superuser:
            return self
        return self.filter(organisation__memberships__user=user).distinct()


class Person(models.Model):
    """A named person of an organisation who owns processing activities.

    An owner need not have a login: a register restores where its owners have no
    accounts. A person linked to a user can edit, as a contributor, what it owns.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="people",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    login = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="people", verbose_name=_("login"),
        help_text=_("The user account of this person, if it has one."),
    )

    history = history()
    objects = InRegisterQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="person_name_unique_per_org"),
            models.CheckConstraint(condition=~models.Q(name=""), name="person_name_not_empty"),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>" if self.email else self.name

    def natural_key(self):
        return (self.organisation.name, self.name)


class MemberRole(models.TextChoices):
    DPO = "dpo", _("DPO: edits the register")
    CONTRIBUTOR = "contributor", _("Contributor: edits activities it owns")
    AUDITOR = "auditor", _("Auditor: reads and exports")
    API_CLIENT = "api_client", _("API client: read-only")


class Membership(models.Model):
    """What a user may do in one organisation's register."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=16, choices=MemberRole.choices)

    history = history()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_one_role_per_organisation"
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"
