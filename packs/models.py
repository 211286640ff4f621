"""Regulator packs (Art 30(4)): what was handed to a supervisory authority, and when.

A pack is one zip of one organisation's register as of one moment, in every layout, with a
signed manifest of the files' digests. Its record says who made it and when, the digests
that identify it, and where the zip is kept so that the same file can be handed again.
Packs are evidence: nobody changes or deletes them.
"""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _

from ropa.audit import ChangePath


def pack_storage():
    """``STORAGES["packs"]``: the zips hold personal data (contacts, owners)."""
    return storages["packs"]


def pack_upload_to(instance: "RegulatorPack", filename: str) -> str:
    return f"packs/{instance.organisation_id}/{filename}"


class RegulatorPackQuerySet(models.QuerySet):
    def for_user(self, user):
        """The packs of the organisations ``user`` is a member of (all for a superuser)."""
        if user.is_superuser:
            return self
        return self.filter(organisation__memberships__user=user).distinct()


class RegulatorPack(models.Model):
    """One signed pack of an organisation's register as of a moment, as made.

    ``manifest_sha256`` identifies the pack (the manifest names every file's digest);
    ``register_sha256`` identifies the register's content at that moment: two packs of
    the same organisation and moment share it, whenever they were made.
    """

    organisation = models.ForeignKey(
        "entities.Organisation", on_delete=models.PROTECT, related_name="regulator_packs",
        verbose_name=_("organisation"),
    )
    as_of = models.CharField(
        _("as of"), max_length=40,
        help_text=_("The moment of the register in the pack: a day (its end) or an instant, "
                    "as the manifest states it."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("made by"),
        help_text=_("Empty when made by the command."),
    )
    created_through = models.CharField(
        _("made through"), max_length=16, choices=ChangePath.choices,
    )
    created_at = models.DateTimeField(_("made at"))
    manifest_sha256 = models.CharField(_("manifest digest (SHA-256)"), max_length=64)
    register_sha256 = models.CharField(
        _("register digest (SHA-256)"), max_length=64,
        help_text=_("SHA-256 of the register as of the moment in the JSON workbook layout."),
    )
    key_fingerprint = models.CharField(
        _("signing key"), max_length=64,
        help_text=_("Fingerprint of the public key that verifies the manifest's signature."),
    )
    size = models.PositiveBigIntegerField(_("size in bytes"))
    file = models.FileField(_("zip file"), storage=pack_storage, upload_to=pack_upload_to,
                            max_length=255)

    objects = RegulatorPackQuerySet.as_manager()

    class Meta:
        verbose_name = _("regulator pack")
        verbose_name_plural = _("regulator packs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(created_through__in=ChangePath.values),
                name="regulator_pack_created_through_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(manifest_sha256__regex=r"^[0-9a-f]{64}$")
                & models.Q(register_sha256__regex=r"^[0-9a-f]{64}$"),
                name="regulator_pack_digests_hex",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "-created_at"],
                                name="regulator_pack_org_made_idx")]

    def __str__(self):
        return f"{self.organisation} – {self.as_of} ({self.created_at:%Y-%m-%d %H:%M})"
