"""One settings module. Every secret and switch comes from the environment, with
defaults that run on a fresh clone (SQLite, debug on)."""

import hashlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "si", "sí"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY es obligatorio cuando DJANGO_DEBUG está apagado.")
    # Development only: a fixed key so sessions survive restarts of `make run`.
    SECRET_KEY = "dev-only-insecure-key-not-for-production-0123456789abcdef"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "core",
    "indicators",
    "goals",
    "alignment",
    "ilo_plan",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ilo_plan.middleware.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below whitenoise (static files come precompressed), above everything that writes a body.
    "ilo_plan.middleware.PublicGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware, except that the API follows Accept-Language (Spanish by default).
    "ilo_plan.middleware.SiteLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The admin in the person's entity; everything else reads with scopes disabled (core.scoping).
    "core.scoping.EntityScopeMiddleware",
    # Anonymous reads from the read replica, when there is one (DATABASE_REPLICA_URL).
    "core.routing.ReplicaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "ilo_plan.middleware.DatabaseUnavailableMiddleware",
    "ilo_plan.middleware.PublicCacheMiddleware",
    "ilo_plan.middleware.ConditionalDataMiddleware",
]

ROOT_URLCONF = "ilo_plan.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "ilo_plan.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "ilo_plan.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A read replica for anonymous reads (core.routing): public pages and the API's public answers.
if env("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(env("DATABASE_REPLICA_URL"), conn_max_age=int(env("DJANGO_CONN_MAX_AGE", "60"))),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["core.routing.ReplicaRouter"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The suite runs against the machine's `test` database; Django creates `test_<name>`.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env("DJANGO_TEST_DB_NAME") or None
    # A page's queries read tens or hundreds of rows by index: PostgreSQL starting parallel workers
    # for them (its row estimates for one indicator are averages) cost 5-8 ms of a 20 ms target
    # page at a million readings, and under load those workers take the cores gunicorn needs. The
    # CSV export, which reads everything, asks for them itself (`EXPORT_PARALLEL_WORKERS`).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = (
        _options.get("options", "") + f" -c max_parallel_workers_per_gather={int(env('DB_PARALLEL_WORKERS', '0'))}"
    ).strip()
