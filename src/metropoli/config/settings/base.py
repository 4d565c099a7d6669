"""Settings shared by every environment.

Configuration comes from environment variables named METROPOLI_*; see README.md.
"""

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parents[2]
PROJECT_DIR = PACKAGE_DIR.parents[1]
VAR_DIR = Path(os.environ.get("METROPOLI_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("METROPOLI_SECRET_KEY", "")
DEBUG = env_bool("METROPOLI_DEBUG", False)
ALLOWED_HOSTS = env_list("METROPOLI_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("METROPOLI_CSRF_TRUSTED_ORIGINS")
# A refused form (no or stale CSRF token) is told why in the visitor's language (web/views.py).
CSRF_FAILURE_VIEW = "metropoli.web.views.csrf_failure"

# Our apps come first: their translations take precedence over Django's own
# (Django's admin says "Identificarse" where we say "Entrar"). Territory before accounts: the
# demo loads in this order and people are placed in municipalities.
INSTALLED_APPS = [
    "metropoli.common",
    "metropoli.territory",
    "metropoli.accounts",
    "metropoli.notifications",
    "metropoli.maps",
    "metropoli.web",
    "metropoli.trees",
    "metropoli.benefits",
    "metropoli.validation",
    "metropoli.learning",
    "metropoli.sensors",
    "metropoli.markets",
    "metropoli.participation",
    "metropoli.cooperation",
    "metropoli.jobs",
    "metropoli.ogc",
    # Django's admin, for platform administrators only (web/admin_site.py, decision 0079).
    "metropoli.web.admin_apps.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "ninja",
    "django_tasks",
    "metropoli.web.admin_apps.TaskResultsConfig",  # django_tasks_db, named in Spanish
]

MIDDLEWARE = [
    # HEAD is answered as GET without the body, by every view (common/middleware.py).
    "metropoli.common.middleware.HeadAsGetMiddleware",
    # Then, so that every answer carries the Content-Security-Policy (common/csp.py).
    "metropoli.common.csp.ContentSecurityPolicyMiddleware",
    # Then: a database outage anywhere below answers 503, never 500 (common/middleware.py).
    "metropoli.common.middleware.DatabaseOutageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "metropoli.common.middleware.ApiErrorsMiddleware",
    "metropoli.common.middleware.ControlCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Django's, but a POST to a path without its final slash gets a 308 (common/middleware.py).
    "metropoli.common.middleware.SlashMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, but a guest's reserved session key needs no query (common/sessions.py).
    "metropoli.common.sessions.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Innermost: a service's DomainError no view caught is its 4xx page (common/domain_errors.py).
    "metropoli.common.domain_errors.DomainErrorsMiddleware",
]

# Map tiles (/tiles/…) pass MIDDLEWARE without these: they are anonymous, cookie-less GETs of
# binary data (common/handlers.py, decision 0097). A middleware not named here reaches tiles too.
TILE_MIDDLEWARE_SKIPPED = [
    "metropoli.common.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "metropoli.common.middleware.SlashMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "metropoli.common.sessions.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "metropoli.config.urls"
WSGI_APPLICATION = "metropoli.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "metropoli.web.context_processors.platform",
            ],
        },
    },
]

# One database everywhere: PostgreSQL + PostGIS (docs/decisions/0036-postgis-only.md).
# METROPOLI_DATABASE_URL (postgis://user:password@host:port/name) names any PostGIS; without it,
# the project's own cluster that `make run` keeps under var/postgres (port METROPOLI_PG_PORT,
# password in var/postgres.password) is used.
PG_PORT = int(os.environ.get("METROPOLI_PG_PORT", "25432"))


def _local_database_url() -> str:
    password_file = VAR_DIR / "postgres.password"
    password = password_file.read_text().strip() if password_file.is_file() else ""
    credentials = f"postgres:{password}" if password else "postgres"
    return f"postgis://{credentials}@127.0.0.1:{PG_PORT}/metropoli"


