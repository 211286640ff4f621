"""Settings shared by every environment.

Everything that differs between machines comes from the environment
(https://django-environ.readthedocs.io/): DATABASE_URL, REDIS_URL, SECRET_KEY,
ALLOWED_HOSTS, DEBUG, EMAIL_URL. With nothing set, the app runs embedded:
SQLite and a Celery broker on the local filesystem, so it needs no server.
"""

import sys
from pathlib import Path

import environ
from celery.schedules import crontab

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Where the embedded database, broker folders and generated files live.
VAR_DIR = Path(env("ROPA_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# ------------------------------------------------------------------------------
# GENERAL
# https://docs.djangoproject.com/en/5.2/ref/settings/
# ------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
TIME_ZONE = env("TIME_ZONE", default="Europe/London")
LANGUAGE_CODE = "en-gb"
# French is the language of the CNIL layout (its fixed text and the reference data).
# https://docs.djangoproject.com/en/5.2/topics/i18n/translation/#how-django-discovers-translations
LANGUAGES = [("en-gb", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
SITE_NAME = env("SITE_NAME", default="ROPA register")

# ------------------------------------------------------------------------------
# DATABASES
# https://docs.djangoproject.com/en/5.2/ref/settings/#databases
# ------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: opening a PostgreSQL connection costs more than a lookup. Each
# request that uses a kept connection first checks it with a round trip (SELECT 1), so a
# connection the server or the network ended is replaced instead of failing the request.
# https://docs.djangoproject.com/en/5.2/ref/databases/#persistent-connections
#
# Not under `manage.py runserver`: it serves each request in a thread of its own, so a
# kept connection is never used again nor closed, and the server soon holds every
# connection PostgreSQL allows.
# https://docs.djangoproject.com/en/5.2/ref/databases/#caveats
RUNSERVER = sys.argv[1:2] == ["runserver"]
DATABASES["default"]["CONN_MAX_AGE"] = 0 if RUNSERVER else env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Lets psycopg prepare a statement that a connection has run 5 times. Django's cursors
    # bind on the client and are never prepared; only the hot statements, run through
    # ropa.db.prepared_cursor(), are bound on the server and so prepared. Not
    # OPTIONS["server_side_binding"]: PostgreSQL takes at most 65,535 parameters in a
    # statement bound on the server (ropa/db.py).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ------------------------------------------------------------------------------
# APPS
# ------------------------------------------------------------------------------
# The admin's theme (https://unfoldadmin.com/docs/): its apps come before
# django.contrib.admin so that their templates win.
THEME_APPS = [
    "unfold",
    "unfold.contrib.filters",
    "unfold.contrib.forms",
    "unfold.contrib.simple_history",
]
DJANGO_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
]
THIRD_PARTY_APPS = [
    # Before rest_framework.authtoken: its drf_create_token, for tokens kept as digests.
    "ropa.token_commands",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_celery_beat",
    "axes",
    "csp",
]
LOCAL_APPS = [
    "ropa.apps.RopaConfig",
    "entities",
    "processing",
    "reports",
    "packs",
    "campaigns",
    "notices",
    "exports_centre",
]
INSTALLED_APPS = THEME_APPS + DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# ------------------------------------------------------------------------------
# ADMIN THEME
# https://unfoldadmin.com/docs/configuration/settings/
# ------------------------------------------------------------------------------
UNFOLD = {
    "SITE_TITLE": "ropa.workspace.site_name",
    "SITE_HEADER": "ropa.workspace.site_name",
    # The organisations the user works for, under the product's name.
    "SITE_SUBHEADER": "ropa.workspace.user_organisations",
    "SITE_SYMBOL": "menu_book",
    # The home page is the DPO's worklist (templates/admin/index.html).
    "DASHBOARD_CALLBACK": "ropa.workspace.worklist_context",
    "SHOW_VIEW_ON_SITE": False,
    # The admin is the site: no "Return to site" link back to it.
    "SITE_URL": None,
    "SIDEBAR": {
        "show_search": False,
        "show_all_applications": False,
        "navigation": "ropa.workspace.sidebar_navigation",
    },
}

# ------------------------------------------------------------------------------
# MIDDLEWARE
# https://docs.djangoproject.com/en/5.2/topics/http/middleware/
# ------------------------------------------------------------------------------
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ropa.security.CSPMiddleware",  # django-csp, policy built once
    "simple_history.middleware.HistoryRequestMiddleware",
    "ropa.audit.AuditPathMiddleware",
    "ropa.security.PermissionDeniedLogMiddleware",
    # Last, as django-axes asks: locks out repeated failed logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ropa.urls"
WSGI_APPLICATION = "ropa.wsgi.application"

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
            ],
        },
    },
]

