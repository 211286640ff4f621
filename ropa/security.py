"""Security events (logins, failed logins, refused access) written to the log.

The ``ropa.security`` logger is what an operator ships to a SIEM.
"""

import functools
import http
import ipaddress
import logging

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.decorators import csp_update
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as _CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.signals import setting_changed

logger = logging.getLogger("ropa.security")


def client_address(request) -> str:
    """The address of the client that sent the request: the address that connected
    (REMOTE_ADDR), or behind TRUSTED_PROXY_COUNT proxies the one the outermost of them
    added to X-Forwarded-For (entries further left were written by the client and are not
    believed). The one rule for the login lockout (django-axes), the API's throttles and
    the security log."""
    if request is None:
        return "-"
    remote = request.META.get("REMOTE_ADDR") or "-"
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if not proxies:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if len(forwarded) < proxies:
        return remote  # not through the configured proxies
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


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


#: Response attributes set by django-csp's decorators: a policy of that response's own.
_RESPONSE_POLICY = ("_csp_config", "_csp_update", "_csp_replace",
                    "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")


@functools.cache
def _site_policies(evaluating: bool = False) -> tuple[tuple[str, str, str], ...]:
    """(header, policy, setting) of the site-wide policies, built from the settings once.
    ``evaluating``: those of the pages whose scripts evaluate expressions (the admin
    theme's Alpine.js, under ROPA_CSP_EVAL_PATHS): the site's, updated with ROPA_CSP_EVAL."""
    update = getattr(settings, "ROPA_CSP_EVAL", None) if evaluating else None
    return tuple((header, build_policy(update=update, report_only=report_only), name)
                 for header, report_only, name in (
                     (HEADER, False, "CONTENT_SECURITY_POLICY"),
                     (HEADER_REPORT_ONLY, True, "CONTENT_SECURITY_POLICY_REPORT_ONLY"))
                 if build_policy(report_only=report_only))


def evaluating_page(view):
    """A view whose page is drawn by the admin theme wherever it is served (the error
    pages): its policies are those of ROPA_CSP_EVAL_PATHS (django-csp's ``csp_update``)."""

    @functools.wraps(view)
    def page(*args, **kwargs):
        update = getattr(settings, "ROPA_CSP_EVAL", None) or {}
        return csp_update(update)(csp_update(update, REPORT_ONLY=True)(view))(*args, **kwargs)

    return page


def _settings_changed(setting, **kwargs):
    if setting.startswith(("CONTENT_SECURITY_POLICY", "ROPA_CSP_EVAL")):
        _site_policies.cache_clear()


setting_changed.connect(_settings_changed, dispatch_uid="ropa_csp_policies")


class CSPMiddleware(_CSPMiddleware):
    """django-csp's middleware, with the site-wide policy built once instead of on every
    response. A response that asked for a nonce or carries a policy of its own (django-csp's
    decorators) is handled by django-csp itself, as are its exemptions and exclusions."""

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in _RESPONSE_POLICY
        ):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (
            http.HTTPStatus.INTERNAL_SERVER_ERROR, http.HTTPStatus.NOT_FOUND
        ):
            return response
        evaluating = request.path_info.startswith(
            tuple(getattr(settings, "ROPA_CSP_EVAL_PATHS", None) or ()))
        for header, policy, name in _site_policies(evaluating):
            exempt = "_csp_exempt_ro" if header == HEADER_REPORT_ONLY else "_csp_exempt"
            prefixes = (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if (header not in response and getattr(response, exempt, False) is False
                    and not request.path_info.startswith(tuple(prefixes))):
                response[header] = policy
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
