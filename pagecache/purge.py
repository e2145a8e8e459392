"""Purging front-end caches (Varnish) by surrogate key, once the change is committed.

Each URL in settings.FRONTEND_CACHE_PURGE_URLS gets `PURGE /` with an `xkey-purge` header naming
the keys; a cache that fails to answer is logged, never raised into the editor's request: the
pages it keeps then expire by their s-maxage.
"""

import logging
from http.client import HTTPConnection, HTTPException, HTTPSConnection
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction

logger = logging.getLogger(__name__)


def frontend_cache_purge(*, keys, using: str = DEFAULT_DB_ALIAS) -> None:
    """Purge the pages naming any of `keys` once the current transaction commits (at once
    outside one); nothing if it rolls back."""
    if settings.FRONTEND_CACHE_PURGE_URLS and keys:
        keys = sorted(set(keys))
        transaction.on_commit(lambda: frontend_cache_purge_now(keys=keys), using=using)


def frontend_cache_purge_now(*, keys) -> None:
    """Send the purge to every front-end cache now (straight to it: no proxy, no redirect)."""
    header = " ".join(keys)
    for url in settings.FRONTEND_CACHE_PURGE_URLS:
        parts = urlsplit(url)
        connection_class = HTTPSConnection if parts.scheme == "https" else HTTPConnection
        connection = connection_class(
            parts.hostname, parts.port, timeout=settings.FRONTEND_CACHE_PURGE_TIMEOUT
        )
        try:
            connection.request("PURGE", parts.path or "/", headers={"xkey-purge": header})
            status = connection.getresponse().status
        except (OSError, HTTPException) as error:
            logger.warning("Purge of %s at %s failed: %s", header, url, error)
            continue
        finally:
            connection.close()
        if not 200 <= status < 300:
            logger.warning("Purge of %s at %s answered %s", header, url, status)
