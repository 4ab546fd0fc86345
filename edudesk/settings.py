"""edudesk settings: read from environment variables only (see the README's configuration table)."""

import ipaddress
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE

from edudesk.env import ImproperlyConfiguredEnv, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("EDUDESK_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)  # whitenoise expects STATIC_ROOT to exist

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    """SECRET_KEY from the environment; the embedded mode keeps a generated one under var/."""
    key = env_str("SECRET_KEY")
    if key:
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The public address of this installation, used in links sent by mail.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "huey.contrib.djhuey",
    "edudesk.core",
    "edudesk.accounts",
    "edudesk.tickets",
    "edudesk.sla",
    "edudesk.intake",
    "edudesk.mail",
    "edudesk.search",
    "edudesk.portal",
    "edudesk.desk",
    "edudesk.incidents",
    "edudesk.kb",
    "edudesk.reports",
    "edudesk.imports",
    "edudesk.api",
    "edudesk.ops",
    "edudesk.security",
    "edudesk.security.apps.SignInAttemptsConfig",  # django-axes, named in Russian
    "csp",
]

MIDDLEWARE = [
    # First, so its latency histogram and Server-Timing header cover the whole stack.
    "edudesk.ops.middleware.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body: 413 for an over-long one; the request's decoding budget.
    "edudesk.security.middleware.RequestLimitsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the language is known (its 400 speaks it), before anything reads the input.
    "edudesk.core.input_guard.InputGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "edudesk.security.middleware.HardeningHeadersMiddleware",
    # Last: turns a sign-in that hit the lockout into the 429 page (edudesk/security/lockout.py).
    "axes.middleware.AxesMiddleware",
    # Closest to the API views: a POST with an Idempotency-Key runs once (edudesk/api/idempotency.py).
    "edudesk.api.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "edudesk.urls"
WSGI_APPLICATION = "edudesk.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "desk:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "edudesk" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'edudesk.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server and the job consumer read while the other writes;
        # IMMEDIATE transactions take the write lock up front instead of failing on upgrade.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
if env_str("DATABASE_TEST_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env_str("DATABASE_TEST_NAME")}
# A read replica for reports and search (edudesk/ops/db_router.py); writes stay on the primary.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL,
                                                 conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["edudesk.ops.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and jobs ---------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

HUEY_WORKERS = env_int("HUEY_WORKERS", 2)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": env_str("HUEY_NAME", "edudesk"),
        # The job queue may live on a Redis of its own (e.g. persistent, unlike the cache's).
        "url": env_str("HUEY_REDIS_URL") or REDIS_URL,
        "immediate": env_bool("HUEY_IMMEDIATE", False),
        "consumer": {"workers": HUEY_WORKERS, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "edudesk",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": env_bool("HUEY_IMMEDIATE", False),
        "consumer": {"workers": HUEY_WORKERS, "worker_type": "thread"},
    }

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "edudesk" / "locale"]
USE_I18N = True
USE_TZ = True
# Business rules run in each service's zone; this is the default zone for new services and display.
EDUDESK_TIME_ZONE = env_str("EDUDESK_TIME_ZONE", "Europe/Moscow")
TIME_ZONE = EDUDESK_TIME_ZONE

# --- Files ------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": env_str("EDUDESK_FILE_STORAGE", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
# A larger request body is refused with 413 before it is read (edudesk/security/middleware.py).
EDUDESK_MAX_REQUEST_BYTES = env_int("EDUDESK_MAX_REQUEST_BYTES", 30 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = EDUDESK_MAX_REQUEST_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Mail -------------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "support@edudesk.localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ---------------------------------------------------------------------------------
# Cookies only over HTTPS when the installation is served over HTTPS.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", SITE_URL.startswith("https://"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Browsers that once saw the site over HTTPS keep to HTTPS for a year (sent on HTTPS only).
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if SITE_URL.startswith("https://") else 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): only this site's own scripts, styles and images (plus
# data: images); no inline script, no eval, no plugins; no site may frame a page, except the
# widget pages, which each service's LMS origins may frame (edudesk/security/framing.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
BEHIND_PROXY = env_bool("BEHIND_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# --- Sign-in lockout (django-axes; docs/security.md) ----------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First: refuses any authenticate() while the account or the address is locked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failures that lock an account (any address) or an address (any account) for the first time.
EDUDESK_SIGNIN_FAILURES_PER_ACCOUNT = env_int("EDUDESK_SIGNIN_FAILURES_PER_ACCOUNT", 5)
EDUDESK_SIGNIN_FAILURES_PER_ADDRESS = env_int("EDUDESK_SIGNIN_FAILURES_PER_ADDRESS", 20)
# The first lock's length; each next lock (after as many failures again) lasts twice as long.
EDUDESK_SIGNIN_LOCK_MINUTES = env_int("EDUDESK_SIGNIN_LOCK_MINUTES", 15)
AXES_HANDLER = "edudesk.security.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = EDUDESK_SIGNIN_FAILURES_PER_ACCOUNT
AXES_LOCK_OUT_AT_FAILURE = False  # LockoutHandler decides, with its own thresholds per parameter
AXES_LOCKOUT_PARAMETERS = "edudesk.security.lockout.lockout_parameters"
AXES_USERNAME_CALLABLE = "edudesk.security.lockout.normalise_username"
AXES_LOCKOUT_CALLABLE = "edudesk.security.lockout.lockout_response"
# Failures are remembered this long (the longest lock); older ones no longer count.
AXES_COOLOFF_TIME = timedelta(hours=24)
# A refused attempt while locked is not a new failure (it would otherwise prolong the lock).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failure listed in the admin
AXES_CLIENT_IP_CALLABLE = "edudesk.security.client.client_address"
AXES_VERBOSE = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- Logging ----------------------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "edudesk.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if env_bool("LOG_JSON") else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# --- edudesk ----------------------------------------------------------------------------------
# Working days after which an answered ticket with no customer reply closes as resolved.
EDUDESK_AUTO_CLOSE_WORKING_DAYS = env_int("EDUDESK_AUTO_CLOSE_WORKING_DAYS", 3)
# The outbox of after-commit work (tickets/outbox.py): seconds a dispatch holds an entry before
# another may take it over (a consumer killed mid-work), and seconds a fresh entry is left to
# its after-commit job before the periodic sweep dispatches it again (a web process killed
# between commit and enqueue).
EDUDESK_EFFECTS_LEASE_SECONDS = env_int("EDUDESK_EFFECTS_LEASE_SECONDS", 300)
EDUDESK_EFFECTS_GRACE_SECONDS = env_int("EDUDESK_EFFECTS_GRACE_SECONDS", 60)
# Days after closing in which a customer's reply reopens a solved ticket (later: a new one).
EDUDESK_REOPEN_DAYS = env_int("EDUDESK_REOPEN_DAYS", 14)
# How often an open desk queue asks whether it changed (an unchanged queue answers 304).
EDUDESK_QUEUE_POLL_SECONDS = env_int("EDUDESK_QUEUE_POLL_SECONDS", 20)
# Minutes in which whoever cancelled or closed a ticket may undo it; the customer's mail about
# the closing waits that long (and is withdrawn when the closing is undone).
EDUDESK_UNDO_MINUTES = env_int("EDUDESK_UNDO_MINUTES", 10)
# Ticket lists (desk queue, search) exported as CSV/XLSX: up to this many rows at once, more by
# a job whose file is kept this many hours for the agent who asked for it.
EDUDESK_EXPORT_INLINE_ROWS = env_int("EDUDESK_EXPORT_INLINE_ROWS", 2000)
EDUDESK_EXPORT_KEEP_HOURS = env_int("EDUDESK_EXPORT_KEEP_HOURS", 24)

# --- Mail channel (docs/mail.md) ----------------------------------------------------------------
# Mails above this size are quarantined whole instead of processed.
EDUDESK_MAIL_MAX_BYTES = env_int("EDUDESK_MAIL_MAX_BYTES", 25 * 1024 * 1024)
# Automatic replies (registration, missing data) to one address per hour; more are suppressed.
EDUDESK_MAIL_AUTO_REPLIES_PER_HOUR = env_int("EDUDESK_MAIL_AUTO_REPLIES_PER_HOUR", 5)
# Delivery attempts for one outbound mail before it is marked failed on the ticket.
EDUDESK_MAIL_SEND_ATTEMPTS = env_int("EDUDESK_MAIL_SEND_ATTEMPTS", 8)
# First retry delay; each next attempt waits twice as long (capped at one hour).
EDUDESK_MAIL_RETRY_SECONDS = env_int("EDUDESK_MAIL_RETRY_SECONDS", 30)
# Seconds a delivery attempt holds its mail before another may take it over (a killed consumer).
EDUDESK_MAIL_SEND_LEASE_SECONDS = env_int("EDUDESK_MAIL_SEND_LEASE_SECONDS", 300)
# Mails fetched per mailbox and poll; the rest wait for the next poll.
EDUDESK_MAIL_POLL_BATCH = env_int("EDUDESK_MAIL_POLL_BATCH", 200)
# Seconds an IMAP poll may hold its mailbox before another consumer may take over.
EDUDESK_MAIL_POLL_LEASE_SECONDS = env_int("EDUDESK_MAIL_POLL_LEASE_SECONDS", 300)
EDUDESK_MAIL_IMAP_TIMEOUT = env_int("EDUDESK_MAIL_IMAP_TIMEOUT", 60)
# Shared with deploy/mailgate.py (the MTA's pipe client); empty: POST /mail/gate is off.
EDUDESK_MAILGATE_SECRET = env_str("EDUDESK_MAILGATE_SECRET", "")

# --- Rate limits and request budgets (docs/security.md) -----------------------------------------
# Defaults for every service; a service's own values are set in the admin (Security → защита).
EDUDESK_RATE_FORM_PER_ADDRESS = env_int("EDUDESK_RATE_FORM_PER_ADDRESS", 20)  # per 10 minutes
EDUDESK_RATE_FORM_PER_CONTACT = env_int("EDUDESK_RATE_FORM_PER_CONTACT", 10)  # per hour
EDUDESK_RATE_API_PER_TOKEN = env_int("EDUDESK_RATE_API_PER_TOKEN", 60)  # writes per minute
EDUDESK_RATE_SIGNIN_LINKS_PER_ADDRESS = env_int("EDUDESK_RATE_SIGNIN_LINKS_PER_ADDRESS", 10)  # per hour
# Knowledge-base suggestions and «Это помогло» per address per 10 minutes (a school's teachers
# often share one address; the form asks at most every 0.4 s of a pause in typing).
EDUDESK_RATE_KB_PER_ADDRESS = env_int("EDUDESK_RATE_KB_PER_ADDRESS", 300)
# Counters live in Redis when there is one (shared by every web process), else in the database.
EDUDESK_RATE_LIMIT_REDIS_URL = REDIS_URL
# Free text (descriptions, replies, field values) from any channel but mail, in characters.
EDUDESK_MAX_TEXT_CHARS = env_int("EDUDESK_MAX_TEXT_CHARS", 20_000)
# Screenshot pixels one request may decode in all (each file is also capped at 40 megapixels).
EDUDESK_MAX_PIXELS_PER_REQUEST = env_int("EDUDESK_MAX_PIXELS_PER_REQUEST", 60_000_000)
# Image decodes running at once in one process, and how long a request waits for a free one.
EDUDESK_DECODE_CONCURRENCY = env_int("EDUDESK_DECODE_CONCURRENCY", 2)
EDUDESK_DECODE_WAIT_SECONDS = env_int("EDUDESK_DECODE_WAIT_SECONDS", 20)

# --- /metrics (docs/deploy.md) -------------------------------------------------------------------
# Addresses or networks that may scrape /metrics without a token; and the token (Bearer) that
# lets any address scrape it. Behind a proxy set BEHIND_PROXY so the client's address is seen.
EDUDESK_METRICS_ALLOWED_ADDRESSES = env_list("EDUDESK_METRICS_ALLOWED_ADDRESSES", ["127.0.0.1", "::1"])
EDUDESK_METRICS_TOKEN = env_str("EDUDESK_METRICS_TOKEN")
for _network in EDUDESK_METRICS_ALLOWED_ADDRESSES:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfiguredEnv(
            f"EDUDESK_METRICS_ALLOWED_ADDRESSES: {_network!r} is not an address or network") from None
