"""What every request and response goes through, whatever app answers it: rules of the
platform's safety that belong to no app."""

import ipaddress

from django.conf import settings


def client_address(request):
    """The visitor's address: REMOTE_ADDR, or behind PROXY_COUNT proxies the address the
    farthest of them appended to X-Forwarded-For (entries left of it the client can forge)."""
    address = request.META.get("REMOTE_ADDR")
    if settings.PROXY_COUNT:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(forwarded) >= settings.PROXY_COUNT:
            address = forwarded[-settings.PROXY_COUNT].strip()
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return request.META.get("REMOTE_ADDR")
