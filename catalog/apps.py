from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Safety Hub content"

    def ready(self):
        from catalog import checks  # noqa: F401  (registers the deploy check)
