"""The development server of `make run`: its port, its database connections, quiet output."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.hardening.test_production import free_port, needs_postgres, test_database_url

ROOT = Path(__file__).resolve().parents[2]


def clean_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "PORT")}
    env.update(extra)
    return env


def serve(port: str, var_dir: Path) -> subprocess.CompletedProcess:
    env = clean_env(PORT=port, ROPA_VAR_DIR=str(var_dir))
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    return subprocess.run(["bash", "bin/serve"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)


def test_make_run_stops_before_migrating_when_the_port_is_taken(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = serve(str(port), tmp_path)
    assert result.returncode != 0
    assert f"Port {port} on 127.0.0.1 is already in use" in result.stderr
    assert f"make run PORT={port + 1}" in result.stderr
    assert not (tmp_path / "db.sqlite3").exists()  # nothing migrated


def test_make_run_names_a_bad_port(tmp_path):
    result = serve("80a", tmp_path)
    assert result.returncode != 0
    assert "PORT must be a number from 1 to 65535; got '80a'." in result.stderr
    assert not (tmp_path / "db.sqlite3").exists()


def test_makefile_passes_the_port_to_the_server():
    makefile = (ROOT / "Makefile").read_text()
    assert "PORT ?= 8000" in makefile
    assert "PORT=$(PORT) bash bin/serve" in makefile


def test_management_commands_do_not_announce_axes(tmp_path):
    env = clean_env(DJANGO_SETTINGS_MODULE="ropa.settings.test")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "AXES" not in result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_the_embedded_broker_connection_names_its_host(tmp_path):
    """The worker of `make run` (embedded broker) starts without kombu's warning about a
    missing host name."""
    env = clean_env(DJANGO_SETTINGS_MODULE="ropa.settings.local", ROPA_VAR_DIR=str(tmp_path))
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)
    script = ("from ropa.celery import app; c = app.connection_for_write(); "
              "print(c.transport_cls, c.info()['hostname'])")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["filesystem", "localhost"]
    assert "No hostname" not in result.stderr, result.stderr


@pytest.mark.django_db
@needs_postgres
def test_runserver_keeps_no_connection_per_request_thread(tmp_path, django_db_blocker):
    """runserver answers each request in a thread of its own: with persistent connections
    each thread would keep one open until PostgreSQL refuses new clients."""
    from django.db import connection

    name = f"ropa-runserver-{uuid.uuid4().hex[:8]}"
    port = free_port()
    env = clean_env(DJANGO_SETTINGS_MODULE="ropa.settings.test", CONN_MAX_AGE="60",
                    DATABASE_URL=f"{test_database_url()}?application_name={name}")
    log = tmp_path / "runserver.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=5)
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        for _ in range(20):
            answer = urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=10)
            assert answer.status == 200
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                           [name])
            held = cursor.fetchone()[0]
    finally:
        server.terminate()
        server.wait(timeout=30)
    # At most the one the start-up checks opened in the main thread.
    assert held <= 1, (held, log.read_text())
