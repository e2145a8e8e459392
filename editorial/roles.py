"""Who may do what: the Editors and Publishers groups, and the permission to publish.

Editors write and revise; only Publishers decide what goes live. "Publish" is a permission per
content type (`catalog.publish_publication`, ...), so an administrator can also grant it for
one type only.
"""

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS

from editorial.models import Publishable

EDITORS = "Editors"
PUBLISHERS = "Publishers"
ACTIONS = ("add", "change", "delete", "view")
# The apps whose models Editors see and Publishers manage.
CONTENT_APPS = ("catalog", "evaluations")

# Rows edited on a publishable item's own page (its inlines); they follow their item's status.
ITEM_PARTS = ["aimodelalias", "modellineage", "membership"]


def publish_codename(model_name: str) -> str:
    return f"publish_{model_name}"


def publishable_models(apps) -> list:
    """The content types with a status, what publishing is about: every installed subclass of
    Publishable, as `apps` has it (a migration's historical models keep no abstract bases)."""
    found = []
    for model in global_apps.get_models():
        if issubclass(model, Publishable):
            try:
                found.append(apps.get_model(model._meta.app_label, model._meta.model_name))
            except LookupError:  # not made yet at this point of a migration
                continue
    return found


def publish_permissions_create(*, apps=global_apps, using: str = DEFAULT_DB_ALIAS) -> None:
    """The publish_<model> permissions, which no model's Meta declares (the content apps' models
    stay as they are)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for model in publishable_models(apps):
        content_type, _ = ContentType.objects.db_manager(using).get_or_create(
            app_label=model._meta.app_label, model=model._meta.model_name
        )
        Permission.objects.db_manager(using).get_or_create(
            content_type=content_type,
            codename=publish_codename(model._meta.model_name),
            defaults={"name": f"Can publish, unpublish and archive {model._meta.verbose_name}"},
        )


def publish_permissions_post_migrate(sender, apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs):
    if apps.is_installed("catalog") and apps.is_installed("django.contrib.auth"):
        publish_permissions_create(apps=apps, using=using)


def role_permissions(apps) -> dict[str, set[tuple[str, str]]]:
    """Each group's permissions as (app label, codename)."""
    # Read from the models, not the app configs: in a migration's state, evaluations' models may
    # still be labelled catalog, as they were before they moved.
    content = [
        (model._meta.app_label, model._meta.model_name)
        for model in apps.get_models()
        if model._meta.app_label in CONTENT_APPS
    ]
    publishable = [
        (model._meta.app_label, model._meta.model_name) for model in publishable_models(apps)
    ]
    editors = {(app_label, f"view_{name}") for app_label, name in content}
    editors |= {(label, f"{action}_{name}") for label, name in publishable for action in ACTIONS}
    editors |= {("catalog", f"{action}_{name}") for name in ITEM_PARTS for action in ACTIONS}
    # People have no status of their own: editors add and correct them, publishers remove them.
    editors |= {("catalog", "add_person"), ("catalog", "change_person")}
    editors |= {("editorial", f"{action}_previewlink") for action in ("add", "change", "view")}
    editors |= {("editorial", "view_redirect")}

    publishers = set(editors)
    publishers |= {
        (app_label, f"{action}_{name}") for app_label, name in content for action in ACTIONS
    }
    publishers |= {(label, publish_codename(name)) for label, name in publishable}
    publishers |= {
        ("editorial", f"{action}_{name}")
        for name in ("previewlink", "redirect")
        for action in ACTIONS
    }
    return {EDITORS: editors, PUBLISHERS: publishers}


def roles_create(*, apps=global_apps, using: str = DEFAULT_DB_ALIAS) -> None:
    """Create the Editors and Publishers groups with their permissions, if they do not exist.

    An existing group is left as it is: an administrator may have changed it on purpose.
    """
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    publish_permissions_create(apps=apps, using=using)
    for group_name, wanted in role_permissions(apps).items():
        group, created = Group.objects.using(using).get_or_create(name=group_name)
        if not created:
            continue
        permissions = []
        for app_label, codename in sorted(wanted):
            action, model_name = codename.split("_", 1)
            model = apps.get_model(app_label, model_name)
            # During migrate, Django's own permissions are only made after the last migration.
            content_type, _ = ContentType.objects.db_manager(using).get_or_create(
                app_label=app_label, model=model_name
            )
            permission, _ = Permission.objects.db_manager(using).get_or_create(
                content_type=content_type,
                codename=codename,
                defaults={"name": f"Can {action} {model._meta.verbose_name}"},
            )
            permissions.append(permission)
        group.permissions.set(permissions)
