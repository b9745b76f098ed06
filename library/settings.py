"""Settings for the evidence library, read from the environment.

One module on purpose: every value a deployment can change is read here through a
small typed helper that refuses ambiguous input, so a typo fails at start-up rather
than silently falling back to a default.
"""

import json
import os
import sys
from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {sorted(_TRUE | _FALSE)}, not {raw!r}.")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


DEBUG = env_bool("DJANGO_DEBUG", default=False)
TESTING = "pytest" in sys.modules

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-never-use-in-production"
    else:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. "
            "Set it to a long random string, or set DJANGO_DEBUG=1 for local development."
        )

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG or TESTING else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "library.apps.LibraryAdminConfig",  # the admin, asking staff for a second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "django_htmx",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "resources",
]

MIDDLEWARE = [
    "library.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "library.permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "library.unstorable_input.UnstorableInputMiddleware",  # NUL in an address: 400 or 404
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",  # ETag from the body; 304 on a match
    "library.page_cache.PageCacheMiddleware",  # anonymous hits skip everything below
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "library.sessions.StaffSessionMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "library.errors.OutageMiddleware",
    "library.security_log.AccessDeniedLogMiddleware",
    "library.sign_in_throttle.SignInThrottleMiddleware",  # per address, before axes' check
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "library.urls"
WSGI_APPLICATION = "library.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

# SQLite needs no configuration; WAL and immediate transactions let several curators
# save at once without "database is locked". Reads are memory-mapped (up to 1 GiB): each
# connection's own page cache (2 MB) holds little of a large library, and a page read
# through the map costs no system call or copy.
SQLITE_OPTIONS = {
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
        "PRAGMA mmap_size=1073741824;"
    ),
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # kept open between requests like PostgreSQL's: opening one, with its pragmas, on
    # every request was a large share of a cold request's time
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Timestamps keep milliseconds in dumps, so backups restore and dump back byte for byte.
SERIALIZATION_MODULES = {"json": "library.json_serializer"}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
# The library is written in British English and has no translations. With translation
# off, Django does not look up the active language in every reverse() and format, as
# its performance guide advises; dates still take en-GB's formats.
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "library" / "static"]
# The same storage whatever the debug setting, so `collectstatic` writes the manifest either
# way; with debug on it serves the files under their own names. Tests need no collected files.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# --- Cache and Redis (README, "Redis") ---------------------------------------------------
# Redis is optional at run time: a Redis that refuses or does not answer within the
# timeouts is a cache miss (library/redis_cache.py), and after repeated failures each
# process skips it for a while. "default" holds the page cache; "throttle" the API's rate
# limits, which fall back to each process's memory while Redis is down.
REDIS_URL = env_str("REDIS_URL")
REDIS_TIMEOUT_SECONDS = float(env_int("REDIS_TIMEOUT_MS", 200)) / 1000
# redis-py's client-side caching (RESP3, Redis 7.4 or later) for the page cache: a hit is
# answered from the process's own copy of what Redis sent, which Redis invalidates when
# the page or the generation changes, so it makes no round trip. Against an older Redis
# the process logs it once and goes on without (library/redis_cache.py).
REDIS_CLIENT_CACHE = env_bool("DJANGO_REDIS_CLIENT_CACHE", default=False)
# redis-py bounds its copy in entries, not bytes: one per page address and variant read
# (with the generation). Most pages weigh 10 to 100 KB, the largest about 500 KB (the most
# linked intervention, a page of the API's interventions), so 100 entries keep a worker's
# copy under 10 MB as a rule and 50 MB at worst, and hold the pages most read: the home
# page, the lists' first pages, the most-read records. Older entries are dropped first.
REDIS_CLIENT_CACHE_ENTRIES = 100


def _redis_cache(backend: str, client_cache: bool = False) -> dict:
    options = {
        "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
        "socket_timeout": REDIS_TIMEOUT_SECONDS,
    }
    if client_cache:
        from redis.cache import CacheConfig

        # passed by Django's RedisCache to redis-py's connection pool
        options |= {
            "protocol": 3,
            "cache_config": CacheConfig(max_size=REDIS_CLIENT_CACHE_ENTRIES),
        }
    return {
        "BACKEND": backend,
        "LOCATION": REDIS_URL,
        # several deployments (or test runs) may share one Redis
        "KEY_PREFIX": env_str("DJANGO_CACHE_KEY_PREFIX", "library"),
        "OPTIONS": options,
    }


