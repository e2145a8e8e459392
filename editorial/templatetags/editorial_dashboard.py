from django import template
from django.contrib import admin

from editorial.dashboard import dashboard

register = template.Library()


@register.inclusion_tag("admin/editorial/dashboard.html", takes_context=True)
def editorial_dashboard(context):
    """What waits for the signed-in user (editorial/dashboard.py), on the admin's index."""
    request = context["request"]
    site = admin.site
    return {"sections": dashboard(request, site)}
