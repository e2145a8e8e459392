"""What a member of staff sees when sign-in throttling (django-axes) refuses them."""

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render


def signin_locked_out(request, response, credentials):
    """The admin's page saying why the sign-in was refused and for how long, not axes' bare
    text; 429, as axes answers."""
    context = {
        **admin.site.each_context(request),
        "title": "Sign-in paused",
        "cooloff_minutes": settings.LOGIN_COOLOFF_MINUTES,
    }
    return render(request, "admin/locked_out.html", context, status=429)
