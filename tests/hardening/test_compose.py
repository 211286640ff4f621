"""docker-compose.yml: PostgreSQL, Redis, web, worker and exactly one beat, from one
shared app definition. (No Docker engine runs the tests; the file is checked as data.)"""

from pathlib import Path

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