if REDIS_URL:
    CACHES = {
        "default": _redis_cache("library.redis_cache.ResilientRedisCache", REDIS_CLIENT_CACHE),
        "throttle": _redis_cache("library.redis_cache.RedisOrLocalMemoryCache"),
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "throttle": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "throttle",
        },
    }

# Benchmarks (tests/benchmarks/): DJANGO_CACHE=0 measures pages cold, with every cache a
# no-op; DJANGO_BENCHMARK=1 installs the optional benchmarks app, tests.benchmarks (the
# synthetic corpus, its command and the views that measure the stack's own cost).
if not env_bool("DJANGO_CACHE", default=True):
    CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
        for alias in ("default", "throttle")
    }
if env_bool("DJANGO_BENCHMARK", default=False):
    INSTALLED_APPS += ["tests.benchmarks"]

# Whole public pages for anonymous readers (library.page_cache), stale at once on any
# publish or edit. On by default only with Redis: the local-memory cache is per process,
# so another worker would not learn of a change. Off with DJANGO_CACHE=0 (a dummy cache).
PAGE_CACHE_SECONDS = env_int("DJANGO_PAGE_CACHE_SECONDS", 10 * 60 if REDIS_URL else 0)
# --- end of cache and Redis ---------------------------------------------------------------

LOGIN_URL = "admin:login"

# Sign-in security (README, "Sign-in security"). Guessing passwords or codes: django-axes
# locks a username out from one address after five failures, for half an hour, even for
# the right password (429); library.sign_in_throttle pauses an address after 20 failures
# for any usernames. The address is the connection's own unless it comes from one of
# DJANGO_TRUSTED_PROXIES (addresses or networks, comma-separated): then it is the one
# those proxies put in X-Forwarded-For (library/client_address.py), and only then.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    try:
        ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"DJANGO_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network."
        ) from None
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "locked_out.html"
AXES_CLIENT_IP_CALLABLE = "library.client_address.client_address"
SIGN_IN_ADDRESS_FAILURE_LIMIT = 20
SIGN_IN_ADDRESS_WINDOW = timedelta(minutes=30)
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner on every command; library.security logs the events
# A stolen staff session is worth less if it dies after 30 minutes idle (the cookie's age,
# renewed on every request; public visitors have no session) and 12 hours in all
# (library.sessions).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
STAFF_SESSION_MAX_AGE = timedelta(hours=12)
# A password alone does not open the admin in production: staff also give a TOTP code
# (django-otp; `manage.py enrol_totp NAME`). Off with DEBUG, so `make run` stays simple.
ADMIN_REQUIRES_OTP = env_bool("DJANGO_ADMIN_OTP", default=not DEBUG)
OTP_TOTP_ISSUER = "Evidence library"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's secret once saved

# The reference importer's optional DOI look-up at api.crossref.org; off unless asked for,
# so that importing never depends on a network.
CROSSREF_LOOKUP = env_bool("CROSSREF_LOOKUP", default=False)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "resources.api.schema.ApiAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "resources.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "resources.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["resources.api.permissions.ReadOrModelPermissions"],
    "DEFAULT_THROTTLE_CLASSES": [
        "resources.api.throttling.AnonRateThrottle",
        "resources.api.throttling.TokenRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_ANON_RATE", "120/minute"),
        "user": env_str("API_TOKEN_RATE", "600/minute"),
    },
    "NUM_PROXIES": 0,  # unused: the throttles ask library.client_address for the address
    "EXCEPTION_HANDLER": "resources.api.exceptions.exception_handler",
    # JSON bodies within a size and a nesting depth (resources/api/parsers.py)
    "DEFAULT_PARSER_CLASSES": [
        "resources.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Evidence library API",
    "DESCRIPTION": "Published evidence on practices in medical education.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "GET_LIB_DOC_EXCLUDES": "resources.api.schema.doc_excludes",
    "COMPONENT_SPLIT_REQUEST": True,  # read-only fields stay out of the request bodies
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "EffectCertaintyEnum": "resources.models.choices.EffectCertainty",
        "CertaintyEnum": "resources.models.choices.Certainty",
        # one name each for choice sets several fields share or whose field names clash
        "ConcernEnum": "resources.models.choices.Concern",
        "RevisionStatusEnum": "resources.models.revision.Revision.Status",
        "StatusEnum": "resources.models.choices.EditorialStatus",
        "KirkpatrickLevelEnum": "resources.models.choices.KirkpatrickLevel",
    },
}

CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "library.request_id.RequestIdFilter"}},
    "formatters": {"json": {"()": "library.log_format.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}

# Security headers, on in every mode. Scripts and styles come only from the app's own
# files (or carry the request's nonce): no 'unsafe-inline' anywhere, so the pages, the SVG
# charts and the admin's additions style through classes in stylesheets.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Every browser feature the library does not use, turned off (library/permissions_policy.py);
# copying a citation to the clipboard is the one it does.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "bluetooth", "camera", "display-capture",
        "encrypted-media", "fullscreen", "geolocation", "gyroscope", "hid", "magnetometer",
        "microphone", "midi", "payment", "picture-in-picture", "publickey-credentials-get",
        "screen-wake-lock", "serial", "usb", "web-share", "xr-spatial-tracking",
    )
} | {"clipboard-write": ["self"]}  # fmt: skip
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Production: HTTPS only, behind a TLS-terminating proxy that sets X-Forwarded-Proto.
if not DEBUG and not TESTING:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload commits every subdomain to HTTPS in browsers for years and cannot be
    # undone quickly; it is the domain owner's decision, not the application's.
    "security.W021",
]

# Mail (Django 6.1 mailers): SMTP in production (EMAIL_HOST, default a local relay on
# localhost); the console in development unless EMAIL_HOST names a server.
SMTP_HOST = env_str("EMAIL_HOST")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": SMTP_HOST or "localhost",
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
                "timeout": 10,
            },
        }
        if SMTP_HOST or not DEBUG
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "evidence-library@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Following the evidence (issue 25): background tasks, the open data package, alerts ---
# Kept in one block of its own. Background work (rebuilding the data package after a
# publication, sending alert e-mails) runs through Django's tasks framework. By default
# the queue is a table in the database (django-tasks-db), worked by `manage.py db_worker`;
# a deployment names another backend, e.g. a Redis-backed one it has installed, with
# DJANGO_TASKS_BACKEND (its dotted path) and DJANGO_TASKS_OPTIONS (a JSON object).
INSTALLED_APPS += ["django_tasks_db"]
TASKS_BACKEND = env_str("DJANGO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
try:
    TASKS_OPTIONS = json.loads(env_str("DJANGO_TASKS_OPTIONS") or "{}")
except ValueError:
    raise ImproperlyConfigured("DJANGO_TASKS_OPTIONS must be a JSON object.") from None
if not isinstance(TASKS_OPTIONS, dict):
    raise ImproperlyConfigured("DJANGO_TASKS_OPTIONS must be a JSON object.")
TASKS = {
    "default": {
        "BACKEND": TASKS_BACKEND,
        "QUEUES": env_list("DJANGO_TASKS_QUEUES", ["default"]),
        "OPTIONS": TASKS_OPTIONS,
    }
}
# The site's own address, for links in e-mails (alerts' confirmation, digests, unsubscribe).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# The open data package served at /data/ (resources/datapackage.py): where its files are
# written, and the licence it is published under.
DATA_PACKAGE_ROOT = Path(env_str("DATA_PACKAGE_ROOT") or BASE_DIR / "var" / "data-package")
DATA_PACKAGE_LICENSE = {
    "name": env_str("DATA_PACKAGE_LICENSE_NAME", "CC-BY-4.0"),
    "path": env_str("DATA_PACKAGE_LICENSE_URL", "https://creativecommons.org/licenses/by/4.0/"),
    "title": env_str(
        "DATA_PACKAGE_LICENSE_TITLE", "Creative Commons Attribution 4.0 International"
    ),
}
