"""Core Django settings: apps, middleware, database, templates, languages, static files."""

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from .env import MODE, env_bool, env_database, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("NOTLAGEN_VAR_DIR", str(BASE_DIR / "var")))

# production, demo or development: what the process may do (demo data only outside production).
NOTLAGEN_MODE = MODE

DEBUG = env_bool("DEBUG", False)
if DEBUG and MODE == "production":
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DEBUG must not be true in production mode (NOTLAGEN_MODE=production).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"], required_in_production=True)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The public base URL is used in notification links (mail has no request to build URLs from).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000", required_in_production=True).rstrip("/")

INSTALLED_APPS = [
    "notlagen.admin_config.NotlagenAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "guardian",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "notlagen",
    "accounts",
    "agencies",
    "cases",
    "casework",
    "payments",
    "access",
    "referrals",
    "consultations",
    "conferences",
    "networks",
    "notifications",
    "api",
    "reports",
    "retention",
    "privacy",
    "audit",
    "fixtures",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "notlagen.middleware.RequestIdMiddleware",
    "audit.context.AccessContextMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "notlagen.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # NotFound from the access layer and PermissionDenied answer 404 (logged where raised).
    "access.web.NotFoundMiddleware",
    # Axes must come last: it turns a lockout signalled by the backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "notlagen.urls"
WSGI_APPLICATION = "notlagen.wsgi.application"
ASGI_APPLICATION = "notlagen.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            # Dates for people are written one way only (notlagen.dates).
            "builtins": ["notlagen.templatetags.dates"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notlagen.context_processors.shell",
            ],
        },
    },
]

_DEFAULT_DATABASE = f"sqlite:///{VAR_DIR / 'notlagen.sqlite3'}"
DATABASES = {"default": env_database("DATABASE_URL", _DEFAULT_DATABASE, required_in_production=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves web, worker and beat at once: WAL lets readers go on while
    # one writer works, IMMEDIATE takes the write lock up front instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # Short queries on indexes: PostgreSQL's JIT compiles a plan whose cost estimate is high
    # (a search over a city's persons) and spends more time compiling than running it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "notlagen_language"
LANGUAGE_COOKIE_SECURE = not DEBUG and MODE == "production"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env_str("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded case documents: outside the web root and never served by a URL of their own, only
# through the permission-checked, logged download view. Back this folder up with the database.
DOCUMENTS_ROOT = Path(env_str("DOCUMENTS_ROOT", str(VAR_DIR / "documents")))
DOCUMENT_MAX_MB = env_int("DOCUMENT_MAX_MB", 10, minimum=1)
# Hook for a virus scanner: dotted path of a callable(file) that raises ValidationError for an
# infected file and returns a short result ("clean", a signature version); empty = not scanned.
DOCUMENT_SCANNER = env_str("DOCUMENT_SCANNER", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Financial help (payments/). Above this amount in euros only a team lead approves a payment.
PAYMENTS_TEAM_LEAD_ABOVE = env_int("PAYMENTS_TEAM_LEAD_ABOVE", 1000, minimum=1)
# The pain.001 version the city's bank takes for SEPA credit transfers.
PAYMENTS_PAIN001_VERSION = env_str("PAYMENTS_PAIN001_VERSION", "pain.001.001.09")
if PAYMENTS_PAIN001_VERSION not in ("pain.001.001.03", "pain.001.001.09"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("PAYMENTS_PAIN001_VERSION must be pain.001.001.09 or pain.001.001.03.")