DATABASE_URL = os.environ.get("METROPOLI_DATABASE_URL", "")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL or _local_database_url())}
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("METROPOLI_DB_CONN_MAX_AGE", "600"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostGIS, with a health check of kept connections that needs no round trip (common/postgis).
if DATABASES["default"]["ENGINE"] == "django.contrib.gis.db.backends.postgis":
    DATABASES["default"]["ENGINE"] = "metropoli.common.postgis"
# Our queries are short and many (tiles, API): JIT compilation costs more than it saves
# (80 ms on a dense zoom-14 tile whose query runs in 90 ms without it). A short connect timeout
# lets requests answer 503 quickly while the database is down. Statements sent with server-side
# parameters (the map tiles' one statement, maps/views.py) are prepared on their connection after
# five runs, so PostgreSQL plans them once; Django's own client-side cursors never prepare. "off"
# turns preparing off, for a connection pooler that cannot keep prepared statements (0099).
_PREPARE = os.environ.get("METROPOLI_DB_PREPARE_THRESHOLD", "5").strip().lower()
DATABASES["default"].setdefault("OPTIONS", {}).update(
    {
        "options": "-c jit=off",
        "connect_timeout": 5,
        "prepare_threshold": None if _PREPARE in ("off", "none", "") else int(_PREPARE),
    }
)
# The longest a statement of a web request may run (PostgreSQL's statement_timeout: "30s",
# "1500ms", "2min"; "0" is no limit). Set on the app servers' connections only, never on
# commands' or the task worker's (common/statement_timeout.py, decision 0103).
WEB_STATEMENT_TIMEOUT = os.environ.get("METROPOLI_WEB_STATEMENT_TIMEOUT", "30s").strip()
if not re.fullmatch(r"\d+\s*(ms|s|min|h)?", WEB_STATEMENT_TIMEOUT):
    raise ImproperlyConfigured(
        "METROPOLI_WEB_STATEMENT_TIMEOUT: write a duration such as 30s, 1500ms or 2min (0: none)"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

LANGUAGE_CODE = "es-mx"
LANGUAGES = [("es-mx", _("Spanish (Mexico)")), ("en", _("English"))]
TIME_ZONE = "America/Mexico_City"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("METROPOLI_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    # Written under a temporary name, then linked: no partial file on a full disk.
    "default": {"BACKEND": "metropoli.common.storage.AtomicFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Database sessions; a guest's first keyed write reserves its key without a query
# (common/sessions.py).
SESSION_ENGINE = "metropoli.common.sessions"

# A database cache is shared by every worker process, so rate limits hold across them. Past
# MAX_ENTRIES Django culls a third of the entries, rate-limit counts included: Django's 300 let
# a flood of new addresses wipe the others' counts (decision 0100).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "metropoli_cache",
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    }
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A RUNNING task whose worker has not said it is alive for this long goes back to the queue
# (`metropoli worker` beats every 5 s); finished task results are kept this many days.
METROPOLI_TASKS_LEASE_SECONDS = int(os.environ.get("METROPOLI_TASKS_LEASE_SECONDS", "60"))
METROPOLI_TASKS_KEEP_DAYS = int(os.environ.get("METROPOLI_TASKS_KEEP_DAYS", "14"))
# Idempotency keys of writes (orders, trees, contributions) are remembered this many days.
METROPOLI_IDEMPOTENCY_KEEP_DAYS = int(os.environ.get("METROPOLI_IDEMPOTENCY_KEEP_DAYS", "30"))

# Email: a real SMTP server named by METROPOLI_SMTP_*; without one, mail is printed.
EMAIL_HOST = os.environ.get("METROPOLI_SMTP_HOST", "")
EMAIL_PORT = int(os.environ.get("METROPOLI_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("METROPOLI_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("METROPOLI_SMTP_PASSWORD", "")
EMAIL_USE_TLS = env_bool("METROPOLI_SMTP_STARTTLS", False)
EMAIL_USE_SSL = env_bool("METROPOLI_SMTP_SSL", False)
EMAIL_TIMEOUT = 20
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("METROPOLI_FROM_EMAIL", "Metrópoli <no-reply@localhost>")

# Debian 12 ships GDAL 3.6, older than Django 5.2 recommends; it works for what we use.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# Uploads: Django keeps big request bodies out of memory; modules validate content.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

METROPOLI = {
    "PLATFORM_NAME": os.environ.get("METROPOLI_PLATFORM_NAME", "Metrópoli"),
    "INSTITUTE_NAME": os.environ.get(
        "METROPOLI_INSTITUTE_NAME", "Instituto Metropolitano de Planeación (IMEPLAN)"
    ),
    # The map's background: a raster tile template fetched by the visitor's browser.
    "BASEMAP_TILES": os.environ.get(
        "METROPOLI_BASEMAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    ),
    "BASEMAP_ATTRIBUTION": os.environ.get(
        "METROPOLI_BASEMAP_ATTRIBUTION", "© OpenStreetMap contributors"
    ),
    # Where the maps open (longitude, latitude) and how close: the metropolitan area's centre.
    "MAP_CENTER": tuple(
        float(value) for value in os.environ.get("METROPOLI_MAP_CENTER", "-103.35,20.67").split(",")
    ),
    "MAP_ZOOM": int(os.environ.get("METROPOLI_MAP_ZOOM", "9")),
}

_LOG_LEVEL = os.environ.get("METROPOLI_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": _LOG_LEVEL},
    # Django's own logger sets INFO for itself; it follows METROPOLI_LOG_LEVEL too, so that
    # ERROR hides the warning line Django writes for every 4xx answer.
    "loggers": {"django": {"level": _LOG_LEVEL}, "django.db.backends": {"level": "INFO"}},
}

# Apps keep their own catalogues (<app>/locale); these folders hold the rest.
LOCALE_PATHS = [PACKAGE_DIR / "config" / "locale", PACKAGE_DIR / "common" / "locale"]

# --- cooperation ---
# The official IATI 2.03 distribution (XSD + codelists), read at run time. Without it the IATI
# export answers 503 and currencies are only checked for shape. In a development checkout it
# sits beside the project (../shared/iati); METROPOLI_IATI_DIR overrides (empty = none).
_IATI_DEFAULT = PROJECT_DIR.parent / "shared" / "iati"
METROPOLI_IATI_DIR = os.environ.get(
    "METROPOLI_IATI_DIR", str(_IATI_DEFAULT) if _IATI_DEFAULT.is_dir() else ""
)
# The institute as IATI reporting organisation is set by the cooperation office in the interface
# (/cooperacion/publicacion/). These settings are only the fallback until it is saved; with
# neither, the IATI export explains that the publisher is missing (decision 0080).
COOPERATION_REPORTING_ORG = {
    "ref": os.environ.get("METROPOLI_IATI_REPORTING_ORG_REF", ""),
    "type": os.environ.get("METROPOLI_IATI_REPORTING_ORG_TYPE", "11"),
    "name": METROPOLI["INSTITUTE_NAME"],
}
# Deadline reminders go out this many days before an opportunity's deadline.
COOPERATION_REMINDER_DAYS = [
    int(d) for d in env_list("METROPOLI_COOPERATION_REMINDER_DAYS", "14,7,1")
]
# Where reminders go when an opportunity has no owner with an email address.
COOPERATION_OFFICE_EMAIL = os.environ.get("METROPOLI_COOPERATION_OFFICE_EMAIL", "")
# Signed agreements are not public: kept outside MEDIA_ROOT, downloaded through a checked view.
COOPERATION_PRIVATE_ROOT = Path(
    os.environ.get("METROPOLI_COOPERATION_PRIVATE_ROOT", VAR_DIR / "private" / "cooperation")
)

# --- trees ---
# Photos: the largest upload accepted and the pixel count above which an image is refused
# before it is decoded (decompression bombs; common/images.py). Market photos share the pixel
# limit; Pillow's own Image.MAX_IMAGE_PIXELS guard stays as a second line.
TREES_PHOTO_MAX_BYTES = int(os.environ.get("METROPOLI_TREES_PHOTO_MAX_BYTES", 12 * 1024 * 1024))
TREES_PHOTO_MAX_PIXELS = int(os.environ.get("METROPOLI_TREES_PHOTO_MAX_PIXELS", 50_000_000))
# Hours during which the person who recorded a tree may still correct or remove it.
TREES_EDIT_WINDOW_HOURS = 24
# Creating trees: per person and hour (protects the map from runaway scripts).
TREES_CREATE_RATE = (int(os.environ.get("METROPOLI_TREES_CREATES_PER_HOUR", 600)), 3600)
# Inventory files uploaded on the import page: the largest accepted, and where they are kept
# (never public; the worker reads them).
TREES_IMPORT_MAX_BYTES = int(os.environ.get("METROPOLI_TREES_IMPORT_MAX_BYTES", 200 * 1024 * 1024))
TREES_IMPORT_ROOT = Path(
    os.environ.get("METROPOLI_TREES_IMPORT_ROOT", VAR_DIR / "private" / "tree-imports")
)
# Reference data outside the repository (species list of OpenTreeMap), read by the demo.
TREES_SHARED_DIR = Path(os.environ.get("METROPOLI_SHARED_DIR", PROJECT_DIR.parent / "shared"))

# --- sensors ---
# Raw readings older than this are folded into hourly aggregates (`metropoli sensors downsample`).
METROPOLI_SENSORS_RAW_RETENTION_DAYS = int(
    os.environ.get("METROPOLI_SENSORS_RAW_RETENTION_DAYS", "30")
)
# The same body from the same sensor within this window is a retransmission, stored once.
METROPOLI_SENSORS_DUPLICATE_WINDOW_SECONDS = 600
# A sensor is "online" when it reported within this many minutes.
METROPOLI_SENSORS_ONLINE_MINUTES = 10

# --- markets ---
# Anonymous checkouts per client address and hour (guests need no account; bots need a limit).
# 0 switches the limit off (the checkout bench, whose clients all share one address).
MARKETS_ANONYMOUS_ORDERS_PER_HOUR = int(
    os.environ.get("METROPOLI_MARKETS_ANONYMOUS_ORDERS_PER_HOUR", "30")
)
# The same for guests' cart changes (generous: a shopper adds and changes many lines) and for
# cancelling an order with its secret address.
MARKETS_ANONYMOUS_CART_CHANGES_PER_HOUR = int(
    os.environ.get("METROPOLI_MARKETS_ANONYMOUS_CART_CHANGES_PER_HOUR", "600")
)
MARKETS_ANONYMOUS_CANCELS_PER_HOUR = int(
    os.environ.get("METROPOLI_MARKETS_ANONYMOUS_CANCELS_PER_HOUR", "30")
)
# A courier's route (and stops) must stay within this distance of the market (km).
MARKETS_COURIER_MAX_KM = float(os.environ.get("METROPOLI_MARKETS_COURIER_MAX_KM", "50"))
# Largest product or market photo accepted (bytes); the pixel limit is TREES_PHOTO_MAX_PIXELS.
MARKETS_PHOTO_MAX_BYTES = int(os.environ.get("METROPOLI_MARKETS_PHOTO_MAX_BYTES", 8 * 1024 * 1024))

# --- validation ---
# Votes one person may cast per minute in Treender (scripts and accidental double swipes).
VALIDATION_VOTES_PER_MINUTE = int(os.environ.get("METROPOLI_VALIDATION_VOTES_PER_MINUTE", "30"))
# Links in notification e-mails are absolute: the address people reach the platform at.
METROPOLI_SITE_URL = os.environ.get("METROPOLI_SITE_URL", "http://localhost:8000")

# --- learning ---
# Defaults when a municipality sets no certification rule of its own: the share of a person's
# last N decided records that had to be validated as they recorded them.
LEARNING_CERTIFICATION_ACCURACY = float(
    os.environ.get("METROPOLI_LEARNING_CERTIFICATION_ACCURACY", "0.8")
)
LEARNING_CERTIFICATION_LAST_N = int(os.environ.get("METROPOLI_LEARNING_CERTIFICATION_LAST_N", "10"))
# Attempts at the certification exam per person in 24 hours (0: no limit); it shows only the
# score, so its answers cannot be found by submitting again and again.
LEARNING_CERTIFICATION_ATTEMPTS_PER_DAY = int(
    os.environ.get("METROPOLI_LEARNING_CERTIFICATION_ATTEMPTS_PER_DAY", "3")
)

# --- benefits ---
# The i-Tree Streets tables (third-party data, read at run time). In a development checkout
# they sit beside the project (../shared/itree/tables); METROPOLI_ITREE_DIR overrides
# (empty = none: pages and API then say how to install them).
_ITREE_DEFAULT = PROJECT_DIR.parent / "shared" / "itree" / "tables"
METROPOLI_ITREE_DIR = os.environ.get(
    "METROPOLI_ITREE_DIR", str(_ITREE_DEFAULT) if _ITREE_DEFAULT.is_dir() else ""
)
# Region for municipalities nobody has configured (docs/decisions/0012-benefits-region.md).
BENEFITS_DEFAULT_REGION = os.environ.get("METROPOLI_BENEFITS_DEFAULT_REGION", "InlEmpCLM")
# Exchange rate for the DEFAULT money rates only (OpenTreeMap's USD rates x this); staff
# replace the defaults with local MXN prices per municipality.
BENEFITS_MXN_PER_USD = float(os.environ.get("METROPOLI_BENEFITS_MXN_PER_USD", "18.0"))

# --- maps ---
# Tiles are kept by the HTTP cache in front (nginx, a CDN), keyed by the version in their URL
# (docs/decisions/0061-tiles-cached-by-nginx.md). How long a server process trusts the last
# read layer version when a tile request does not pin a newer one (maps/versions.py).
METROPOLI_TILE_VERSION_SECONDS = float(os.environ.get("METROPOLI_TILE_VERSION_SECONDS", "1"))

# --- the edge: the client's address, rate limits, security headers ---
# Reverse proxies whose X-Forwarded-For is believed: comma-separated IP addresses or CIDR networks
# (e.g. 127.0.0.1 for nginx on the same host). Empty: the header is ignored and the client is
# the connection's peer (docs/decisions/0041-client-address-and-attempt-limits.md).
TRUSTED_PROXIES = env_list("METROPOLI_TRUSTED_PROXIES")
# Rate limits (0 switches one off); every refusal is a 429 with a message in the person's
# language. Wrong passwords per account and per address in 15 minutes (site and admin log-in).
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("METROPOLI_LOGIN_FAILURES_PER_ACCOUNT", "10"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("METROPOLI_LOGIN_FAILURES_PER_ADDRESS", "30"))
# Password-reset requests per address and per e-mail address asked for, per hour.
PASSWORD_RESETS_PER_ADDRESS = int(os.environ.get("METROPOLI_PASSWORD_RESETS_PER_ADDRESS", "5"))
PASSWORD_RESETS_PER_EMAIL = int(os.environ.get("METROPOLI_PASSWORD_RESETS_PER_EMAIL", "3"))
# Sign-up forms sent per address and hour.
SIGNUPS_PER_ADDRESS = int(os.environ.get("METROPOLI_SIGNUPS_PER_ADDRESS", "10"))
# People one person may invite per day (new accounts, invitations sent again), roles, the
# cooperation office and markets together (decision 0113).
INVITATIONS_PER_DAY = int(os.environ.get("METROPOLI_INVITATIONS_PER_DAY", "100"))
# Wrong hand-over codes per order and per address, per hour.
MARKETS_HANDOVER_FAILURES_PER_ORDER = int(
    os.environ.get("METROPOLI_MARKETS_HANDOVER_FAILURES_PER_ORDER", "5")
)
MARKETS_HANDOVER_FAILURES_PER_ADDRESS = int(
    os.environ.get("METROPOLI_MARKETS_HANDOVER_FAILURES_PER_ADDRESS", "20")
)
# Wrong touch-table PINs per consultation and per address, per 10 minutes.
PARTICIPATION_PIN_FAILURES_PER_TABLE = int(
    os.environ.get("METROPOLI_PARTICIPATION_PIN_FAILURES_PER_TABLE", "20")
)
PARTICIPATION_PIN_FAILURES_PER_ADDRESS = int(
    os.environ.get("METROPOLI_PARTICIPATION_PIN_FAILURES_PER_ADDRESS", "10")
)
# Photos per person (signed out: per address) and day, trees, markets and Participa together.
PHOTO_UPLOADS_PER_DAY = int(os.environ.get("METROPOLI_PHOTO_UPLOADS_PER_DAY", "200"))
