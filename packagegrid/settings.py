"""Settings, all read from environment variables; the defaults run locally on SQLite.

Every variable is listed in the README and in `.env.example`.
"""

from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from corsheaders.defaults import default_headers as default_cors_headers
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from packagegrid.lib.env import env_bool, env_int, env_list, env_str, mailer_from_url

# Makes the generic classes django-stubs types (ModelAdmin[Package], QuerySet[Grid]) subscriptable.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

# Off unless set: a forgotten variable must not ship a debug site. `make run` sets DEBUG=1.
DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",  # the sitemap.xml template
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc as static files
    "corsheaders",
    "django_filters",  # API v5 list filters
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.github",
    "django_tasks_db",
    "packagegrid.caching",
    "packagegrid.limits",
    "packagegrid.accounts",
    "packagegrid.catalog",
    "packagegrid.maintainers",
    "packagegrid.grids",
    "packagegrid.changes",
    "packagegrid.webhooks",
    "packagegrid.fetchers",
    "packagegrid.search",
    "packagegrid.api",
    "packagegrid.web",
    "packagegrid.health",
    "packagegrid.discovery",
    "packagegrid.downloads",
    "packagegrid.dumps",
    "packagegrid.mcp",
    "packagegrid.watching",
    "packagegrid.demo",
    "packagegrid.benchmarks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # CORS headers on every /api/ answer, cached or refused ones included.
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # PostgreSQL rejects NUL in text: such requests are a 400 before any view or cache.
    "packagegrid.lib.nul.NulRequestMiddleware",
    # Outside the response cache: cached API answers are counted and carry the headers.
    "packagegrid.api.throttle.ApiRateLimitMiddleware",
    # Before sessions and auth: a cached response skips all the work below it.
    "packagegrid.caching.middleware.ResponseCacheMiddleware",
    # Inside the cache (which keys on Accept-Encoding), so a hit is served compressed.
    "packagegrid.api.middleware.ApiGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "packagegrid.limits.middleware.AccountLimitsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "packagegrid.urls"
WSGI_APPLICATION = "packagegrid.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "packagegrid" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite next to the project by default, anything dj-database-url reads otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside a writer; IMMEDIATE transactions plus a busy timeout turn
    # "database is locked" under concurrent writes into a short wait.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if DEBUG else 600
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: the site's queries are short, and a list that sorts every package by
    # correlated subqueries crosses the JIT cost thresholds, whose compilation took more
    # than half of the readiness page's 2.5 s at 30,000 packages (EXPLAIN ANALYZE).
    postgres_options = DATABASES["default"].setdefault("OPTIONS", {})
    postgres_options["options"] = "-c jit=off"
    # Parameters sent apart from the SQL, and a statement run 5 times on a connection
    # prepared there: PostgreSQL then plans it once. Planning was most of the site's short
    # queries (the package page's own: 3.5 ms planning, 0.5 ms running). Off for a pooler
    # that cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
    if env_bool("DATABASE_PREPARED_STATEMENTS", default=True):
        postgres_options["server_side_binding"] = True
        postgres_options["prepare_threshold"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# "default" holds cached pages and fragments; "limits" the rate-limit and login counters,
# which every worker process must share: Redis when REDIS_URL is set, otherwise a table in
# the database (created by `migrate`), never per-process memory.
REDIS_URL = env_str("REDIS_URL")
CACHES: dict[str, dict[str, Any]]
# The rate-limit counters in the database: the store when there is no Redis, and the
# fallback while Redis is unreachable (packagegrid.caching.redis), so limits always hold.
_LIMITS_IN_DATABASE = {
    "BACKEND": "packagegrid.limits.cache.AtomicDatabaseCache",
    "LOCATION": "limits_cache",
    # Counters expire within 15 minutes to an hour; culling never needs to run before
    # that on a site of this size.
    "OPTIONS": {"MAX_ENTRIES": 100_000},
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "packagegrid.caching.redis.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "packagegrid",
        },
        "limits": {
            "BACKEND": "packagegrid.caching.redis.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "packagegrid-limits",
            "OPTIONS": {"FALLBACK": "limits_fallback"},
        },
        "limits_fallback": _LIMITS_IN_DATABASE,
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "limits": _LIMITS_IN_DATABASE,
    }
# How many proxies you run in front of the site, each adding to X-Forwarded-For: the
# client's address is the entry this many from the right (packagegrid.limits.addresses).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# API v3/v4/v5 rate limits (packagegrid.api.throttle): requests per API_RATE_PERIOD
# seconds, per address without an API key, per key with one.
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 120)
API_RATE_LIMIT_KEY = env_int("API_RATE_LIMIT_KEY", 1200)
API_RATE_PERIOD = env_int("API_RATE_PERIOD", 60)

