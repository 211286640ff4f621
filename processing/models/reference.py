"""Reference data: taxonomies and legal concepts shipped with the app.

Each term has a stable ``code`` (its natural key) and, where W3C DPV defines the concept,
its DPV IRI. They are loaded idempotently by a data migration from
``processing/reference/data.py``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ropa.audit import history


class ReferenceQuerySet(models.QuerySet):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class ReferenceManager(models.Manager.from_queryset(ReferenceQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class ReferenceTerm(models.Model):
    """Fields common to every reference term."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_fr = models.CharField(
        _("name in French"), max_length=200, blank=True,
        help_text=_("Shown in the CNIL layout, which French auditors read."),
    )
    description = models.TextField(_("description"), blank=True)
    dpv_iri = models.URLField(
        _("DPV IRI"), max_length=255, blank=True,
        help_text=_("The W3C Data Privacy Vocabulary concept, or the project's own IRI."),
    )

    objects = ReferenceManager()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class DataSubjectCategory(ReferenceTerm):
    """Whose personal data: customers, end users, job applicants... Art 30(1)(c).

    A category of vulnerable people or of children says so once, here: the DPIA screening
    reads it from every activity that names the category.
    """

    vulnerable = models.BooleanField(
        _("vulnerable people"), default=False,
        help_text=_("People in a weaker position than the controller: employees, patients, "
                    "children, the elderly... (EDPB DPIA criterion 7)."),
    )
    children = models.BooleanField(
        _("children"), default=False,
        help_text=_("The category is, or mostly is, children (Art 8, recital 38)."),
    )

    history = history()

    class Meta(ReferenceTerm.Meta):
        verbose_name = _("data subject category")
        verbose_name_plural = _("data subject categories")


class PersonalDataCategory(ReferenceTerm):
    """What personal data: identity, contact, health... Art 30(1)(c).

    Special category data (Art 9) and criminal offence data (Art 10) need a condition
    beyond the Art 6 lawful basis.
    """

    special_category = models.BooleanField(
        _("special category (Art 9)"), default=False,
        help_text=_("Racial or ethnic origin, political opinions, religion, trade union "
                    "membership, genetic, biometric, health, sex life or sexual orientation."),
    )
    criminal_offence = models.BooleanField(
        _("criminal offence data (Art 10)"), default=False,
        help_text=_("Criminal convictions and offences or related security measures."),
    )
    biometric = models.BooleanField(
        _("biometric or genetic data"), default=False,
        help_text=_("On the ICO's list of processing likely to be high risk (Art 35(4))."),
    )
    tracking = models.BooleanField(
        _("location or behaviour tracking"), default=False,
        help_text=_("Data that tracks where people are or what they do, online or offline "
                    "(ICO's Art 35(4) list; data of a highly personal nature for the EDPB)."),
    )

    history = history()

    class Meta(ReferenceTerm.Meta):
        verbose_name = _("personal data category")
        verbose_name_plural = _("personal data categories")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(special_category=True, criminal_offence=True),
                name="data_category_special_or_criminal_not_both",
            ),
        ]


class SecurityMeasureKind(models.TextChoices):
    TECHNICAL = "technical", _("technical")
    ORGANISATIONAL = "organisational", _("organisational")
    CERTIFICATION = "certification", _("certification")


class SecurityMeasure(ReferenceTerm):
    """A technical or organisational security measure, or a certification. Art 30(1)(g)."""

    kind = models.CharField(_("kind"), max_length=16, choices=SecurityMeasureKind.choices)

    history = history()

    class Meta(ReferenceTerm.Meta):
        verbose_name = _("security measure")
        verbose_name_plural = _("security measures")


class LegalConcept(ReferenceTerm):
    """A reference term that is a provision of law, with its article."""

    article = models.CharField(_("article"), max_length=160)

    class Meta(ReferenceTerm.Meta):
        abstract = True

    def __str__(self):
        return f"{self.article} – {self.name}"


class LawfulBasisKind(models.TextChoices):
    CONSENT = "consent", _("consent")
    CONTRACT = "contract", _("contract")
    LEGAL_OBLIGATION = "legal_obligation", _("legal obligation")
    VITAL_INTERESTS = "vital_interests", _("vital interests")
    PUBLIC_TASK = "public_task", _("public task")
    LEGITIMATE_INTERESTS = "legitimate_interests", _("legitimate interests")
    RECOGNISED_LEGITIMATE_INTERESTS = (
        "recognised_legitimate_interests", _("recognised legitimate interests (UK)")
    )


class LegalJurisdiction(models.TextChoices):
    EU_UK = "eu_uk", _("EU GDPR and UK GDPR")
    UK = "uk", _("UK GDPR only")
    EU = "eu", _("EU GDPR only")


