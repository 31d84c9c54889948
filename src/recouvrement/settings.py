"""Django settings, all read from the environment (RECOUVREMENT_*)."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent

DATABASE_URL = os.environ.get("RECOUVREMENT_DATABASE_URL", "sqlite:///recouvrement.sqlite3")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend plus the function the append-only triggers ask for (db/backends).
    _db["ENGINE"] = "recouvrement.db.backends.sqlite3"
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        # WAL lets readers work while a batch writes; IMMEDIATE takes the write lock at BEGIN,
        # so two writers queue up instead of failing with "database is locked" mid-transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }

# Files written at run time (secret key, attached documents) live beside the SQLite file.
_default_data_dir = (
    Path(_db["NAME"]).resolve().parent
    if _db["ENGINE"] == "recouvrement.db.backends.sqlite3" and _db["NAME"] not in ("", ":memory:")
    else Path("var").resolve()
)
DATA_DIR = Path(os.environ.get("RECOUVREMENT_DATA_DIR", _default_data_dir))


def _secret_key() -> str:
    """The key from the environment, else one generated once and kept in the data folder."""
    if key := os.environ.get("RECOUVREMENT_SECRET_KEY"):
        return key
    path = DATA_DIR / ".recouvrement-secret-key"
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # owner only
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("RECOUVREMENT_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("RECOUVREMENT_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "axes",
    # Issue 14 §3: the API (/api/v1/); its Swagger UI files are served from its static folder.
    "ninja",
    # Issue 16 §3: background work through django-tasks, its queue in our database.
    "django_tasks",
    "django_tasks_db",
    "recouvrement.db",
    "recouvrement.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # O4: the Content-Security-Policy header on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # O3: a signed-in session is renewed every few minutes of activity (web/sessions.py).
    "recouvrement.web.sessions.SlidingSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # O1: on a database without a company, the login page shows « Première installation ».
    "recouvrement.web.setup.middleware.FirstRunMiddleware",
    # O3: answers a locked-out login with our French login page (AXES_LOCKOUT_CALLABLE); last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "recouvrement.web.urls"
WSGI_APPLICATION = "recouvrement.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "recouvrement.web.context.workspace",
                "recouvrement.web.today.today_items",
                "recouvrement.web.structure.rates.rates_banner",
            ],
        },
    }
]

# O3: checked by the password forms (services.users / services.passwords), not by
# `User.objects.create_user`; Django's messages are in French (LANGUAGE_CODE).
_VALIDATION = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATION}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATION}.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": f"{_VALIDATION}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATION}.NumericPasswordValidator"},
]
# A password-reset link (« Structure › Utilisateurs ») is valid 24 hours, and once.
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60

LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Serve files straight from the apps' static folders: no collectstatic step to forget.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "documents"
# Documents and uploaded files readable by the owner only (the database file too: db/backends).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # by role: a manager lands on the dashboard (web/dashboard)
LOGOUT_REDIRECT_URL = "login"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# No page of ours is framed, except the PDFs our own pages show (web/framing.py).
X_FRAME_OPTIONS = "DENY"

# Attached documents (S10): refused above this size.
RECOUVREMENT_MAX_UPLOAD_BYTES = int(os.environ.get("RECOUVREMENT_MAX_UPLOAD_BYTES", 10 * 1024**2))
# An accounting file (FEC) of a year of a large company: a million lines is ~140 MB.
RECOUVREMENT_IMPORT_MAX_BYTES = int(os.environ.get("RECOUVREMENT_IMPORT_MAX_BYTES", 500 * 1024**2))
# Issue 14 §3: calls per minute of one API token, counted in the database (services.api_tokens).
RECOUVREMENT_API_RATE_PER_MINUTE = int(os.environ.get("RECOUVREMENT_API_RATE_PER_MINUTE", 600))


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "oui")


# E-mail steps (PRODUCT §5): the outbox worker (`recouvrement send-emails`) sends over SMTP.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("RECOUVREMENT_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("RECOUVREMENT_EMAIL_PORT", 25))
EMAIL_USE_TLS = _flag("RECOUVREMENT_EMAIL_USE_TLS")  # STARTTLS, usually on port 587
EMAIL_USE_SSL = _flag("RECOUVREMENT_EMAIL_USE_SSL")  # TLS from the start, usually port 465
EMAIL_HOST_USER = os.environ.get("RECOUVREMENT_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("RECOUVREMENT_EMAIL_HOST_PASSWORD", "")
# Seconds per SMTP exchange; well under the outbox's lease (mailing.outbox.LEASE).
EMAIL_TIMEOUT = int(os.environ.get("RECOUVREMENT_EMAIL_TIMEOUT", 30))
DEFAULT_FROM_EMAIL = os.environ.get("RECOUVREMENT_EMAIL_FROM", "recouvrement@localhost")


def _list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


# --- O4: deployment behind HTTPS -----------------------------------------------------------
# RECOUVREMENT_HTTPS=1: the site is only reached over TLS (Django's deployment checklist;
# `recouvrement manage check --deploy` is then clean).
RECOUVREMENT_HTTPS = _flag("RECOUVREMENT_HTTPS")
SESSION_COOKIE_SECURE = RECOUVREMENT_HTTPS
CSRF_COOKIE_SECURE = RECOUVREMENT_HTTPS
SECURE_SSL_REDIRECT = RECOUVREMENT_HTTPS
_ONE_YEAR = 365 * 24 * 60 * 60
SECURE_HSTS_SECONDS = (
    int(os.environ.get("RECOUVREMENT_HSTS_SECONDS", _ONE_YEAR)) if RECOUVREMENT_HTTPS else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = RECOUVREMENT_HTTPS
# Preloading binds the whole domain and its subdomains to HTTPS for months, beyond this app:
# only on request (RECOUVREMENT_HSTS_PRELOAD=1); otherwise its check-deploy reminder is silenced.
SECURE_HSTS_PRELOAD = RECOUVREMENT_HTTPS and _flag("RECOUVREMENT_HSTS_PRELOAD")
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# RECOUVREMENT_BEHIND_PROXY=1: a reverse proxy (Caddy, nginx) ends TLS and says so in
# X-Forwarded-Proto, and adds the client's address last in X-Forwarded-For (for the login
# throttle and the journal). The proxy must set both, never pass the client's own: the app then
# listens on 127.0.0.1 only. The Host header is passed as is (no USE_X_FORWARDED_HOST).
RECOUVREMENT_BEHIND_PROXY = _flag("RECOUVREMENT_BEHIND_PROXY")
if RECOUVREMENT_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Origins allowed to POST when they differ from the Host the app sees: https://recouvrement.example.fr
CSRF_TRUSTED_ORIGINS = _list("RECOUVREMENT_TRUSTED_ORIGINS")

# O4: Content-Security-Policy (django-csp): our own scripts, styles and frames only; no inline
# script or style (the templates use static files), no plugin, no framing of our pages except
# the PDFs shown in our own print window and letter preview (web/framing.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- O3: login throttling (django-axes, attempts kept in the database: every process sees them)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out login before any password check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# 5 failures within 15 minutes of each other, counted per account (from any address) and per
# address (for any account), lock that account or address for 15 minutes after the last
# failure; an attempt during the lock restarts the 15 minutes. A manager unlocks in
# « Structure › Utilisateurs ». A success does not reset the counts (an attacker's own login
# would clear the address's count of the others' failures).
AXES_FAILURE_LIMIT = int(os.environ.get("RECOUVREMENT_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("RECOUVREMENT_LOGIN_LOCK_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_LOCKOUT_CALLABLE = "recouvrement.web.account.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "recouvrement.services.logins.client_address"
AXES_ENABLE_ADMIN = False

# --- Sessions end after RECOUVREMENT_SESSION_HOURS without a request (sliding expiry, renewed
# every 5 minutes of activity rather than written on every request: web/sessions.py).
SESSION_COOKIE_AGE = int(float(os.environ.get("RECOUVREMENT_SESSION_HOURS", 8)) * 60 * 60)

# --- Issue 16 §1: shared storage (documents, uploaded accounting files) ---------------------
# Attached documents and uploaded accounting files (logos, print batches and evidence packs are
# in the database already): RECOUVREMENT_STORAGE_URL unset or `database` = a table of the
# database (one thing to back up); `file:///chemin` (or `file:` = DATA_DIR/documents) = a local
# folder; `s3://bucket?endpoint_url=…&region=…` = an S3-compatible bucket (db/storage.py).
from recouvrement.db.storage import storage_from_url  # noqa: E402

STORAGES = {
    "default": storage_from_url(os.environ.get("RECOUVREMENT_STORAGE_URL"), MEDIA_ROOT),
    # Django's own; whitenoise serves the apps' static folders (WHITENOISE_USE_FINDERS).
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Issue 16 §2: several processes and machines (serve --workers, pool, caches) -----------
# PostgreSQL: Django's psycopg pool, one per process, created at the process's first query
# (so each gunicorn worker opens its own after the fork; `serve` closes the parent's before
# forking). A request borrows a connection and gives it back at its end (CONN_MAX_AGE 0, as
# the pool requires), checked first (CONN_HEALTH_CHECKS: a restarted server is not an error).
# Size: RECOUVREMENT_DB_POOL_MAX, else `serve`'s threads + 2, else 10 (other commands).
# Servers × workers × this must stay under PostgreSQL's max_connections (100 by default).
if _db["ENGINE"] == "django.db.backends.postgresql":
    _db["CONN_MAX_AGE"] = 0
    _db["CONN_HEALTH_CHECKS"] = True
    _db.setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": int(os.environ.get("RECOUVREMENT_DB_POOL_MAX", 10)),
        "timeout": 30,  # seconds a request waits for a free connection before an error
    }
# Nothing is kept in process memory between requests: sessions are in the database (Django's
# default engine), the login throttle too (AXES_HANDLER), and the API's rate counts (its
# tokens' rows). The cache is shared as well: a table of the database (`createcachetable`,
# run after every migration), so any future use is seen by every process and machine.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "recouvrement_cache",
    }
}

# --- Issue 16 §3: background work (recouvrement worker) -------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# `recouvrement worker`: seconds between two looks at the schedule and the queue when idle,
# and how many e-mails one outbox task sends at most (the next minute's task sends the rest).
RECOUVREMENT_WORKER_INTERVAL = float(os.environ.get("RECOUVREMENT_WORKER_INTERVAL", 5))
RECOUVREMENT_WORKER_OUTBOX_LIMIT = int(os.environ.get("RECOUVREMENT_WORKER_OUTBOX_LIMIT", 500))
# RECOUVREMENT_WORKER_SENDS_EMAILS=0: the workers leave the outbox alone (the demo: its e-mails
# have no real server to go to; or an install that runs `send-emails` from its own cron).
RECOUVREMENT_WORKER_SENDS_EMAILS = os.environ.get("RECOUVREMENT_WORKER_SENDS_EMAILS", "1") != "0"
