"""Typed readers for environment variables that fail loudly on bad values."""

import os
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    """Return the variable, or `default` when it is unset."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    """Return the variable read as a boolean (1/true/yes/on, 0/false/no/off).

    Raises ImproperlyConfigured for any other value, so a typo is not read as False.
    """
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1/0, true/false).")


def env_int(name: str, default: int) -> int:
    """Return the variable read as an integer; raises ImproperlyConfigured if it is not one."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated variable as a list of stripped, non-empty items."""
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def mailer_from_url(url: str) -> dict[str, Any]:
    """Return a MAILERS entry for an e-mail URL.

    - `smtp://user:password@host:587` sends by SMTP with STARTTLS (add `?tls=0` to send
      unencrypted, e.g. to a local relay on port 25);
    - `smtps://user:password@host:465` sends by SMTP over TLS;
    - `console://` prints mail to the console (development only).

    User and password are percent-decoded. Raises ImproperlyConfigured for any other scheme
    or a URL without a host.
    """
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ImproperlyConfigured(
            "EMAIL_URL must look like smtp://user:password@host:587, "
            "smtps://user:password@host:465 or console://"
        )
    query = parse_qs(parts.query)
    implicit_tls = parts.scheme == "smtps"
    starttls = not implicit_tls and query.get("tls", ["1"])[0].lower() not in _FALSE
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": parts.hostname,
            "port": parts.port or (465 if implicit_tls else 587),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_tls": starttls,
            "use_ssl": implicit_tls,
        },
    }