# ------------------------------------------------------------------------------
# AUTHENTICATION
# https://docs.djangoproject.com/en/5.2/topics/auth/
# ------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
# After a login with no page asked for: the worklist. The theme's login form does not
# post the admin's default "next", so the admin says where to go here.
LOGIN_REDIRECT_URL = "admin:index"
AUTHENTICATION_BACKENDS = [
    # https://django-axes.readthedocs.io/en/latest/2_installation.html
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Proxies in front of the app (load balancer, TLS terminator) that each append the address
# they received the request from to X-Forwarded-For: the client address is then read from
# there (ropa.security.client_address), for the login lockout, the API's throttles and
# the security log. 0: the address that connected (REMOTE_ADDR). AXES_IPWARE_PROXY_COUNT
# is the older name of the same setting.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT",
                              default=env.int("AXES_IPWARE_PROXY_COUNT", default=0))
# Brute-force protection: lock a username from a client address after repeated failures
# (never the username for every client: anyone could then keep the DPO locked out), and
# a client address after repeated failures across usernames (password spraying).
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "ropa.security.client_address"
AXES_HANDLER = "ropa.lockout.LoginLockout"
ROPA_LOGIN_FAILURES_PER_CLIENT = env.int("ROPA_LOGIN_FAILURES_PER_CLIENT", default=20)
AXES_RESET_ON_SUCCESS = True
# No "AXES: BEGIN" line at the start of every process and command.
AXES_VERBOSE = False

# ------------------------------------------------------------------------------
# CONTENT SECURITY POLICY (django-csp)
# https://django-csp.readthedocs.io/en/latest/configuration.html
# ------------------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'", "'unsafe-inline'"],
        # Scripts come only from this site: no inline script runs, nothing is evaluated.
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
# The pages drawn by the admin theme (django-unfold): the admin under these paths, and the
# site's error pages (ropa/errors.py). Their Alpine.js evaluates its x-data / x-show
# expressions with Function(), so their script-src adds 'unsafe-eval' (ropa.security);
# the API, the API's documentation, the review pages and the health check do without.
ROPA_CSP_EVAL_PATHS = ["/admin/"]
ROPA_CSP_EVAL = {"script-src": ["'unsafe-eval'"]}

# ------------------------------------------------------------------------------
# STATIC FILES (whitenoise)
# https://whitenoise.readthedocs.io/
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media/"

# ------------------------------------------------------------------------------
# STORAGES
# https://docs.djangoproject.com/en/5.2/ref/settings/#storages
# ------------------------------------------------------------------------------
# "imports": the workbooks uploaded in the admin import, kept between the preview and the
# confirmation (personal data, readable by the app's user only). Every web process and
# the worker that purges them must see the same storage: a shared directory
# (ROPA_IMPORT_DIR) or another backend (ROPA_IMPORT_STORAGE, with its
# ROPA_IMPORT_STORAGE_OPTIONS as a JSON object).
_FILE_SYSTEM = "django.core.files.storage.FileSystemStorage"
ROPA_IMPORT_STORAGE = {
    "BACKEND": env("ROPA_IMPORT_STORAGE", default=_FILE_SYSTEM),
    "OPTIONS": env.json("ROPA_IMPORT_STORAGE_OPTIONS", default={}),
}
if ROPA_IMPORT_STORAGE["BACKEND"] == _FILE_SYSTEM:
    ROPA_IMPORT_STORAGE["OPTIONS"] = {
        "location": env("ROPA_IMPORT_DIR", default=str(Path(MEDIA_ROOT) / "imports")),
        "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700,
        **ROPA_IMPORT_STORAGE["OPTIONS"],
    }
