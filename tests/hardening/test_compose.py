"""docker-compose.yml: PostgreSQL, Redis, web, worker and exactly one beat, from one
shared app definition. (No Docker engine runs the tests; the file is checked as data.)"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def load():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_services_and_shared_definition():
    compose = load()
    services = compose["services"]
    assert {"db", "redis", "migrate", "web", "worker", "beat"} <= set(services)
    app = compose["x-app"]
    for name in ("migrate", "web", "worker", "beat"):
        service = services[name]
        assert service["image"] == app["image"]
        assert service["environment"]["DJANGO_SETTINGS_MODULE"] == "ropa.settings.production"
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
        assert service["environment"]["REDIS_URL"].startswith("redis://redis:6379")
    assert services["web"]["command"][0] == "gunicorn"
    assert services["worker"]["command"][:4] == ["celery", "-A", "ropa", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "ropa", "beat"]
    beats = [n for n, s in services.items() if "beat" in (s.get("command") or [])]
    assert beats == ["beat"]
    assert "replicas" not in services["beat"].get("deploy", {})


def test_app_waits_for_healthy_database_and_migrations():
    services = load()["services"]
    assert services["db"]["healthcheck"]["test"]
    assert services["redis"]["healthcheck"]["test"]
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully")


def test_env_example_names_the_required_production_settings():
    text = (ROOT / ".env.example").read_text()
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_URL"):
        assert f"{name}=" in text


def compose_command() -> list[str] | None:
    """Compose's own command line: the Docker plugin, else the standalone docker-compose."""
    if shutil.which("docker") and subprocess.run(
            ["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def test_compose_itself_parses_the_file_with_the_example_settings(tmp_path):
    """What `docker compose config` says of the file, with .env.example as the .env (no
    engine is needed to parse it). CI installs Compose and requires this check."""
    command = compose_command()
    if command is None:
        if os.environ.get("ROPA_COMPOSE_CHECK") == "required":
            pytest.fail("ROPA_COMPOSE_CHECK=required but neither `docker compose` nor "
                        "`docker-compose` is installed")
        pytest.skip("Compose is not installed")
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run([*command, "config"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)["services"]
    assert {"db", "redis", "migrate", "web", "worker", "beat"} <= set(resolved)
    web = resolved["web"]
    assert web["command"] == ["gunicorn", "ropa.wsgi:application", "--config", "ropa/gunicorn.py"]
    assert web["environment"]["ALLOWED_HOSTS"]  # from the .env
    assert web["environment"]["DJANGO_SETTINGS_MODULE"] == "ropa.settings.production"
