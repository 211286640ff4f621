"""Production settings, brute-force lockout, health endpoint, security log."""

import contextlib
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
GOOD_PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "ropa.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "ropa.example.org",
    "DEBUG": "false",
}


def manage(*args, env=None, timeout=120):
    # The browser tests allow async-unsafe ORM calls in this process; a deployment must not.
    full_env = {k: v for k, v in os.environ.items()
                if k not in GOOD_PRODUCTION_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def test_deploy_check_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=GOOD_PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("change", "setting"),
    [({"SECRET_KEY": ""}, "SECRET_KEY"), ({"DEBUG": "true"}, "DEBUG"),
     ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS")],
)
def test_misconfigured_production_stops_naming_the_setting(change, setting):
    result = manage("check", env={**GOOD_PRODUCTION_ENV, **change})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{setting} must" in result.stderr


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account(client, settings):
    user = UserFactory(username="target", is_staff=True)
    url = reverse("admin:login")
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3):
        for _ in range(3):
            response = client.post(url, {"username": "target", "password": "wrong"})
        assert response.status_code == 429
        # The right password no longer opens the door while the lock lasts.
        response = client.post(url, {"username": user.username,
                                     "password": "correct horse battery staple"})
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_failed_login_is_logged(client, caplog):
    with caplog.at_level("WARNING", logger="ropa.security"):
        client.post(reverse("admin:login"), {"username": "mallory", "password": "x"})
    assert any("login failed user=mallory" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_health_is_ok_when_database_and_broker_answer(client):
    response = client.get("/health/")
    assert response.status_code == 200, response.json()
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_health_fails_when_the_broker_is_down(client, settings):
    from ropa.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/health/")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"].startswith("error")


def test_health_fails_when_the_database_is_down():
    script = (
        "from django.test import Client; r = Client().get('/health/'); "
        "print(r.status_code); print(r.content.decode())"
    )
    result = manage("shell", "-c", script, env={
        "DJANGO_SETTINGS_MODULE": "ropa.settings.test",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",
    })
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-2:]
    assert status == "503"
    assert '"database": "error' in body


needs_postgres = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql"),
    reason="gunicorn's workers need a database server to reach")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_database_url() -> str:
    """The URL of the database this test runs on, for a server started beside it."""
    from django.db import connection

    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


@contextlib.contextmanager
def gunicorn(env: dict, log: Path, workers: int = 2):
    """A real gunicorn serving ropa.wsgi with ropa/gunicorn.py and exactly ``env`` (plus
    PATH); answers its base URL once /health/ answers."""
    port = free_port()
    full_env = {"PATH": os.environ["PATH"], **env, "GUNICORN_BIND": f"127.0.0.1:{port}",
                "GUNICORN_WORKERS": str(workers)}
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "ropa.wsgi:application",
             "--config", "ropa/gunicorn.py", "--log-level", "info"],
            cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(
                    urllib.request.Request(f"{base}/health/", headers={"Host": "127.0.0.1"}),
                    timeout=5)
                break
            except urllib.error.HTTPError:
                break  # it answers (with an error page, which the test examines)
            except OSError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.django_db
@needs_postgres
def test_gunicorn_serves_with_the_shipped_settings(tmp_path):
    """ropa/gunicorn.py: the app is loaded once in the master (preload_app) and each worker
    forked from it answers with a database connection of its own."""
    env = {**GOOD_PRODUCTION_ENV, "ALLOWED_HOSTS": "127.0.0.1",
           "DATABASE_URL": test_database_url()}
    log = tmp_path / "gunicorn.log"
    with gunicorn(env, log) as base:
        health = urllib.request.urlopen(f"{base}/health/", timeout=5)
        assert health.status == 200
        # A token is looked up in the database by whichever worker takes the call (the
        # test's own data is not committed, so this one is unknown to the workers too).
        request = urllib.request.Request(
            f"{base}/api/v1/activities/",
            headers={"Authorization": "Token 0123456789abcdef", "X-Forwarded-Proto": "https"})
        for _ in range(6):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=10)
            assert refused.value.code == 401
            assert json.loads(refused.value.read())["errors"][0]["message"] == "Invalid token."
    text = log.read_text()
    assert text.count("Booting worker") == 2, text
    assert "Traceback" not in text and "[ERROR]" not in text, text


@pytest.mark.django_db
@needs_postgres
def test_gunicorn_without_a_settings_module_serves_production(tmp_path):
    """No DJANGO_SETTINGS_MODULE: an unknown page asked for under a foreign host name gets
    the plain 404 of production, never the debug page or the repository's key."""
    # What production needs, and nothing that would choose settings: no settings module,
    # no DEBUG.
    env = {k: v for k, v in GOOD_PRODUCTION_ENV.items()
           if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG")}
    env.update(DATABASE_URL=test_database_url(), ALLOWED_HOSTS="ropa.example.org,127.0.0.1")
    log = tmp_path / "gunicorn.log"
    with gunicorn(env, log, workers=1) as base:
        request = urllib.request.Request(
            f"{base}/no-such-page/",
            headers={"Host": "ropa.example.org", "X-Forwarded-Proto": "https"})
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(request, timeout=10)
        body = answer.value.read().decode()
        assert answer.value.code == 404
        assert "DEBUG = True" not in body and "URLconf" not in body, body[:500]
        # A host name the app is not served under: a plain 400, no debug page either.
        foreign = urllib.request.Request(
            f"{base}/no-such-page/",
            headers={"Host": "attacker.example", "X-Forwarded-Proto": "https"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(foreign, timeout=10)
        body = refused.value.read().decode()
        assert refused.value.code == 400
        assert "DisallowedHost" not in body and "DEBUG = True" not in body, body[:500]
        # The production settings ask for HTTPS: plain HTTP is redirected.
        plain = urllib.request.Request(f"{base}/no-such-page/",
                                       headers={"Host": "ropa.example.org"})
        with pytest.raises(urllib.error.HTTPError) as redirected:
            urllib.request.build_opener(_NoRedirect).open(plain, timeout=10)
        assert redirected.value.code == 301
        assert redirected.value.headers["Location"].startswith("https://ropa.example.org/")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.parametrize("module", ["ropa", "ropa.celery", "ropa.wsgi", "ropa.asgi"])
def test_server_entry_points_default_to_production(module):
    """The worker and beat (celery -A ropa) and the web servers take the same rule; without
    the production variables they stop naming the missing setting."""
    env = {k: v for k, v in os.environ.items()
           if k not in GOOD_PRODUCTION_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    script = (f"import os, {module}, django.conf; "
              "print(os.environ['DJANGO_SETTINGS_MODULE']); django.conf.settings.DEBUG")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert "ropa.settings.local" not in result.stdout
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr, result.stderr[-2000:]


def test_manage_py_keeps_the_development_settings_for_developers():
    result = manage("shell", "-c", "from django.conf import settings; "
                    "print(settings.SETTINGS_MODULE, settings.DEBUG)",
                    env={"DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["ropa.settings.local", "True"]
