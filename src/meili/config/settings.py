"""Django settings for Meili, read from the environment (see README, "Configuration")."""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from meili.config import environment

PACKAGE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = environment.var_dir()

SECRET_KEY = environment.secret_key(VAR_DIR)
DEBUG = environment.flag("MEILI_DEBUG")
DEMO = environment.flag("MEILI_DEMO")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("MEILI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [h.strip() for h in os.environ.get("MEILI_CSRF_TRUSTED_ORIGINS", "").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "ninja",
    "meili.accounts",
    "meili.audit",
    "meili.web",
    "meili.demo",
    "meili.progress",
    "meili.governance",
    "meili.monitoring",
    "meili.reports",
    "meili.sources",
    "meili.emergency",
    "meili.credit",
    "meili.carbon",
    "meili.online",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "meili.web.middleware.ContentSecurityPolicyMiddleware",
    "meili.web.middleware.RequestLogMiddleware",
    "meili.web.middleware.PrivateNoStoreMiddleware",
]

ROOT_URLCONF = "meili.config.urls"
WSGI_APPLICATION = "meili.config.wsgi.application"

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
                "meili.web.context.platform",
                "meili.governance.context.notifications",
            ],
        },
    },
]

DATABASES = {"default": environment.database(VAR_DIR)}
CACHES = {"default": environment.cache(VAR_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): lock a username+address pair after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("MEILI_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = environment.flag("MEILI_HTTPS")
CSRF_COOKIE_SECURE = environment.flag("MEILI_HTTPS")
X_FRAME_OPTIONS = "DENY"
# HTTPS deployments (behind the reverse proxy that terminates TLS and sets X-Forwarded-Proto): HSTS for a year
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if environment.flag("MEILI_HTTPS") else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if environment.flag("MEILI_HTTPS") else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise expects it even before the first collectstatic
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Complaint clocks (docs/cases.md): MEILI_CLOCK_<RULE> = "<days>" (calendar days) or "<days>w" (working
# days), rules accept, finish, inspection, unit, review_request, followup; MEILI_CASE_EXTENSION_MAX_DAYS caps
# extensions.
GOVERNANCE: dict[str, str | int] = {
    key: os.environ[f"MEILI_CLOCK_{key.upper()}"]
    for key in ("accept", "finish", "inspection", "unit", "review_request", "followup")
    if os.environ.get(f"MEILI_CLOCK_{key.upper()}")
}
if os.environ.get("MEILI_CASE_EXTENSION_MAX_DAYS"):
    GOVERNANCE["extension_max_days"] = int(os.environ["MEILI_CASE_EXTENSION_MAX_DAYS"])

# The official form of generated documents (docs/reports.md): issuing body (default: the plan city's 生态环境局),
# 签发人, 抄送 and 印发机关 of the 版记, and the day of the following month a monthly bulletin is dated.
REPORTS = {
    "issuer": os.environ.get("MEILI_REPORT_ISSUER", ""),
    "signer": os.environ.get("MEILI_REPORT_SIGNER", ""),
    "copy_to": os.environ.get("MEILI_REPORT_COPY_TO", ""),
    "printer": os.environ.get("MEILI_REPORT_PRINTER", ""),
    "bulletin_issue_day": int(os.environ.get("MEILI_BULLETIN_ISSUE_DAY", "10")),
    # the monitoring data bulletins are made from: "realtime" (自动监测实时数据, unaudited) or "audited"
    "air_data_status": os.environ.get("MEILI_AIR_DATA_STATUS", "realtime"),
}

# E-mail notifications only when an SMTP server is configured (MEILI_SMTP_HOST); otherwise none are sent.
EMAIL_HOST = os.environ.get("MEILI_SMTP_HOST", "")
EMAIL_PORT = int(os.environ.get("MEILI_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("MEILI_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("MEILI_SMTP_PASSWORD", "")
EMAIL_USE_TLS = environment.flag("MEILI_SMTP_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("MEILI_SMTP_FROM", "meili@localhost")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.dummy.EmailBackend"
)

PLATFORM_NAME = _("美丽威海生态环境数字治理平台")
PLAN_CODE = os.environ.get("MEILI_PLAN", "weihai-2024-2035")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stderr"], "level": os.environ.get("MEILI_LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
