"""Django settings, all read from the environment (RECOUVREMENT_*)."""

import os
import secrets
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
        path.parent.mkdir(parents=True, exist_ok=True)
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
    "recouvrement.db",
    "recouvrement.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # O1: on a database without a company, the login page shows « Première installation ».
    "recouvrement.web.setup.middleware.FirstRunMiddleware",
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

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dossier_list"
LOGOUT_REDIRECT_URL = "login"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "SAMEORIGIN"

# Attached documents (S10): refused above this size.
RECOUVREMENT_MAX_UPLOAD_BYTES = int(os.environ.get("RECOUVREMENT_MAX_UPLOAD_BYTES", 10 * 1024**2))
# An accounting file (FEC) of a year of a large company: a million lines is ~140 MB.
RECOUVREMENT_IMPORT_MAX_BYTES = int(os.environ.get("RECOUVREMENT_IMPORT_MAX_BYTES", 500 * 1024**2))


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
