from django.apps import AppConfig, apps


def link_row_name(row):
    """A row of a many-to-many link, as the delete confirmation and history list it:
    “GPT-5 System Card” – GPT-5, not “Publication_ai_models object (28)”."""
    source, target = (
        getattr(row, field.name)
        for field in row._meta.concrete_fields
        if field.is_relation and field.many_to_one
    )
    return f"“{source}” – {target}"


def link_rows_named():
    """Name the rows of every many-to-many link Django made the table of (the through models
    it creates have no __str__ of their own)."""
    for model in apps.get_models():
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                through.__str__ = link_row_name


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

        link_rows_named()

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