# Anonymous GET responses are cached this long, and dropped at once when any content
# changes (see packagegrid/caching). Off by default while developing.
RESPONSE_CACHE_SECONDS = env_int("RESPONSE_CACHE_SECONDS", 0 if DEBUG else 300)

# A person's change to a package's repository or replacement waits for staff review until
# this many of their edits have taken effect (catalog.review_services).
TRUSTED_EDITS = env_int("TRUSTED_EDITS", 5)

# The change feed (/api/v5/changes/) keeps this many days of changes; a cursor older than
# that is answered 410 Gone (resync from a dump). 0 keeps every change.
CHANGES_RETENTION_DAYS = env_int("CHANGES_RETENTION_DAYS", 90)

# Outgoing webhooks: a failed delivery is tried again after WEBHOOK_RETRY_SECONDS, doubled
# each time, WEBHOOK_MAX_ATTEMPTS times in all. Destinations on private or loopback
# addresses are refused unless WEBHOOKS_ALLOW_PRIVATE (development and tests).
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)
WEBHOOK_RETRY_SECONDS = env_int("WEBHOOK_RETRY_SECONDS", 60)
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", default=False)

# Background work: tasks are rows in the database, run by `packagegrid worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A task RUNNING longer than this is taken to have lost its worker (on another machine)
# and is run again (packagegrid.fetchers.taskqueue); far longer than any task runs.
TASK_LEASE_SECONDS = env_int("TASK_LEASE_SECONDS", 6 * 3600)

# Where `packagegrid dump` and the nightly dump task write the data dumps that /data/ serves.
DUMP_DIR = Path(env_str("DUMP_DIR") or BASE_DIR / "var" / "dumps")

GITHUB_CLIENT_ID = env_str("GITHUB_CLIENT_ID")
GITHUB_CLIENT_SECRET = env_str("GITHUB_CLIENT_SECRET")

# Accounts (django-allauth): local accounts by username or e-mail; GitHub login when its
# OAuth app is configured. Logging out takes a POST.
AUTHENTICATION_BACKENDS = [
    # Django's ModelBackend behind the login throttle: each attempt is counted and refused
    # past the limits, for the admin and the site alike (packagegrid.limits.login).
    "packagegrid.limits.login.LoginThrottleBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_LOGOUT_ON_GET = False
# allauth's rate limits count in the default cache; packagegrid.limits replaces them.
ACCOUNT_RATE_LIMITS = False
# Every sign-up gets a profile; a GitHub sign-up fills in its GitHub account.
ACCOUNT_ADAPTER = "packagegrid.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "packagegrid.accounts.adapters.SocialAccountAdapter"
ACCOUNT_FORMS = {"login": "packagegrid.accounts.forms.LoginForm"}
# /profiles/edit/ is the profile form, so nobody may be called "edit".
ACCOUNT_USERNAME_BLACKLIST = ["edit"]
# Keep the GitHub token of a GitHub login: a maintainer claim asks GitHub with it whether
# the person has admin or maintain rights on the repository (packagegrid.maintainers).
SOCIALACCOUNT_STORE_TOKENS = True
# A verified maintainer's rights are asked of GitHub again at their next action once the
# last confirmation is older than this; a claim whose rights are gone lapses.
MAINTAINER_RECHECK_SECONDS = env_int("MAINTAINER_RECHECK_SECONDS", 3600)
SOCIALACCOUNT_PROVIDERS = {
    "github": {
        "SCOPE": ["read:user", "user:email"],
        **(
            {"APPS": [{"client_id": GITHUB_CLIENT_ID, "secret": GITHUB_CLIENT_SECRET}]}
            if GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET
            else {}
        ),
    }
}
# Mail goes to the console by default; set EMAIL_URL, or EMAIL_HOST and friends, to send
# it by SMTP (`check --deploy` warns about console mail when DEBUG is off).
_email_url = env_str("EMAIL_URL")
_smtp_host = env_str("EMAIL_HOST")
if _email_url:
    MAILERS = {"default": mailer_from_url(_email_url)}
elif _smtp_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _smtp_host,
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "packagegrid <noreply@localhost>")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# UTC by default; America/New_York reproduces djangopackages.org's timestamps exactly.
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "packagegrid" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "packagegrid.api.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "packagegrid.api.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "packagegrid.api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

