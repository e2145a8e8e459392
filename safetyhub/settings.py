"""Settings for Safety Hub.

Every knob comes from the environment; the README lists each variable with its
default. The defaults run the demo on SQLite with no other service.
"""

import hashlib
import os
import secrets
import subprocess
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: use true or false.")


def env_int(name, default):
    value = os.environ.get(name) or str(default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: use a whole number.") from None


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def local_secret_key(path):
    """A random key kept beside the code, so a demo needs no setup and no key is committed."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        path.touch(mode=0o600)
        path.write_text(key)
        return key


DEBUG = env_bool("DJANGO_DEBUG", False)

# Unset: a generated key in .secret_key; the deploy check warns (see catalog.checks).
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or local_secret_key(BASE_DIR / ".secret_key")
SECRET_KEY_FROM_ENVIRONMENT = bool(os.environ.get("DJANGO_SECRET_KEY"))

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "catalog",
    # Images and PDF documents: upload rules, renditions, private storage.
    "uploads",
    # Full-text search over catalog's publications: the index, its upkeep, the search page.
    "search",
    # Safety evaluations: results, Preparedness determinations, their pages and downloads.
    "evaluations",
    # The workflow around catalog's content (roles, previews, redirects); history by reversion.
    "editorial",
    "reversion",
    "pagecache",
    # Django's tasks framework, with its tasks kept in the database (renditions of images).
    "django_tasks_db",
    # Sign-in throttling: failed sign-ins counted per username and address (see below).
    "axes",
]

MIDDLEWARE = [
    # First: nothing builds an address or a cache key from a Host with an impossible port.
    "safetyhub.security.HostPortMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise, so static files carry the policies too.
    "safetyhub.security.ContentSecurityPolicyMiddleware",
    "safetyhub.security.BrowserFeaturesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the body (the CSRF check does).
    "safetyhub.security.RequestSizeMiddleware",
    # Drops the query parameters a page does not take, before the page cache keys on the rest.
    "pagecache.middleware.KnownParametersMiddleware",
    # ETags (a hash of the body) and 304s, for what the next one marks cacheable.
    "django.middleware.http.ConditionalGetMiddleware",
    # Cache-Control, Last-Modified and surrogate keys, on cached pages too.
    "pagecache.middleware.HttpCachingMiddleware",
    # Before sessions and auth: a cached page for an anonymous visitor needs neither.
    "pagecache.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a refused sign-in into editorial.signin's page.
    "axes.middleware.AxesMiddleware",
    # Last: answers only what nothing else found, at the addresses of moved or deleted pages.
    "editorial.redirects.RedirectFallbackMiddleware",
]

ROOT_URLCONF = "safetyhub.urls"
WSGI_APPLICATION = "safetyhub.wsgi.application"

# The public site's templates (templates/) are Jinja2, for speed (safetyhub/jinja2.py); the
# admin and the apps' own templates stay on Django's engine, which is asked first.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # The admin's templates put this nonce on their inline scripts and styles.
                "django.template.context_processors.csp",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "safetyhub.jinja2.environment"},
    },
]

# Database: DATABASE_URL, SQLite file in the project folder by default.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE avoids "database is locked" when two requests write at once; WAL lets reads go on.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    INSTALLED_APPS.append("django.contrib.postgres")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def release_default():
    """The code's version: the commit checked out, else the static files' manifest (it changes
    with every static file), else nothing known."""
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    try:
        return hashlib.sha256((STATIC_ROOT / "staticfiles.json").read_bytes()).hexdigest()[:12]
    except OSError:
        return "unknown"


STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
# Which release of the code runs: part of every cache key, so a new deploy never serves a page
# the old code rendered (with links to static files it no longer has).
RELEASE = os.environ.get("DJANGO_RELEASE") or release_default()

# Cache: shared Redis when REDIS_URL is set, else per-process memory. Short timeouts: with Redis
# down, pages are rendered without it (pagecache.generation), not kept waiting.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"safetyhub.{RELEASE}",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": f"safetyhub.{RELEASE}",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    }

# Whole public pages are cached for anonymous visitors until the content changes or a scheduled
# item goes live (pagecache/generation.py); this is only the longest any page is kept. 0: off.
PAGE_CACHE_SECONDS = env_int("DJANGO_PAGE_CACHE_SECONDS", 600)
# The apps whose rows appear on public pages: saving or deleting any of their rows, or linking
# two, retires every cached page.
PAGE_CACHE_CONTENT_APPS = ["catalog", "evaluations"]

# HTTP caching of public pages (pagecache.middleware): browsers keep a page HTTP_CACHE_MAX_AGE
# seconds, shared caches (Varnish, a CDN) HTTP_CACHE_S_MAXAGE, which can be long because every
# change purges exactly the pages naming it; both end when a scheduled item goes live. Purges
# cannot reach browsers, so by default they ask again each time (a cheap 304 from Varnish while
# the page is unchanged) and a change shows at once. Stale pages may be served while one is
# fetched afresh, or while the site is down, for the last two (0: not at all).
HTTP_CACHE_MAX_AGE = env_int("DJANGO_HTTP_CACHE_MAX_AGE", 0)
HTTP_CACHE_S_MAXAGE = env_int("DJANGO_HTTP_CACHE_S_MAXAGE", 86400)
HTTP_CACHE_STALE_WHILE_REVALIDATE = env_int("DJANGO_HTTP_CACHE_STALE_WHILE_REVALIDATE", 0)
HTTP_CACHE_STALE_IF_ERROR = env_int("DJANGO_HTTP_CACHE_STALE_IF_ERROR", 86400)
# Front-end caches to purge on a change (e.g. "http://127.0.0.1:6081/"): each gets `PURGE /`
# with an `xkey-purge` header naming the changed items' keys. Empty: none.
FRONTEND_CACHE_PURGE_URLS = env_list("DJANGO_FRONTEND_CACHE_PURGE_URLS")
FRONTEND_CACHE_PURGE_TIMEOUT = 1

# How long a preview link (a draft shown to a reviewer without an account) keeps working.
PREVIEW_LINK_DAYS = env_int("DJANGO_PREVIEW_LINK_DAYS", 7)

# Sign-in throttling (django-axes): after DJANGO_LOGIN_FAILURE_LIMIT failed sign-ins for one
# username from one address, that username is refused from that address, even with the right
# password, until DJANGO_LOGIN_COOLOFF_MINUTES pass with no new attempt (`manage.py
# axes_reset_username NAME` lifts it at once). Other addresses, and other users, still sign in.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
LOGIN_COOLOFF_MINUTES = env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 15)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "editorial.signin.signin_locked_out"
AXES_CLIENT_IP_CALLABLE = "safetyhub.security.client_address"
# Unlocking is `manage.py axes_reset*`; the attempts stay out of the admin's lists.
AXES_ENABLE_ADMIN = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True
# One way to write dates across the admin and the site ("5 Dec 2026", "5 Dec 2026, 14:30 UTC",
# as editorial.workflow.moment writes them): safetyhub/formats/en/formats.py.
FORMAT_MODULE_PATH = ["safetyhub.formats"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")
# Uploads only a view hands out, after checking who asks (publication PDFs): never serve this
# folder from the web server. Like MEDIA_ROOT, a volume every app server shares.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("DJANGO_PRIVATE_MEDIA_ROOT") or BASE_DIR / "private-media")
DOCUMENT_MAX_MB = env_int("DJANGO_DOCUMENT_MAX_MB", 50)
# Hosts whose images Markdown may show (e.g. "images.example.org"); any other image from off
# the site becomes a link. Run `manage.py rerender_markdown` after a change.
MARKDOWN_IMAGE_HOSTS = env_list("DJANGO_MARKDOWN_IMAGE_HOSTS")

# Request bodies. A body over DJANGO_REQUEST_MAX_MB is refused (413) before it is read
# (safetyhub.security): room for a PDF, a 10 MB image and the form around them. Within it, a
# form's own fields may hold DJANGO_FORM_MAX_KB (Django counts no file in that), and an upload
# over 2.5 MB goes to a temporary file rather than memory.
REQUEST_MAX_MB = env_int("DJANGO_REQUEST_MAX_MB", DOCUMENT_MAX_MB + 20)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DJANGO_FORM_MAX_KB", 2560) * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2560 * 1024

# Background work (the renditions of an uploaded image): Django's tasks framework. "database"
# (django-tasks-db): tasks are rows that `manage.py db_worker` runs, and `make run` starts one
# beside the server; until it has, pages show the original image. "immediate": each task runs
# at once, inside the request that queued it (the tests; a site that runs no worker).
TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = os.environ.get("DJANGO_TASKS_BACKEND", "database")
if TASKS_BACKEND not in TASKS_BACKENDS:
    raise ImproperlyConfigured(
        f"DJANGO_TASKS_BACKEND is {TASKS_BACKEND!r}; use one of: {', '.join(TASKS_BACKENDS)}."
    )
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[TASKS_BACKEND]}}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# HTTPS and cookies: off by default for local use; the README lists the production values.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", False)
BEHIND_HTTPS_PROXY = env_bool("DJANGO_BEHIND_HTTPS_PROXY", False)
if BEHIND_HTTPS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies of ours append to X-Forwarded-For: the visitor's address, which sign-in
# throttling counts by, is the one the farthest of them wrote (safetyhub.security).
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 1 if BEHIND_HTTPS_PROXY else 0)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (Django's own). Public pages run no script and load only this site's
# styles and images, the media's (when MEDIA_URL is another host) and Markdown images from the
# allowed hosts. The admin runs its own scripts (nonces on its inline ones) and the Markdown
# preview's requests. A view that sets its own policy (documents) keeps it.
IMAGE_SOURCES = [
    CSP.SELF,
    *(host if "://" in host else f"https://{host}" for host in MARKDOWN_IMAGE_HOSTS),
]
if media_host := urlsplit(MEDIA_URL).netloc:
    IMAGE_SOURCES.append(f"{urlsplit(MEDIA_URL).scheme or 'https'}://{media_host}")
SECURE_CSP = {
    "default-src": [CSP.NONE],
    # Static script files only (the search page's facets); never inline.
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": IMAGE_SOURCES,
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
ADMIN_CSP = {
    **SECURE_CSP,
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "connect-src": [CSP.SELF],
}
# Permissions-Policy: browser features no page of the site uses, off for it and for anything it
# might embed.
PERMISSIONS_DENIED = [
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
