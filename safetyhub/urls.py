from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView

from catalog import sitemaps as catalog_sitemaps
from evaluations import sitemaps as evaluations_sitemaps

# While the database is unreachable: a 503 with Retry-After, not a 500.
handler500 = "safetyhub.errors.server_error"

admin.site.site_header = "Safety Hub administration"
admin.site.site_title = "Safety Hub admin"


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico on pages that name no icon, such as the admin's."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static_url("img/favicon.svg")


# Each app's sitemap sections, in one index.
SITEMAPS = {"sections": {**catalog_sitemaps.SECTIONS, **evaluations_sitemaps.SECTIONS}}


urlpatterns = [
    # Before the admin: editorial's Markdown preview lives under /admin/ too.
    path("", include("editorial.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", FaviconView.as_view()),
    path("", include("search.urls")),
    path("", include("catalog.urls")),
    path("", include("evaluations.urls")),
    path("sitemap.xml", catalog_sitemaps.sitemap_index, SITEMAPS, name="sitemap"),
    path("sitemap-<section>.xml", catalog_sitemaps.sitemap, SITEMAPS, name="sitemap_section"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
