"""The Editors and Publishers groups, and the permission to publish each content type."""

from django.db import migrations


def roles_create(apps, schema_editor):
    from editorial.roles import roles_create

    roles_create(apps=apps, using=schema_editor.connection.alias)


def roles_delete(apps, schema_editor):
    from editorial.roles import EDITORS, PUBLISHERS

    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(
        name__in=[EDITORS, PUBLISHERS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("catalog", "0003_search"),
    ]

    operations = [migrations.RunPython(roles_create, roles_delete)]
