from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Safety Hub content"

    def ready(self):
        from catalog import checks  # noqa: F401  (registers the deploy check)
        from catalog.models import (
            AIModel,
            Committee,
            Conversation,
            Person,
            Practice,
            Publication,
            Stage,
            Topic,
        )
        from editorial.redirects import redirects_track

        redirects_track(
            models=[
                Publication,
                AIModel,
                Topic,
                Committee,
                Conversation,
                Person,
                Stage,
                Practice,
            ]
        )
