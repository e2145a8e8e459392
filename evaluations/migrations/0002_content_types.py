"""The moved models' content types say "evaluations" rather than "catalog", so the permissions
granted on them, the admin's log and the revisions' history keep pointing at them; the
revisions' stored copies name the models by their new label too, so they can still be read.

A migrate that ran before this one may have made fresh "evaluations" content types already
(Django makes them after every migrate): whatever points at such a fresh one is moved to the
old one, which is then relabelled, and the fresh one deleted.
"""

import json

from django.conf import settings
from django.db import migrations

MOVED = [
    "evaluationcategory",
    "evaluation",
    "metric",
    "result",
    "frameworkversion",
    "riskcategory",
    "thresholdlevel",
    "determination",
]


def permissions_merge(apps, using, *, stale, kept):
    """Move the stale content type's permissions to the kept one, with their holders."""
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    for permission in Permission.objects.using(using).filter(content_type=stale):
        twin = (
            Permission.objects.using(using)
            .filter(content_type=kept, codename=permission.codename)
            .first()
        )
        if twin is None:
            permission.content_type = kept
            permission.save(using=using, update_fields=["content_type"])
            continue
        for group in Group.objects.using(using).filter(permissions=permission):
            group.permissions.add(twin)
        for user in User.objects.using(using).filter(user_permissions=permission):
            user.user_permissions.add(twin)
        permission.delete()


def references_move(apps, using, *, stale, kept):
    """Point every other row that names the stale content type (log entries, versions,
    preview links, ...) at the kept one."""
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label_lower == "auth.permission":
            continue
        for field in model._meta.concrete_fields:
            if field.many_to_one and field.related_model._meta.label_lower == (
                "contenttypes.contenttype"
            ):
                model._base_manager.using(using).filter(**{field.name: stale}).update(
                    **{field.name: kept}
                )


def versions_relabel(apps, using, *, content_type, old_label, new_label):
    """Rewrite the model label inside each stored copy (django-reversion's JSON)."""
    Version = apps.get_model("reversion", "Version")
    old_name = f"{old_label}.{content_type.model}"
    changed = []
    versions = Version.objects.using(using).filter(content_type=content_type, format="json")
    for version in versions.only("serialized_data").iterator():
        items = json.loads(version.serialized_data)
        if not any(item.get("model") == old_name for item in items):
            continue
        for item in items:
            if item.get("model") == old_name:
                item["model"] = f"{new_label}.{content_type.model}"
        version.serialized_data = json.dumps(items)
        changed.append(version)
    Version.objects.using(using).bulk_update(changed, ["serialized_data"], batch_size=500)


def content_types_relabel(apps, schema_editor, *, old_label, new_label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    using = schema_editor.connection.alias
    content_types = ContentType.objects.using(using)
    for model_name in MOVED:
        kept = content_types.filter(app_label=old_label, model=model_name).first()
        if kept is None:
            continue  # a database made after the move: nothing to relabel
        stale = content_types.filter(app_label=new_label, model=model_name).first()
        if stale is not None:
            permissions_merge(apps, using, stale=stale, kept=kept)
            references_move(apps, using, stale=stale, kept=kept)
            stale.delete()
        kept.app_label = new_label
        kept.save(using=using, update_fields=["app_label"])
        versions_relabel(
            apps, using, content_type=kept, old_label=old_label, new_label=new_label
        )


def content_types_to_evaluations(apps, schema_editor):
    content_types_relabel(apps, schema_editor, old_label="catalog", new_label="evaluations")


def content_types_to_catalog(apps, schema_editor):
    content_types_relabel(apps, schema_editor, old_label="evaluations", new_label="catalog")


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [migrations.RunPython(content_types_to_evaluations, content_types_to_catalog)]
