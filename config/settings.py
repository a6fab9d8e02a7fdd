"""Settings for the knowledge base, read from the environment.

Development and production differ only by environment variables; the README
lists them. DEBUG is off unless DJANGO_DEBUG turns it on (`make run` does).
"""

import base64
import hashlib
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is missing. Set it to a long random string, "
            "or set DJANGO_DEBUG=true for local development."
        )
    SECRET_KEY = "development-only-key-never-use-in-production"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS is missing. Set it to the comma-separated host names "
            "the site answers to (for example kb.example.com), or set DJANGO_DEBUG=true "
            "for local development."
        )
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "simple_history",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "kb",
    "api",
    "ops",
]

MIDDLEWARE = [
    # Request ids and metrics come first, so they cover every response below them.
    "ops.request_log.RequestIdMiddleware",
    "ops.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ops.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "api.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "kb.middleware.RememberLanguageMiddleware",
    # Last, so that its process_exception receives the views' database errors first.
    "ops.database_errors.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "kb.context_processors.site",
            ],
        },
    },
]

# Database: DATABASE_URL when set, otherwise an embedded PostgreSQL whose data
# lives in KB_EMBEDDED_PG_DIR (default var/postgres in the project).
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured(
            "DATABASE_URL must point to PostgreSQL (postgresql://…); "
            f"got engine {DATABASES['default']['ENGINE']}."
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "config.embedded_postgres",
            "NAME": "kb",
            "USER": "postgres",
            "EMBEDDED_DATA_DIR": env.str(
                "KB_EMBEDDED_PG_DIR", default=str(BASE_DIR / "var" / "postgres")
            ),
        }
    }
# KB_DB_NAME picks another database on the same server (the benchmarks use kb_bench).
if env.str("KB_DB_NAME", default=""):
    DATABASES["default"]["NAME"] = env.str("KB_DB_NAME")
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
# A reused connection is tested before each request, so a database restart costs
# the requests made while it is down and not the ones after.
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Simplified Chinese first, because it is the readers' main language.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "kb" / "locale"]
LANGUAGE_COOKIE_NAME = "kb_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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

# Bodies above this size are rejected by forms and the API (characters).
KB_MAX_BODY_CHARS = env.int("KB_MAX_BODY_CHARS", default=200_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)

SIMPLE_HISTORY_REVERT_DISABLED = False

# ---------------------------------------------------------------------------
# Logging: one line per record, with the request id of the request that wrote
# it. DJANGO_LOG_FORMAT=json writes one JSON object per line for log shippers.
# ---------------------------------------------------------------------------
LOG_FORMAT = env.str("DJANGO_LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT must be plain or json; got {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "ops.request_log.RequestIdFilter"},
        "skip_503": {"()": "ops.request_log.SkipServiceUnavailableFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "ops.json_logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "pgserver": {"level": "WARNING"},
        "jieba": {"level": "WARNING"},
        # ops.request_log writes one line per request; Django's own 4xx
        # warnings would repeat it. 5xx errors stay for their tracebacks.
        "django.request": {"level": "ERROR", "filters": ["skip_503"]},
    },
}

# Request rates of the API ("number/period", period one of s, min, h, day; empty
# for no limit). Counted in the default cache, so per process unless a shared
# cache is configured.
KB_API_ANON_RATE = env.str("KB_API_ANON_RATE", default="120/min")
KB_API_USER_RATE = env.str("KB_API_USER_RATE", default="600/min")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    # JSON only: the bilingual objects of write requests have no form encoding.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ReadOpenModelPermissions"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AnonymousRateThrottle",
        "api.throttling.AuthenticatedRateThrottle",
    ],
    # Client addresses for throttling: 0 uses REMOTE_ADDR and ignores
    # X-Forwarded-For; set to the number of proxies in front (1 behind nginx).
    "NUM_PROXIES": env.int("KB_API_NUM_PROXIES", default=0),
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "ML/LLM knowledge base API",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Swagger UI would otherwise fetch a validity badge from validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "DESCRIPTION": (
        "Bilingual (Simplified Chinese and English) ML/LLM knowledge base. Reads are "
        "open and show published content; writes need a token and model permissions. "
        'Every error has the body {"error": {"code", "message", "fields"}}.'
    ),
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "ENUM_NAME_OVERRIDES": {"ContentLanguageEnum": "kb.models.bilingual.CONTENT_LANGUAGES"},
    "SERVE_INCLUDE_SCHEMA": False,
}

# ---------------------------------------------------------------------------
# Security. With DEBUG off (production) every default below is the strict one;
# docs/deploy.md explains each variable. `manage.py check --deploy` is clean
# with the variables of deploy/systemd/kb.env.example.
# ---------------------------------------------------------------------------
HTTPS_ONLY = env.bool("DJANGO_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS_ONLY
# Probes and Prometheus talk to gunicorn directly over plain HTTP on loopback.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31_536_000 if HTTPS_ONLY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Trust X-Forwarded-Proto only when a proxy in front always sets it (the nginx
# site in deploy/ does); otherwise any client could claim HTTPS.
if env.bool("DJANGO_TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies append to X-Forwarded-For in front of gunicorn; the
# client address is the entry that the outermost trusted proxy added. 0 means
# REMOTE_ADDR. Used by the metrics allow-list and the login limiter.
KB_TRUSTED_PROXY_COUNT = env.int("KB_TRUSTED_PROXY_COUNT", default=0)

# Content security policy: scripts and styles from this site's files only. The
# hashes allow the table-cell alignments that Markdown tables render
# (style="text-align:left", center or right) and no other inline style.


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


TABLE_ALIGNMENT_STYLE_HASHES = [
    _csp_hash(f"text-align:{side}") for side in ("left", "center", "right")
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-hashes'", *TABLE_ALIGNMENT_STYLE_HASHES],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Pages of third-party apps whose templates carry an inline <style> block; they
# get style-src 'unsafe-inline' (scripts stay restricted).
KB_CSP_INLINE_STYLE_PATHS = ["/api/docs/"]

# Admin login limiter (ops.login_throttle): after this many failed logins for
# one user name from one address, or KB_LOGIN_MAX_FAILURES_PER_ADDRESS from one
# address for any names, further attempts are rejected for the lockout time.
KB_LOGIN_MAX_FAILURES = env.int("KB_LOGIN_MAX_FAILURES", default=5)
KB_LOGIN_MAX_FAILURES_PER_ADDRESS = env.int("KB_LOGIN_MAX_FAILURES_PER_ADDRESS", default=20)
KB_LOGIN_LOCKOUT_SECONDS = env.int("KB_LOGIN_LOCKOUT_SECONDS", default=15 * 60)

# ---------------------------------------------------------------------------
# Cache: Redis when REDIS_URL is set, shared by every gunicorn worker and host;
# otherwise memory local to each process. Correctness does not depend on the
# cache being shared: kb.cache keys pages by a content version kept in the
# database.
# ---------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kb",
            "TIMEOUT": 300,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kb",
            "TIMEOUT": 300,
        }
    }
# Seconds a rendered page stays cached; an edit replaces it at once regardless.
KB_PAGE_CACHE_SECONDS = env.int("KB_PAGE_CACHE_SECONDS", default=300)

# ---------------------------------------------------------------------------
# Metrics: Prometheus text format at /metrics, for the addresses or networks
# listed here only. Under gunicorn with several workers, PROMETHEUS_MULTIPROC_DIR
# (set by deploy/gunicorn.conf.py) makes /metrics add up all workers.
# ---------------------------------------------------------------------------
KB_METRICS_ALLOWED_IPS = env.list("KB_METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