class LawfulBasis(LegalConcept):
    """An Art 6(1) lawful basis (and UK GDPR 6(1)(ea))."""

    kind = models.CharField(_("kind"), max_length=40, choices=LawfulBasisKind.choices)
    jurisdiction = models.CharField(
        _("jurisdiction"), max_length=8, choices=LegalJurisdiction.choices,
        default=LegalJurisdiction.EU_UK,
    )

    history = history()

    class Meta(LegalConcept.Meta):
        verbose_name = _("lawful basis")
        verbose_name_plural = _("lawful bases")
        ordering = ["code"]


class SpecialCategoryCondition(LegalConcept):
    """An Art 9(2) condition for processing special category data."""

    uk_schedule1_part = models.CharField(
        _("Sch. 1 part needed in the UK"), max_length=2, blank=True,
        help_text=_("DPA 2018 s10(2)-(3): Art 9(2)(b), (h), (i), (j) need a Part 1 condition, "
                    "Art 9(2)(g) a Part 2 condition; empty when none is needed."),
    )

    history = history()

    class Meta(LegalConcept.Meta):
        verbose_name = _("Art 9 condition")
        verbose_name_plural = _("Art 9 conditions")
        ordering = ["code"]


class ConditionScope(models.TextChoices):
    SPECIAL = "special", _("special category data")
    CRIMINAL = "criminal", _("criminal offence data")
    BOTH = "both", _("special category and criminal offence data")


class Schedule1Condition(LegalConcept):
    """A UK DPA 2018 Schedule 1 condition, or the Art 10 official-authority basis."""

    part = models.CharField(_("Schedule 1 part"), max_length=2, blank=True)
    applies_to = models.CharField(_("applies to"), max_length=8, choices=ConditionScope.choices)
    needs_policy_document = models.BooleanField(
        _("needs an appropriate policy document"), default=False,
        help_text=_("DPA 2018 Sch. 1 paras 1(1)(b), 5 and Part 4: the controller must have an "
                    "appropriate policy document in place."),
    )

    history = history()

    class Meta(LegalConcept.Meta):
        verbose_name = _("Sch. 1 / Art 10 condition")
        verbose_name_plural = _("Sch. 1 / Art 10 conditions")
        ordering = ["part", "id"]

    @property
    def covers_criminal(self) -> bool:
        return self.applies_to in (ConditionScope.CRIMINAL, ConditionScope.BOTH)

    @property
    def covers_special(self) -> bool:
        return self.applies_to in (ConditionScope.SPECIAL, ConditionScope.BOTH)


class TransferMechanismKind(models.TextChoices):
    ADEQUACY = "adequacy", _("adequacy decision / regulations")
    DPF = "dpf", _("EU-US Data Privacy Framework")
    SCC = "scc", _("standard contractual clauses")
    IDTA = "idta", _("UK IDTA")
    UK_ADDENDUM = "uk_addendum", _("UK Addendum to the EU SCCs")
    BCR = "bcr", _("binding corporate rules")
    OTHER_SAFEGUARD = "other_safeguard", _("other Art 46 safeguard")
    DEROGATION = "derogation", _("Art 49 derogation")


class TransferMechanism(LegalConcept):
    """A Chapter V ground for an international transfer."""

    kind = models.CharField(_("kind"), max_length=20, choices=TransferMechanismKind.choices)
    jurisdiction = models.CharField(
        _("jurisdiction"), max_length=8, choices=LegalJurisdiction.choices,
        default=LegalJurisdiction.EU_UK,
        help_text=_("The exporters it can serve: an EU instrument (EU adequacy, the EU-US DPF, "
                    "the EU SCCs) cannot cover a UK exporter's transfer, nor a UK one (UK "
                    "adequacy, the UK-US data bridge, the IDTA, the UK Addendum) an EU "
                    "exporter's."),
    )
    requires_documented_safeguards = models.BooleanField(
        _("needs documented safeguards"), default=False,
        help_text=_("The DPO must record the assessment and safeguards relied on."),
    )

    history = history()

    class Meta(LegalConcept.Meta):
        verbose_name = _("transfer mechanism")
        verbose_name_plural = _("transfer mechanisms")
        ordering = ["code"]

    def serves(self, exporter_jurisdiction: str) -> bool:
        return serves(self.jurisdiction, exporter_jurisdiction)


def serves(mechanism_jurisdiction: str, exporter_jurisdiction: str) -> bool:
    """True when a mechanism of ``mechanism_jurisdiction`` can cover a transfer by an
    exporter under ``exporter_jurisdiction`` ("eu" or "uk")."""
    return mechanism_jurisdiction in (LegalJurisdiction.EU_UK, exporter_jurisdiction)
