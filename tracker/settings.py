"""Settings for the improvement plan tracker, driven by environment variables.

The defaults suit `make run` on a laptop: SQLite under var/, DEBUG on, a
throwaway secret key. A council's deployment sets DEBUG=0, SECRET_KEY,
ALLOWED_HOSTS and DATABASE_URL (see docs/operations.md).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from tracker.environment import cache_settings, email_settings, media_storage

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-development-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "django_htmx",
    "simple_history",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "mozilla_django_oidc",
    "plans",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signed-in responses: Cache-Control: private, no-store (docs/operations.md).
    "tracker.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A query parameter a page's form refused: the 400 page naming the field (plans/query.py).
    "plans.query.BadQueryMiddleware",
    # Records the logged-in user on every history row written during a request.
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

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
                "tracker.oidc.single_sign_on",
            ],
        },
    },
]

# Django's form renderer with the select and input widgets written in Python: the same HTML, without a
# template include per option (plans/renderer.py).
FORM_RENDERER = "plans.renderer.QuickRenderer"

VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
_database_url = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tracker.sqlite3'}")
# A worker keeps its PostgreSQL connection for a minute (a new one costs a few milliseconds of the server's
# CPU and a round trip or two, on every request otherwise), checked before reuse after an error or idle time.
# SQLite opens a file: nothing to keep.
DATABASES = {
    "default": dj_database_url.parse(
        _database_url,
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0" if _database_url.startswith("sqlite") else "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while one writer writes; IMMEDIATE takes the
    # write lock at BEGIN so two writers queue instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles any query its planner costs high, such as a
    # rollup grouping 100,000 ratings: 30-40 ms of compiling for a query that
    # runs in less. A page's queries are short; they run better interpreted.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes; tracker/login_throttle.py): AXES_FAILURE_LIMIT failed sign-ins for one
# username from one client address lock that pair, and AXES_ADDRESS_FAILURE_LIMIT failures from one address
# across all usernames (password spraying) lock the address, each for the cool-off time.
AUTHENTICATION_BACKENDS = [
    "tracker.login_throttle.ThrottledLoginBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Answers only the single sign-on callback, and only when OIDC is configured (tracker/oidc.py).
    "tracker.oidc.LeadMatchingBackend",
]
# The sign-in page names the demo logins while the demo's users exist (load_demo); DEMO=0 never names them,
# e.g. on a site that loaded the demo for training and changed its passwords. plans/demo/loader.py: demo_logins().
DEMO = env_bool("DEMO", True)

# Single sign-on (OpenID Connect, e.g. Microsoft Entra ID) when OIDC_ISSUER and a client are set;
# local accounts keep working beside it. See tracker/oidc.py and docs/operations.md.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_ENABLED = bool(OIDC_ISSUER and OIDC_RP_CLIENT_ID)
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "your organisation's account")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_CREATE_USER = env_bool("OIDC_CREATE_USERS", True)
OIDC_USE_PKCE = True
OIDC_VERIFY_SSL = env_bool("OIDC_VERIFY_SSL", True)
OIDC_TIMEOUT = 10
OIDC_STORE_ID_TOKEN = False
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_JWKS_ENDPOINT", "")
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
AXES_HANDLER = "tracker.login_throttle.ThrottledHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tracker.login_throttle.locked_out"
# Behind a reverse proxy, the number of proxies in front of gunicorn, each appending to X-Forwarded-For:
# the client's address is read from the entry the nearest one added (tracker.login_throttle.client_address).
PROXY_COUNT = int(os.environ.get("PROXY_COUNT") or 0)
AXES_CLIENT_IP_CALLABLE = "tracker.login_throttle.client_address"
# Axes' log lines name the client's address (as the proxy's log does); the username stays masked, since
# people type their password into it by mistake.
AXES_SENSITIVE_PARAMETERS = ["username"]

# Sessions end after a working day, and when the browser closes unless told otherwise.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
# In production whitenoise serves the collected, hashed and compressed files
# (run `manage.py collectstatic` at deploy); in development, the files as they are.
# Media (evidence files, uploaded workbooks): this host's disk by default; MEDIA_STORAGE=database keeps
# them in the database so that every host serves the same files (tracker/environment.py).
STORAGES = {
    "default": media_storage(os.environ.get("MEDIA_STORAGE", "filesystem")),
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

# Email: EMAIL_URL (smtp://user:password@host:587?tls=1), or Django's EMAIL_HOST… variables;
# neither: the console (make run prints reminders instead of sending them).
globals().update(email_settings(os.environ))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "plans@localhost")

# The cache of whole-plan figures (plans/rollup/cache.py) and of anything rate-limited through Django's
# cache: each process's memory by default, one Redis shared by every process and host when REDIS_URL is set.
# Sessions stay in the database either way.
CACHES = cache_settings(os.environ.get("REDIS_URL", ""), os.environ.get("CACHE_KEY_PREFIX", "tracker"))

# Background jobs (board-pack PDFs, reminder digests, large imports): Django's Tasks API through the
# django-tasks backport, kept in this database and run by `manage.py run_worker` on any host.
# TASKS_BACKEND=immediate runs each job at once in the process that asks (tests; no worker needed).
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[os.environ.get("TASKS_BACKEND", "database")],
        "QUEUES": ["default"],
    }
}
# Reminder digests go out each working day at this local time (run_worker schedules them).
REMINDER_TIME = os.environ.get("REMINDER_TIME", "07:00")
REMINDER_DAYS = env_list("REMINDER_DAYS", "mon,tue,wed,thu,fri")
# Reminder links and other absolute addresses in email: the site's address.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

# Dated history queries ("the plan as at 1 March") use an index on history_date.
SIMPLE_HISTORY_DATE_INDEX = "composite"
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# HTTPS only when DEBUG is off. Behind a proxy that ends TLS, set SECURE_PROXY_SSL_HEADER=1
# and make sure the proxy sets X-Forwarded-Proto (see docs/operations.md).
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content security policy: scripts, styles and everything else from this site only.
# No inline scripts or styles; htmx is served from static/ (and must run with
# inline indicator styles and eval switched off; see docs/operations.md).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The largest workbook an import accepts, checked before it is parsed (docs/spreadsheets.md).
SPREADSHEET_MAX_UPLOAD_BYTES = int(os.environ.get("SPREADSHEET_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
# Workbooks larger than this are checked and applied by a worker, the page showing how far it has got.
SPREADSHEET_BACKGROUND_BYTES = int(os.environ.get("SPREADSHEET_BACKGROUND_BYTES", 1024 * 1024))
