from django.db import models
from django.utils.translation import gettext_lazy as _

from ropa.audit import history

from .organisation import InRegisterQuerySet


class RecipientCategory(models.Model):
    """A category of recipient (hosting provider, CRM provider, carrier...), Art 30(1)(d)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_fr = models.CharField(
        _("name in French"), max_length=120, blank=True,
        help_text=_("Shown in the CNIL layout, which French auditors read."),
    )
    description = models.TextField(_("description"), blank=True)
    dpv_iri = models.URLField(_("DPV IRI"), max_length=255, blank=True)

    history = history()

    class Meta:
        verbose_name = _("recipient category")
        verbose_name_plural = _("recipient categories")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class ThirdPartyKind(models.TextChoices):
    GROUP_COMPANY = "group_company", _("internal group company")
    PROCESSOR = "processor", _("processor")
    SUB_PROCESSOR = "sub_processor", _("sub-processor")
    CONTROLLER = "controller", _("independent controller")
    JOINT_CONTROLLER = "joint_controller", _("joint controller")
    PUBLIC_AUTHORITY = "public_authority", _("public authority")
    PROFESSIONAL_ADVISER = "adviser", _("professional adviser")


#: Kinds that process on the organisation's instructions and need an Art 28 contract.
PROCESSOR_KINDS = (ThirdPartyKind.PROCESSOR, ThirdPartyKind.SUB_PROCESSOR)


class ThirdParty(models.Model):
    """Someone outside the processing activity who receives personal data, shares the
    controllership, or (in a processor record) is a controller served.

    A third party belongs to the register of one organisation; the same company used by
    two organisations appears in each register.
    """

    organisation = models.ForeignKey(
        "entities.Organisation", on_delete=models.PROTECT, related_name="third_parties",
        verbose_name=_("register of"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ThirdPartyKind.choices,
        help_text=_("Its role towards the organisation: a processor needs an Art 28 contract."),
    )
    category = models.ForeignKey(
        RecipientCategory, on_delete=models.PROTECT, null=True, blank=True,
        related_name="third_parties", verbose_name=_("recipient category"),
    )
    service = models.CharField(
        _("service provided"), max_length=255, blank=True,
        help_text=_("What it does for the organisation, as a DPO would describe it."),
    )
    country = models.ForeignKey(
        "entities.Country", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("country"),
    )
    address = models.TextField(_("address"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    contract_link = models.URLField(
        _("link to contract (Art 28 DPA)"), max_length=500, blank=True,
        help_text=_("Where the data processing agreement is kept."),
    )
    dpf_certified = models.BooleanField(
        _("EU-US Data Privacy Framework certified"), default=False,
        help_text=_("Tick when the US organisation is on the DPF list."),
    )
    dpo_contact = models.TextField(
        _("its DPO (name and contact details)"), blank=True,
        help_text=_("For a controller served by a processor record (Art 30(2)(a)): its data "
                    "protection officer, or that it has none."),
    )
    representative_contact = models.TextField(
        _("its Art 27 representative (name and contact details)"), blank=True,
        help_text=_("For a controller served established outside the UK / EU: its "
                    "representative (Art 27), where it has one."),
    )
    group_organisation = models.ForeignKey(
        "entities.Organisation", on_delete=models.PROTECT, null=True, blank=True,
        related_name="as_third_party", verbose_name=_("group organisation"),
        help_text=_("For a group company: the organisation record it is."),
    )
    notes = models.TextField(_("notes"), blank=True)

    history = history()
    objects = InRegisterQuerySet.as_manager()

    class Meta:
        verbose_name = _("third party / recipient")
        verbose_name_plural = _("third parties / recipients")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="third_party_unique_name_per_register"
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="third_party_name_not_empty"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.organisation.name, self.name)

    @property
    def needs_contract(self) -> bool:
        return self.kind in PROCESSOR_KINDS