# The OpenAPI schema of API v3, v4 and v5 at /api/schema/ (packagegrid/api/schema.py).
SPECTACULAR_SETTINGS = {
    # Search results name their kind in two serializers: one enum, one name.
    "ENUM_NAME_OVERRIDES": {"SearchItemTypeEnum": ["package", "grid"]},
    "TITLE": "packagegrid API",
    "DESCRIPTION": (
        "Read-only APIs of packagegrid, a directory of reusable Django packages. "
        "API v4 and v3 are wire-compatible with djangopackages.org's; API v5 adds health, "
        "compatibility, advisories and releases. See /api/ for an overview."
    ),
    "VERSION": "5",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Tags by API version ("v3", "v4", "v5").
    "SCHEMA_PATH_PREFIX": r"/api",
    "SCHEMA_PATH_PREFIX_TRIM": False,
    # The routers' `.json` suffix routes repeat their operation.
    "PREPROCESSING_HOOKS": ["drf_spectacular.hooks.preprocess_exclude_path_format"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "packagegrid.api.schema.document_refused_requests",
    ],
    # The API needs no credentials; only API v3's users need a logged-in session.
    "AUTHENTICATION_WHITELIST": ["rest_framework.authentication.SessionAuthentication"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# CORS (django-cors-headers): any origin may GET the API, without credentials (no
# cookies), so another site's page can read public data but never act as a visitor.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = [*default_cors_headers, "x-api-key"]
CORS_EXPOSE_HEADERS = ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After"]

# Outbound HTTP: every base URL is configurable so tests can talk to a local server.
HTTP_TIMEOUT_SECONDS = float(env_str("HTTP_TIMEOUT_SECONDS", "10"))
HTTP_USER_AGENT = env_str("HTTP_USER_AGENT", f"packagegrid (+{SITE_URL})")
GITHUB_TOKEN = env_str("GITHUB_TOKEN")
GITLAB_TOKEN = env_str("GITLAB_TOKEN")
GITHUB_API_URL = env_str("GITHUB_API_URL", "https://api.github.com").rstrip("/")
GITLAB_API_URL = env_str("GITLAB_API_URL", "https://gitlab.com/api/v4").rstrip("/")
BITBUCKET_API_URL = env_str("BITBUCKET_API_URL", "https://api.bitbucket.org/2.0").rstrip("/")
CODEBERG_API_URL = env_str("CODEBERG_API_URL", "https://codeberg.org/api/v1").rstrip("/")
PYPI_URL = env_str("PYPI_URL", "https://pypi.org").rstrip("/")
GITHUB_WEBHOOK_SECRET = env_str("GITHUB_WEBHOOK_SECRET")
# CI files (tox.ini, workflows, noxfile.py) are an optional compatibility source with
# their own budget: at most this many GitHub requests per `fetch_ci` run; 0 turns it off.
GITHUB_CI_REQUESTS_PER_RUN = env_int("GITHUB_CI_REQUESTS_PER_RUN", 0)
# `discover`: the category (slug) that discovered packages are listed in until reviewed,
# and how many PyPI documents it asks for at once.
DISCOVERY_CATEGORY = env_str("DISCOVERY_CATEGORY", "apps")
DISCOVERY_CONCURRENCY = env_int("DISCOVERY_CONCURRENCY", 8)

# Downloads (pypistats.org) are an optional source of the fetch run with their own budget:
# at most this many pypistats requests per run (two per package); 0 turns it off.
PYPISTATS_URL = env_str("PYPISTATS_URL", "https://pypistats.org").rstrip("/")
PYPISTATS_REQUESTS_PER_RUN = env_int("PYPISTATS_REQUESTS_PER_RUN", 0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # One line per request is too much on a refresh of thousands of packages.
        "httpx": {"level": "WARNING"},
    },
}

# Content-Security-Policy on every response (Django's middleware): scripts and styles only
# from our own static files, so injected markup cannot run script. No page has inline
# script; htmx's inline indicator style is switched off (base.html) and lives in site.css.
# Style attributes stay allowed for the admin's and the browsable API's own templates.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "https:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

if not DEBUG:
    SECURE_CONTENT_TYPE_NOSNIFF = True
    # HTTPS is the production default: cookies only over HTTPS, browsers told to stay on
    # HTTPS (HSTS) and plain-HTTP requests redirected. SECURE_COOKIES=0 (and HSTS_SECONDS=0,
    # SECURE_SSL_REDIRECT=0) serve a site on plain HTTP.
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=SITE_URL.startswith("https"))
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=SESSION_COOKIE_SECURE)
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31_536_000 if SESSION_COOKIE_SECURE else 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", default=False)
    SECURE_REFERRER_POLICY = "same-origin"
    # Behind a TLS-terminating proxy the app sees plain HTTP; the proxy's
    # X-Forwarded-Proto says what the browser used. Only trust it when such a proxy is
    # in front (TRUSTED_PROXY_COUNT > 0); otherwise any client could claim HTTPS.
    if TRUSTED_PROXY_COUNT > 0:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if not SECURE_HSTS_PRELOAD:
        # Preloading puts the domain into browsers' built-in HTTPS-only lists, which is
        # hard to undo: an explicit choice (HSTS_PRELOAD=1), not something a check forces.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
