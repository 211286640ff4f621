"""The login lockout (django-axes), with password spraying slowed down.

django-axes locks a username from one client address after AXES_FAILURE_LIMIT failures
(the address is the real client's behind the configured proxies: ropa.security), so
nobody can lock the DPO out from elsewhere. One password tried across many usernames
fails once per username and would never reach that limit: a client address with
ROPA_LOGIN_FAILURES_PER_CLIENT failed logins within the cool-off time, whatever the
usernames, is locked out as a whole until the oldest of them is older than the cool-off.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from .security import client_address


class LoginLockout(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The failures of the username from this client, or the failure limit itself once
        the client address has too many failures across usernames: axes then locks out
        whatever the username (before authenticating, and on the failure that reaches
        the limit)."""
        failures = super().get_failures(request, credentials)
        if self.client_failures(request) >= settings.ROPA_LOGIN_FAILURES_PER_CLIENT:
            failures = max(failures, get_failure_limit(request, credentials))
        return failures

    def client_failures(self, request) -> int:
        """Failed logins from the request's client address within the cool-off time."""
        address = getattr(request, "axes_ip_address", None) or client_address(request)
        since = timezone.now() - get_cool_off(request)
        return AccessAttempt.objects.filter(
            ip_address=address, attempt_time__gte=since,
        ).aggregate(failures=Sum("failures_since_start"))["failures"] or 0
