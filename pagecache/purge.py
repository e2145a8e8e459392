"""Purging front-end caches (Varnish) by surrogate key, once the change is committed.

Each URL in settings.FRONTEND_CACHE_PURGE_URLS gets `PURGE /` with an `xkey-purge` header naming
the keys; a cache that fails to answer is logged, never raised into the editor's request: the
pages it keeps then expire by their s-maxage.
"""

import logging
from http.client import HTTPConnection, HTTPException, HTTPSConnection
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

logger = logging.getLogger(__name__)


def frontend_cache_purge(*, keys, using: str = DEFAULT_DB_ALIAS) -> None:
    """Purge the pages naming any of `keys` after the current transaction commits (at once
    outside one); the keys of one transaction go out together, in one request per cache."""
    if not settings.FRONTEND_CACHE_PURGE_URLS or not keys:
        return
    connection = connections[using]
    # Gathered on the connection, as the transaction is; a rolled-back transaction's keys go out
    # with the next commit's, which purges a little more than needed and never less.
    pending = connection.__dict__.setdefault("frontend_cache_purge_keys", set())
    pending.update(keys)
    transaction.on_commit(lambda: purge_pending(connection), using=using)


def purge_pending(connection) -> None:
    keys = connection.__dict__.get("frontend_cache_purge_keys")
    if keys:
        frontend_cache_purge_now(keys=sorted(keys))
        keys.clear()


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
