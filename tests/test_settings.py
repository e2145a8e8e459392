import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent

# The production variables the README documents.
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x7Jq2mV9pL4sT8wZ1cR6yB3nK0hF5dG2aE7uI9oP4lM1qW8zX3vC6bN0",
    "DJANGO_ALLOWED_HOSTS": "hub.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://hub.example.org",
    "DJANGO_SECURE_SSL_REDIRECT": "true",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "DJANGO_SECURE_HSTS_PRELOAD": "true",
    "DJANGO_SESSION_COOKIE_SECURE": "true",
    "DJANGO_CSRF_COOKIE_SECURE": "true",
}


def manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_deploy_check_is_clean_with_the_documented_production_variables():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_warns_when_the_secret_key_is_generated():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}

    result = manage("check", "--deploy", **env)

    assert "safetyhub.W001" in result.stderr


def test_a_bad_boolean_setting_names_the_variable():
    result = manage("check", DJANGO_DEBUG="maybe")

    assert result.returncode != 0
    assert "DJANGO_DEBUG='maybe': use true or false" in result.stderr


@pytest.mark.django_db
def test_ensure_admin_uses_the_credentials_from_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "editor-in-chief")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long passphrase")

    call_command("ensure_admin", stdout=io.StringIO())

    user = get_user_model().objects.get(username="editor-in-chief")
    assert user.is_superuser and user.check_password("a long passphrase")


@pytest.mark.django_db
def test_ensure_admin_generates_and_prints_a_password(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("DJANGO_SUPERUSER_USERNAME", raising=False)
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    monkeypatch.setattr(
        "catalog.management.commands.ensure_admin.CREDENTIALS_FILE", tmp_path / "credentials"
    )

    call_command("ensure_admin")
    call_command("ensure_admin")

    printed = capsys.readouterr().out
    password = (tmp_path / "credentials").read_text().split()[1]
    assert printed.count(f"password '{password}'") == 2
    assert get_user_model().objects.get(username="admin").check_password(password)