EXPORT_PARALLEL_WORKERS = int(env("EXPORT_PARALLEL_WORKERS", "2"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "es-pe"
LANGUAGES = [("es-pe", _("Español")), ("en", _("English"))]
FORMAT_MODULE_PATH = ["ilo_plan.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Lima"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "DJANGO_STATICFILES_STORAGE",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Uploaded or generated files; the open-data packages' folder by default (OPEN_DATA_ROOT, below).
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
OPEN_DATA_ROOT = Path(env("OPEN_DATA_ROOT", str(MEDIA_ROOT / "datos-abiertos")))
# Where the open-data packages go (ilo_plan.open_data): the worker builds them, every server sends
# them. By default Django's FileSystemStorage at OPEN_DATA_ROOT (ilo_plan.open_data.FolderStorage);
# with several servers, a storage they share: any django-storages backend by its dotted path, its
# options as `name=value` pairs separated by commas, e.g. OPEN_DATA_STORAGE=storages.backends.s3.S3Storage
# and OPEN_DATA_STORAGE_OPTIONS=bucket_name=datos,location=abiertos (docs/deployment.md).
STORAGES["open_data"] = {
    "BACKEND": env("OPEN_DATA_STORAGE", "ilo_plan.open_data.FolderStorage"),
    "OPTIONS": dict(item.partition("=")[::2] for item in env_list("OPEN_DATA_STORAGE_OPTIONS")),
}


def code_digest() -> str:
    """A digest of the code, templates and translations: the same on every worker and server that
    runs the same code, whatever its files' times; read once, when the settings load."""
    digest = hashlib.sha256()
    for folder in ("core", "indicators", "goals", "alignment", "ilo_plan", "templates", "locale"):
        for path in sorted((BASE_DIR / folder).rglob("*")):
            if path.suffix in {".py", ".html", ".mo"} and "__pycache__" not in path.parts:
                digest.update(path.relative_to(BASE_DIR).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# Part of every ETag (core.conditional.release): the release's name or commit (DJANGO_RELEASE), or
# the code's digest, so that every server running the same code answers with the same ETags.
RELEASE = env("DJANGO_RELEASE") or code_digest()

LOGIN_URL = "admin:login"

# Reading imports (indicators.imports): the most rows a file may hold, through the shell command
# and through the admin upload (which also caps the file's size), and so the most an XLSX may
# unpack to (1 KB a row). Beyond them a file is refused before it is read whole.
IMPORT_MAX_ROWS = int(env("IMPORT_MAX_ROWS", "200000"))
IMPORT_MAX_UPLOAD_ROWS = int(env("IMPORT_MAX_UPLOAD_ROWS", "20000"))
IMPORT_MAX_UPLOAD_MB = int(env("IMPORT_MAX_UPLOAD_MB", "5"))

API_THROTTLE_ANON = env("API_THROTTLE_ANON", "120/min")
API_THROTTLE_USER = env("API_THROTTLE_USER", "600/min")

# How many reverse proxies stand between the clients and gunicorn, each appending the address it
# received from to X-Forwarded-For. 0: the TCP peer is the client, and X-Forwarded-For, written by
# the client itself, is ignored. The one number behind the login lockout and the API throttles.
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))


def axes_client_address(proxies: int) -> tuple[tuple[str, ...], int | None]:
    """django-ipware's header order and proxy count for `proxies` trusted proxies, picking the
    address DRF picks with NUM_PROXIES = `proxies`: the `proxies`-th from the right of
    X-Forwarded-For (ipware counts only the proxies listed inside the header)."""
    if proxies == 0:
        return ("REMOTE_ADDR",), None
    return ("HTTP_X_FORWARDED_FOR",), proxies - 1


AXES_IPWARE_META_PRECEDENCE_ORDER, AXES_IPWARE_PROXY_COUNT = axes_client_address(TRUSTED_PROXY_COUNT)
# Not strict: a client's own X-Forwarded-For entries, left of what the proxies append, must not make
# the chain unusable (strict mode would fall back to one shared address for all such clients).
IPWARE_STRICT = False

# API tokens (django-rest-knox): stored as SHA-512 digests, shown once, always with an expiry.
API_TOKEN_DAYS = int(env("API_TOKEN_DAYS", "90"))
REST_KNOX = {"TOKEN_TTL": timedelta(days=API_TOKEN_DAYS), "AUTO_REFRESH": False, "AUTH_HEADER_PREFIX": "Token"}

REST_FRAMEWORK = {
    # The token first: DRF answers 401 with `WWW-Authenticate: Token` (not 403) to a bad or expired token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ilo_plan.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # JSON bounded in depth (a body nested 100,000 levels is a 400, not a RecursionError's 500).
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "core.api_support.CSVRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api_support.Pagination",
    "DEFAULT_THROTTLE_CLASSES": ["core.api_support.AnonThrottle", "core.api_support.UserThrottle"],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "EXCEPTION_HANDLER": "core.api_support.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "API del seguimiento del Plan de Gobierno Municipal",
    "DESCRIPTION": "Datos abiertos del plan: ejes, metas, indicadores, lecturas y su historial.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api_support.add_error_responses",
    ],
}

# django-axes: lock a username *from one client address* out after repeated bad admin logins, so
# that nobody can lock a colleague out from elsewhere. The address comes from ipware, configured
# from TRUSTED_PROXY_COUNT above.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# django-csp 4: no inline scripts anywhere; charts get their data through json_script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Load balancers probe over plain HTTP: they need the 200 or 503, not a redirect.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Anonymous public pages and API reads are cached this long at most; a change of what a page
# shows changes its key at once (its plan's data version: ilo_plan.middleware.PublicCacheMiddleware),
# and the worker renders the plan's pages again ahead of visitors (ilo_plan.tasks).
PUBLIC_CACHE_SECONDS = int(env("PUBLIC_CACHE_SECONDS", "86400"))
# How long each process trusts the data version it last read before reading it again (the
# cached path then costs no query): a change made through another app server reaches this
# one's cache within this many seconds; one made through this process, at once. 0: every request.
DATA_VERSION_SECONDS = float(env("DATA_VERSION_SECONDS", "1"))
# How long each process remembers which plan a slug names and which plan is featured (ilo_plan.plans):
# a change of the featured plan made through another server shows within this many seconds.
PLAN_ADDRESS_SECONDS = float(env("PLAN_ADDRESS_SECONDS", "60"))

if env("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}}
else:
    # One process's memory (make run): room for every page of a few plans in both languages.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ilo-plan",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# The site's public address, as visitors reach it: the worker renders pages ahead of them under
# this host (ilo_plan.tasks), so it must be the one their requests name (and in ALLOWED_HOSTS).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Tasks (django-tasks): queued in the database and run by `make worker` (manage.py db_worker) in
# production, on one or many servers; `make run` runs them in its own process after each response.
TASKS_BACKEND = env("TASKS_BACKEND", "database" if not DEBUG else "after-response")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "after-response": "ilo_plan.task_backends.AfterResponseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "dummy": "django_tasks.backends.dummy.DummyBackend",
        }[TASKS_BACKEND],
        "QUEUES": ["default"],
    }
}
# A plan's refresh waits this long after the change that queued it, so that a burst of changes
# (fifty approvals in a minute) is one refresh; the national package, longer.
REFRESH_DELAY_SECONDS = int(env("REFRESH_DELAY_SECONDS", "2"))
NATIONAL_PACKAGE_DELAY_SECONDS = int(env("NATIONAL_PACKAGE_DELAY_SECONDS", "120"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "WARNING")},
}
