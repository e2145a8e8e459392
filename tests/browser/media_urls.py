"""The site's addresses and /media/, which in production the web server or CDN serves."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from safetyhub.urls import urlpatterns as site_urlpatterns


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.*)$", media), *site_urlpatterns]
