from django.contrib import admin
from django.urls import path

from editorial import views

app_name = "editorial"

urlpatterns = [
    path("preview/<str:token>/", views.preview_link, name="preview_link"),
    path(
        "preview/<str:token>/document.pdf",
        views.preview_link_document,
        name="preview_link_document",
    ),
    # Under /admin/ and through admin_view: staff only, CSRF-checked, never cached.
    path(
        "admin/markdown-preview/",
        admin.site.admin_view(views.markdown_preview),
        name="markdown_preview",
    ),
]
