from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = "Editorial workflow"

    def ready(self):
        from editorial import history, redirects, roles  # noqa: F401  (redirects: its signals)

        # After every migrate and every test-database flush, which recreates only Meta permissions.
        post_migrate.connect(roles.publish_permissions_post_migrate, sender=self)
        post_migrate.connect(history.link_content_types_post_migrate, sender=self)
