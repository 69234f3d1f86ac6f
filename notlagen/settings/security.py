"""Login, sessions, second factor, lockout and HTTP security headers."""

from datetime import timedelta

from csp.constants import NONE, SELF

from .env import MODE, env_bool, env_int, env_keys, env_str

_INSECURE_PREFIX = "django-insecure"
SECRET_KEY = env_str("SECRET_KEY", "django-insecure-notlagen-local-only", required_in_production=True)
if MODE == "production" and (
    len(SECRET_KEY) < 50 or SECRET_KEY.startswith(_INSECURE_PREFIX) or len(set(SECRET_KEY)) < 5
):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "SECRET_KEY must be a random value of at least 50 characters in production mode "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )

# Keys of the access-log seals (HMAC-SHA256), kept outside the database: "id:secret[,id:secret…]",
# the first seals, all verify (rotation: put a new key first). Demo and development use a fixed local key.
ACCESS_LOG_SEAL_KEYS = env_keys(
    "ACCESS_LOG_SEAL_KEYS", "local:" + "notlagen-local-seal-key-" * 2, required_in_production=True
)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out username before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "agencies.backends.RoleBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout (django-axes): per username, so a locked account says nothing about whether it exists.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_IPWARE_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Sessions: an absolute maximum per working day, and an idle timeout enforced by
# accounts.middleware.IdleTimeoutMiddleware so the login page can say why it appears.
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("SESSION_IDLE_MINUTES", 30, minimum=1))
# How long an invitation link (a new account sets its own password) stays valid.
INVITATION_DAYS = env_int("INVITATION_DAYS", 7, minimum=1)
SESSION_COOKIE_AGE = env_int("SESSION_MAX_HOURS", 10, minimum=1) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_NAME = "notlagen_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Second factor (django-otp, TOTP): mandatory for these roles, optional for all others.
SECOND_FACTOR_REQUIRED_ROLES = ["auditor", "administrator"]
# Only the demo may relax it, and only when asked to by name; production refuses the switch.
DEMO_RELAX_SECOND_FACTOR = env_bool("NOTLAGEN_DEMO_RELAX_SECOND_FACTOR", False)
if DEMO_RELAX_SECOND_FACTOR and MODE != "demo":
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("NOTLAGEN_DEMO_RELAX_SECOND_FACTOR is only allowed with NOTLAGEN_MODE=demo.")
OTP_TOTP_ISSUER = env_str("OTP_ISSUER", "Notlagen")

# HTTPS and headers. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER via TRUSTED_PROXY_COUNT.
_HTTPS = MODE == "production"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _HTTPS)
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
SECURE_HSTS_PRELOAD = _HTTPS
if AXES_IPWARE_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Strict CSP: everything comes from our own static files; the KERN icons are data: SVGs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
CSRF_FAILURE_VIEW = "notlagen.errors.csrf_failure"

# axes.W006 warns that a lockout without the client address can be bypassed by rotating user
# agents or cookies. Ours counts failures per user name alone, across every address and agent,
# which no rotation escapes; adding the address would let a distributed guesser go on.
# models.W040: SQLite (the demo) ignores the INCLUDE columns of the case-list indexes; they are
# PostgreSQL's index-only scans, which a demo's few thousand cases do not need.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "guardian.W001", "models.W040"]  # guardian.W001: see below

# django-guardian stores the case permissions, but reads go through cases.selectors, which also
# check each grant's validity window; guardian's own backend would ignore the window, so it is
# deliberately not installed and nothing may call user.has_perm(perm, case).
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False