# "packs": the regulator packs as made (personal data too), kept to be handed again.
ROPA_PACK_STORAGE = {
    "BACKEND": env("ROPA_PACK_STORAGE", default=_FILE_SYSTEM),
    "OPTIONS": env.json("ROPA_PACK_STORAGE_OPTIONS", default={}),
}
if ROPA_PACK_STORAGE["BACKEND"] == _FILE_SYSTEM:
    ROPA_PACK_STORAGE["OPTIONS"] = {
        "location": env("ROPA_PACK_DIR", default=str(Path(MEDIA_ROOT) / "packs")),
        "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700,
        **ROPA_PACK_STORAGE["OPTIONS"],
    }
# "exports": the files of the export centre (the register: personal data), kept
# ROPA_EXPORT_KEEP_DAYS for their download; web processes and workers share it.
ROPA_EXPORT_STORAGE = {
    "BACKEND": env("ROPA_EXPORT_STORAGE", default=_FILE_SYSTEM),
    "OPTIONS": env.json("ROPA_EXPORT_STORAGE_OPTIONS", default={}),
}
if ROPA_EXPORT_STORAGE["BACKEND"] == _FILE_SYSTEM:
    ROPA_EXPORT_STORAGE["OPTIONS"] = {
        "location": env("ROPA_EXPORT_DIR", default=str(Path(MEDIA_ROOT) / "exports")),
        "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700,
        **ROPA_EXPORT_STORAGE["OPTIONS"],
    }
STORAGES = {
    "default": {"BACKEND": _FILE_SYSTEM},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "imports": ROPA_IMPORT_STORAGE,
    "packs": ROPA_PACK_STORAGE,
    "exports": ROPA_EXPORT_STORAGE,
}

# ------------------------------------------------------------------------------
# EMAIL
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-email-url
# ------------------------------------------------------------------------------
_email = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(_email)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="ropa@localhost")

# ------------------------------------------------------------------------------
# CELERY
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
# ------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # A message not acknowledged within visibility_timeout is handed to another worker:
    # it must exceed the longest task (CELERY_TASK_TIME_LIMIT) and the longest retry delay.
    # https://docs.celeryq.dev/en/stable/getting-started/backends-and-brokers/redis.html
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 3600, "socket_connect_timeout": 3}
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 3
else:
    # Embedded: a broker on the local filesystem, no server needed.
    _broker_dir = VAR_DIR / "broker"
    # The host name is not used; naming one keeps kombu from warning that it is missing.
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'results'}"
    for _folder in (_broker_dir / "out", _broker_dir / "processed", _broker_dir / "control",
                    VAR_DIR / "results"):
        _folder.mkdir(parents=True, exist_ok=True)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_RESULT_EXPIRES = 7 * 24 * 3600
# Run exactly one `celery beat`: the schedules live in the database, editable in the admin.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Housekeeping the beat installs in its database schedule on start (the periodic reports
# are created by migrate: reports/schedules.py).
CELERY_BEAT_SCHEDULE = {
    "Imports: delete expired uploads (hourly)": {
        "task": "processing.purge_expired_uploads", "schedule": 3600.0,
    },
    "Reports: queue again those left running by a lost worker (every 5 minutes)": {
        "task": "reports.requeue_stuck_reports", "schedule": 300.0,
    },
    "Exports: delete expired files, queue again those left by a lost worker (every 5 minutes)": {
        "task": "exports_centre.housekeeping", "schedule": 300.0,
    },
    "Review campaigns: remind owners, tell the DPO (daily)": {
        "task": "campaigns.send_reminders", "schedule": crontab(minute=0, hour=8),
    },
    "Findings: run the rules for the new day (nightly)": {
        "task": "processing.refresh_finding_summaries",
        "schedule": crontab(minute=15, hour=0),
    },
}
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_TASK_SEND_SENT_EVENT = True
# Publishing from a web request gives up within seconds when the broker is down, so the
# request answers 503 instead of hanging.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1,
}
# Workers: report tasks acknowledge late (see reports/tasks.py), so take one at a time and
# give running tasks back when the broker connection is lost.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True

