"""Content-Security-Policy (ropa.security.CSPMiddleware, built on django-csp): the site-wide
policy is built once and is the one django-csp would write; responses with a policy or a
nonce of their own are left to django-csp."""

import pytest
from csp.constants import NONCE
from csp.decorators import csp_exempt, csp_update
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from ropa.security import CSPMiddleware

POLICY = {"DIRECTIVES": {"default-src": ["'self'"], "script-src": ["'self'", NONCE]}}


def serve(view, path="/somewhere/"):
    request = RequestFactory().get(path)
    return CSPMiddleware(view)(request), request


def plain(request):
    return HttpResponse("ok")


def directives(header: str) -> dict[str, set[str]]:
    parts = (p.split() for p in header.split(";") if p.strip())
    return {name: set(values) for name, *values in parts}


@pytest.mark.django_db
def test_pages_and_api_carry_the_site_policy(client, admin_user):
    """Nothing is evaluated, except by the admin theme's Alpine.js: on the admin's pages and
    on the error pages, which the theme draws, script-src adds 'unsafe-eval'."""
    site = directives(build_policy())
    assert site["frame-ancestors"] == {"'none'"} and site["script-src"] == {"'self'"}
    theme = {**site, "script-src": {"'self'", "'unsafe-eval'"}}
    assert directives(client.get("/admin/login/")["Content-Security-Policy"]) == theme
    assert directives(client.get("/no/such/page/")["Content-Security-Policy"]) == theme
    client.force_login(admin_user)
    assert directives(client.get("/admin/")["Content-Security-Policy"]) == theme
    for path in ("/api/v1/activities/", "/api/v1/docs/", "/api/v1/schema/", "/health/"):
        response = client.get(path)
        assert response.status_code in (200, 503), path
        assert directives(response["Content-Security-Policy"]) == site, path
    # A 404 of the API answers JSON, which evaluates nothing either way.
    assert client.get("/api/v1/nothing-here/").status_code == 404


def test_the_pages_that_evaluate_follow_the_settings():
    with override_settings(ROPA_CSP_EVAL_PATHS=["/embed/"],
                           ROPA_CSP_EVAL={"script-src": ["https://cdn.example.org"]}):
        embedded, _ = serve(plain, "/embed/widget/")
        admin, _ = serve(plain, "/admin/")
    assert directives(embedded["Content-Security-Policy"])["script-src"] == {
        "'self'", "https://cdn.example.org"}
    assert directives(admin["Content-Security-Policy"])["script-src"] == {"'self'"}
    again, _ = serve(plain, "/admin/")
    assert "'unsafe-eval'" in directives(again["Content-Security-Policy"])["script-src"]


def test_a_change_of_settings_changes_the_policy():
    first, _ = serve(plain)
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]}}):
        changed, _ = serve(plain)
    again, _ = serve(plain)
    assert changed["Content-Security-Policy"] == "default-src 'none'"
    assert first["Content-Security-Policy"] == again["Content-Security-Policy"] != (
        changed["Content-Security-Policy"])


def test_report_only_policy_when_configured():
    with override_settings(CONTENT_SECURITY_POLICY_REPORT_ONLY={
            "DIRECTIVES": {"default-src": ["'self'"], "report-uri": "/csp-report/"}}):
        response, _ = serve(plain)
    assert response["Content-Security-Policy-Report-Only"] == (
        "default-src 'self'; report-uri /csp-report/")
    assert "Content-Security-Policy" in response


@override_settings(CONTENT_SECURITY_POLICY=POLICY)
def test_a_nonce_used_by_the_page_is_in_its_policy():
    def page(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}"></script>')

    response, request = serve(page)
    nonce = str(request._csp_nonce)
    assert f"'nonce-{nonce}'" in directives(response["Content-Security-Policy"])["script-src"]
    other, _ = serve(page)
    assert nonce not in other["Content-Security-Policy"]


@override_settings(CONTENT_SECURITY_POLICY=POLICY)
def test_a_nonce_asked_for_after_the_header_is_written_is_an_error():
    from csp.exceptions import CSPNonceError

    response, request = serve(plain)
    assert "nonce-" not in response["Content-Security-Policy"]
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


def test_decorated_views_keep_their_own_policy():
    updated, _ = serve(csp_update({"img-src": ["https://maps.example.org"]})(plain))
    assert "https://maps.example.org" in directives(updated["Content-Security-Policy"])["img-src"]
    exempt, _ = serve(csp_exempt()(plain))
    assert "Content-Security-Policy" not in exempt


def test_excluded_prefixes_get_no_policy():
    with override_settings(CONTENT_SECURITY_POLICY={
            "EXCLUDE_URL_PREFIXES": ["/embed/"], "DIRECTIVES": {"default-src": ["'self'"]}}):
        excluded, _ = serve(plain, "/embed/widget/")
        kept, _ = serve(plain, "/other/")
    assert "Content-Security-Policy" not in excluded
    assert kept["Content-Security-Policy"] == "default-src 'self'"
