"""What the site answers when a request fails."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views.defaults import server_error as page_error

# How soon a visitor (or a crawler, or Varnish) should try again while the database is away.
RETRY_AFTER_SECONDS = 30


def server_error(request):
    """The 500 page; a 503 with Retry-After while the database is unreachable, which passes
    by itself (the next request connects afresh). Neither needs the database."""
    if not isinstance(sys.exception(), (OperationalError, InterfaceError)):
        return page_error(request)
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
