from django.db import migrations, models


def link_content_type_remove(apps, schema_editor):
    """Undone, the link table goes, and with it the content type editorial's history made for
    it after a migrate (editorial.history.link_content_types_post_migrate)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label="evaluations", model="evaluation_topics"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0015_move_evaluations_out"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("evaluations", "0002_content_types"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, link_content_type_remove),
        migrations.AddField(
            model_name="evaluation",
            name="topics",
            field=models.ManyToManyField(
                blank=True,
                help_text="The topics this evaluation informs; it is listed on their pages.",
                related_name="evaluations",
                to="catalog.topic",
            ),
        ),
    ]
