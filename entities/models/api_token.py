"""The API tokens of an organisation's register, as its DPO sees them."""

from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token


class ApiToken(Token):
    """A read-only API token: DRF's token of a user whose only role is API client of one
    organisation (DESIGN section 7), so it reads that organisation's register through the
    API and changes nothing. Issued and revoked by the organisation's DPO in the admin;
    its secret is shown once, when issued."""

    class Meta:
        proxy = True
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
