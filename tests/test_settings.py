"""Production mode refuses to start with missing or malformed settings and names the variable;
a complete production configuration passes `check --deploy` without warnings."""

import pytest

from .processes import manage

PRODUCTION = {
    "NOTLAGEN_MODE": "production",
    "SECRET_KEY": "k7Qw-p2vX9zL4mN8rT1yB6cF3hJ0sD5gA2eW7uI4oP9qZ1xC8vB3nM6lK0jH5gF2dS",
    "ALLOWED_HOSTS": "notlagen.example.de",
    "SITE_URL": "https://notlagen.example.de",
    "DATABASE_URL": "postgres://notlagen@db.internal:5432/notlagen",
    "CELERY_BROKER_URL": "redis://broker.internal:6379/0",
    "DEFAULT_FROM_EMAIL": "notlagen@example.de",
    "EMAIL_URL": "smtp+tls://notlagen:secret@mail.example.de:587",
    "ACCESS_LOG_SEAL_KEYS": "2026:Vq8Rz3Lm1Xp6Tn4Wb9Kc2Hd7Fs0Gj5Ye",
}


def test_complete_production_configuration_passes_check_deploy():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "variable",
    [
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "SITE_URL",
        "DEFAULT_FROM_EMAIL",
        "ACCESS_LOG_SEAL_KEYS",
    ],
)
def test_missing_variable_is_named(variable):
    env = {k: v for k, v in PRODUCTION.items() if k != variable}
    result = manage("check", **env)
    assert result.returncode != 0
    assert f"{variable} must be set" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SECRET_KEY", "django-insecure-short", "SECRET_KEY must be a random value"),
        ("SECRET_KEY", "a" * 60, "SECRET_KEY must be a random value"),
        ("DEBUG", "vielleicht", "DEBUG must be true or false"),
        ("DEBUG", "true", "DEBUG must not be true in production mode"),
        ("SESSION_IDLE_MINUTES", "dreißig", "SESSION_IDLE_MINUTES must be a whole number"),
        ("LOGIN_FAILURE_LIMIT", "0", "LOGIN_FAILURE_LIMIT must be at least 1"),
        ("DATABASE_URL", "nonsense", "DATABASE_URL is not a valid database URL"),
        ("CELERY_BROKER_URL", "filesystem://", "CELERY_BROKER_URL must name a Redis or RabbitMQ server"),
        ("NOTLAGEN_DEMO_RELAX_SECOND_FACTOR", "true", "only allowed with NOTLAGEN_MODE=demo"),
        ("NOTLAGEN_MODE", "staging", "NOTLAGEN_MODE must be one of"),
    ],
)
def test_malformed_variable_is_named(variable, value, message):
    result = manage("check", **{**PRODUCTION, variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_demo_mode_starts_on_the_embedded_default():
    result = manage("check", NOTLAGEN_MODE="demo", SECRET_KEY="demo-only")
    assert result.returncode == 0, result.stderr
