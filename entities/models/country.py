import pycountry
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def validate_country_code(value: str) -> None:
    """An ISO 3166-1 alpha-2 code that exists (GB, US, LU...)."""
    if not (len(value) == 2 and value.isupper() and pycountry.countries.get(alpha_2=value)):
        raise ValidationError(
            _("'%(value)s' is not an ISO 3166-1 alpha-2 country code (e.g. GB, US, LU)."),
            params={"value": value}, code="unknown_country",
        )


class Adequacy(models.TextChoices):
    NONE = "", _("no adequacy")
    FULL = "full", _("adequate")
    PARTIAL = "partial", _("partly adequate (some sectors or certified organisations)")


class CountryQuerySet(models.QuerySet):
    def outside_eea(self):
        """Countries that are third countries for an EEA controller."""
        return self.filter(is_eea=False)

    def by_code(self, code: str) -> "Country":
        """The country with ISO code ``code``; a ValidationError naming the code otherwise."""
        normalised = (code or "").strip().upper()
        validate_country_code(normalised)
        try:
            return self.get(code=normalised)
        except self.model.DoesNotExist:
            raise ValidationError(
                _("Country '%(value)s' is not in the register's reference data."),
                params={"value": code}, code="unknown_country",
            ) from None


class Country(models.Model):
    """A country or territory of ISO 3166-1, with what matters for Chapter V transfers.

    EEA membership and the EU and UK adequacy status decide whether a transfer to it
    needs an Art 46 safeguard or an Art 49 derogation.
    """

    code = models.CharField(
        _("ISO 3166-1 alpha-2 code"), max_length=2, unique=True,
        validators=[validate_country_code],
    )
    name = models.CharField(_("name"), max_length=120)
    name_fr = models.CharField(_("name in French"), max_length=120, blank=True)
    is_eu = models.BooleanField(_("EU member state"), default=False)
    is_eea = models.BooleanField(_("EEA member state"), default=False)
    eu_adequacy = models.CharField(
        _("EU adequacy"), max_length=8, choices=Adequacy.choices, blank=True,
        help_text=_("Adequacy decision of the European Commission under Art 45(3) GDPR."),
    )
    eu_adequacy_note = models.CharField(_("EU adequacy note"), max_length=255, blank=True)
    uk_adequacy = models.CharField(
        _("UK adequacy"), max_length=8, choices=Adequacy.choices, blank=True,
        help_text=_("UK adequacy regulations under UK GDPR Art 45 / DPA 2018 s17A."),
    )
    uk_adequacy_note = models.CharField(_("UK adequacy note"), max_length=255, blank=True)

    objects = CountryQuerySet.as_manager()

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    def adequate_for(self, jurisdiction: str) -> bool:
        return adequate_for(self, jurisdiction)


#: The regimes whose Chapter V transfer rules the register checks.
CHAPTER_V_REGIMES = ("eu", "uk")


def adequacy_for(destination, jurisdiction: str) -> str:
    """The adequacy ``destination`` enjoys for an exporter under ``jurisdiction`` ("uk" or
    "eu"): ``Adequacy.FULL``, ``Adequacy.PARTIAL`` (some sectors or certified organisations
    only) or ``Adequacy.NONE``. ``destination`` is a Country, an InternationalOrganisation
    or any object with their code, EEA membership and adequacy fields. For a UK exporter the
    UK and the EEA are adequate; for an EU exporter the EEA."""
    is_eea = getattr(destination, "is_eea", False)
    if jurisdiction == "uk":
        if is_eea or destination.code == "GB":
            return Adequacy.FULL
        return destination.uk_adequacy
    if is_eea:
        return Adequacy.FULL
    return destination.eu_adequacy


def adequate_for(destination, jurisdiction: str) -> bool:
    """True when personal data may flow to ``destination`` without further safeguard.

    ``jurisdiction`` is the exporter's: "uk" or "eu"; under another regime no EU or UK
    Chapter V restriction applies, and every destination answers True. Partial adequacy
    does not count: the transfer then needs the certification (DPF) or another mechanism
    to be recorded.
    """
    if jurisdiction not in CHAPTER_V_REGIMES:
        return True
    return adequacy_for(destination, jurisdiction) == Adequacy.FULL


class InternationalOrganisation(models.Model):
    """An international organisation (Art 4(26)) that can receive transfers, with the EU
    and UK adequacy it enjoys (the European Patent Organisation has an EU adequacy
    decision). A transfer names its international organisation in words; when the words
    are this organisation's name or code, the transfer rules read its adequacy."""

    code = models.CharField(_("code"), max_length=32, unique=True,
                            help_text=_("Its usual abbreviation (EPO, WHO...)."))
    name = models.CharField(_("name"), max_length=200, unique=True)
    eu_adequacy = models.CharField(
        _("EU adequacy"), max_length=8, choices=Adequacy.choices, blank=True,
        help_text=_("Adequacy decision of the European Commission under Art 45(3) GDPR."),
    )
    eu_adequacy_note = models.CharField(_("EU adequacy note"), max_length=255, blank=True)
    uk_adequacy = models.CharField(
        _("UK adequacy"), max_length=8, choices=Adequacy.choices, blank=True,
        help_text=_("UK adequacy regulations under UK GDPR Art 45A."),
    )
    uk_adequacy_note = models.CharField(_("UK adequacy note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("international organisation")
        verbose_name_plural = _("international organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    def adequate_for(self, jurisdiction: str) -> bool:
        return adequate_for(self, jurisdiction)