# ------------------------------------------------------------------------------
# DJANGO REST FRAMEWORK / drf-spectacular
# https://www.django-rest-framework.org/api-guide/settings/
# ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an anonymous request then gets 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "processing.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["processing.api.filters.RegisterFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "processing.api.pagination.RegisterPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # One error shape everywhere: {"errors": [{"field", "code", "message"}]}.
    "EXCEPTION_HANDLER": "processing.api.exceptions.exception_handler",
    # Failed token authentications per client address (processing/api/authentication.py).
    "DEFAULT_THROTTLE_RATES": {"token_failures": env("API_TOKEN_FAILURE_RATE", default="20/min")},
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# https://drf-spectacular.readthedocs.io/en/latest/settings.html
SPECTACULAR_SETTINGS = {
    "TITLE": "ROPA register API",
    "DESCRIPTION": (
        "The Record of Processing Activities (GDPR / UK GDPR Article 30).\n\n"
        "Authenticate with `Authorization: Token <key>` (see `manage.py issue_api_token`) "
        "or a browser session. Object responses carry an `ETag`; send it back in `If-Match` "
        "on PUT, PATCH and workflow actions of an activity: a stale one answers 412 and "
        "changes nothing. A write without `If-Match` is accepted. Errors always answer "
        '`{"errors": [{"field": ..., "code": ..., "message": ...}]}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from this app's static files (drf-spectacular-sidecar), no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "processing.api.schema.strict_write_components",
    ],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Choice sets that share a field name get their domain name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "OrganisationJurisdictionEnum": "entities.models.organisation.Jurisdiction",
        "ActivityRoleEnum": "processing.models.activity.ActivityRole",
        "ContactRoleEnum": "entities.models.organisation.ContactRole",
        "LawfulBasisKindEnum": "processing.models.reference.LawfulBasisKind",
        "SecurityMeasureKindEnum": "processing.models.reference.SecurityMeasureKind",
        "TransferMechanismKindEnum": "processing.models.reference.TransferMechanismKind",
        "ThirdPartyKindEnum": "entities.models.third_party.ThirdPartyKind",
        "AdequacyEnum": "entities.models.country.Adequacy",
        "ActivityStatusEnum": "processing.models.activity.ActivityStatus",
        "ReportKindEnum": "reports.models.ReportKind",
        "ReportStatusEnum": "reports.models.ReportStatus",
    },
}

# ------------------------------------------------------------------------------
# THE REGISTER
# ------------------------------------------------------------------------------
# An activity still in draft after this many days is reported by the findings engine.
ROPA_DRAFT_STALE_DAYS = env.int("ROPA_DRAFT_STALE_DAYS", default=30)
# Default interval between two reviews of an activity, in days.
ROPA_REVIEW_INTERVAL_DAYS = env.int("ROPA_REVIEW_INTERVAL_DAYS", default=365)
# The Ed25519 private key that signs regulator packs (PEM), made with mode 0600 on first
# use. Back it up: packs verify only with its public key (docs/regulator-pack.md).
ROPA_PACK_SIGNING_KEY = env("ROPA_PACK_SIGNING_KEY",
                            default=str(VAR_DIR / "keys" / "regulator-pack-ed25519.pem"))
# The address the app is reached at, for links sent by email (review campaigns).
# Days the export centre keeps a file for its download before the beat deletes it.
ROPA_EXPORT_KEEP_DAYS = env.int("ROPA_EXPORT_KEEP_DAYS", default=7)
ROPA_SITE_URL = env("ROPA_SITE_URL", default="http://127.0.0.1:8000")

# ------------------------------------------------------------------------------
# LOGGING
# ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
