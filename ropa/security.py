"""Security events (logins, failed logins, refused access) written to the log.

The ``ropa.security`` logger is what an operator ships to a SIEM.
"""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

logger = logging.getLogger("ropa.security")


def client_address(request) -> str:
    if request is None:
        return "-"
    return request.META.get("REMOTE_ADDR", "-")


def _logged_in(sender, request, user, **kwargs):
    logger.info("login user=%s ip=%s", user.get_username(), client_address(request))


def _logged_out(sender, request, user, **kwargs):
    logger.info("logout user=%s ip=%s", user.get_username() if user else "-",
                client_address(request))


def _login_failed(sender, credentials, request=None, **kwargs):
    logger.warning("login failed user=%s ip=%s", credentials.get("username", "-"),
                   client_address(request))


def log_permission_denied(request, reason: str) -> None:
    """Called where access is refused (403, or 404 for another organisation's object)."""
    user = getattr(request, "user", None)
    logger.warning("permission denied user=%s ip=%s path=%s reason=%s",
                   user.get_username() if user is not None and user.is_authenticated else "-",
                   client_address(request), request.path, reason)


def connect():
    user_logged_in.connect(_logged_in, dispatch_uid="ropa_security_login")
    user_logged_out.connect(_logged_out, dispatch_uid="ropa_security_logout")
    user_login_failed.connect(_login_failed, dispatch_uid="ropa_security_login_failed")


class PermissionDeniedLogMiddleware:
    """Logs every refused request (401, 403) with who asked for what."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (401, 403):
            log_permission_denied(request, f"status {response.status_code}")
        return response
