"""The settings as deployed: documented, safe by default, and clean under `check --deploy`."""

from __future__ import annotations

import ast
import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from packagegrid.catalog.models import Category
from packagegrid.lib.env import mailer_from_url

ROOT = Path(__file__).resolve().parents[3]
READERS = {"env_str", "env_bool", "env_int", "env_list"}


def _settings_variables() -> set[str]:
    """Names of the environment variables settings.py reads through lib/env.py."""
    tree = ast.parse((ROOT / "packagegrid" / "settings.py").read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in READERS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
    return names


def _production_environment() -> dict[str, str]:
    """The `export` lines of the README's production recipe, with the `...` secrets filled."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Running in production", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    env: dict[str, str] = {}
    for line in block.splitlines():
        if line.startswith("export "):
            for pair in shlex.split(line)[1:]:
                name, _, value = pair.partition("=")
                env[name] = value
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    return {name: value.replace("...", "secret") for name, value in env.items()}


def _run_packagegrid(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return subprocess.run(
        [sys.executable, "-m", "packagegrid", *args],
        env={**base, "DJANGO_SETTINGS_MODULE": "packagegrid.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_it_reads_the_variables_this_test_expects() -> None:
    names = _settings_variables()
    assert {"DEBUG", "SECRET_KEY", "EMAIL_URL", "TRUSTED_PROXY_COUNT", "HTTP_USER_AGENT"} <= names


@pytest.mark.parametrize("document", ["README.md", ".env.example"])
def test_every_variable_settings_read_is_documented(document: str) -> None:
    text = (ROOT / document).read_text()
    if document == "README.md":
        text = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
        missing = sorted(n for n in _settings_variables() if f"`{n}`" not in text)
    else:
        listed = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", text, re.MULTILINE))
        missing = sorted(_settings_variables() - listed)
    assert missing == [], f"{document} does not document {missing}"


def test_the_readme_production_recipe_passes_check_deploy() -> None:
    env = _production_environment()
    assert env["DEBUG"] == "0"
    result = _run_packagegrid(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_mail_would_go_to_the_console() -> None:
    env = _production_environment()
    env.pop("EMAIL_URL")
    result = _run_packagegrid(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "mail.E001" in result.stderr


def test_debug_is_off_unless_set() -> None:
    result = _run_packagegrid(
        {"SECRET_KEY": secrets.token_urlsafe(50)},
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DEBUG, settings.SESSION_COOKIE_SECURE)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_without_debug_a_secret_key_is_required() -> None:
    result = _run_packagegrid({}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_the_production_recipe_turns_on_https_and_trusts_the_proxys_scheme() -> None:
    env = _production_environment()
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, s.MAILERS['default']['BACKEND'])"
    )
    result = _run_packagegrid(env, "shell", "--no-imports", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "31536000 True True True ('HTTP_X_FORWARDED_PROTO', 'https') "
        "django.core.mail.backends.smtp.EmailBackend"
    )


def test_without_a_trusted_proxy_a_forwarded_scheme_is_not_believed() -> None:
    env = _production_environment()
    env["TRUSTED_PROXY_COUNT"] = "0"
    code = "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER)"
    result = _run_packagegrid(env, "shell", "--no-imports", "-c", code)
    assert result.stdout.strip() == "None"


def test_it_reads_e_mail_urls() -> None:
    starttls = mailer_from_url("smtp://me%40example.org:p%2Fss@smtp.example.org")
    assert starttls["OPTIONS"] == {
        "host": "smtp.example.org",
        "port": 587,
        "username": "me@example.org",
        "password": "p/ss",
        "use_tls": True,
        "use_ssl": False,
    }
    implicit = mailer_from_url("smtps://u:p@smtp.example.org")["OPTIONS"]
    assert (implicit["port"], implicit["use_tls"], implicit["use_ssl"]) == (465, False, True)
    plain = mailer_from_url("smtp://relay:25?tls=0")["OPTIONS"]
    assert (plain["port"], plain["use_tls"], plain["use_ssl"]) == (25, False, False)
    assert mailer_from_url("console://")["BACKEND"].endswith("console.EmailBackend")


@pytest.mark.parametrize("url", ["smtp://", "http://smtp.example.org", "smtp.example.org:587"])
def test_it_rejects_bad_e_mail_urls(url: str) -> None:
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        mailer_from_url(url)


@pytest.mark.parametrize(("value", "expected"), [(None, "True 5"), ("0", "None None")])
def test_postgresql_prepares_repeated_statements_unless_told_not_to(
    value: str | None, expected: str
) -> None:
    env = {"SECRET_KEY": secrets.token_urlsafe(50), "DATABASE_URL": "postgres://db/packagegrid"}
    if value is not None:
        env["DATABASE_PREPARED_STATEMENTS"] = value
    code = (
        "from django.conf import settings as s; o = s.DATABASES['default']['OPTIONS']; "
        "print(o.get('server_side_binding'), o.get('prepare_threshold'))"
    )
    result = _run_packagegrid(env, "shell", "--no-imports", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.django_db
def test_a_statement_run_five_times_is_prepared_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    for slug in ["one", "two", "three", "four", "five", "six"]:
        assert not Category.objects.filter(slug=slug).exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "catalog_category" WHERE "catalog_category"."slug" = $_ LIMIT 1'],
        )
        (prepared,) = cursor.fetchone()
    assert prepared == 1
