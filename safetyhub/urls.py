from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Safety Hub administration"
admin.site.site_title = "Safety Hub admin"


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico on pages that name no icon, such as the admin's."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static_url("img/favicon.svg")


urlpatterns = [
    # Before the admin: editorial's Markdown preview lives under /admin/ too.
    path("", include("editorial.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", FaviconView.as_view()),
    path("", include("search.urls")),
    path("", include("catalog.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
