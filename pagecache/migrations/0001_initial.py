import secrets

from django.db import migrations, models


def generation_create(apps, schema_editor):
    apps.get_model("pagecache", "Generation").objects.create(pk=1, token=secrets.token_hex(16))


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Generation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=32)),
                ("next_change_known", models.BooleanField(default=False)),
                (
                    "next_change_at",
                    models.DateTimeField(
                        help_text="When the earliest scheduled item goes live; pages cached "
                        "before then expire.",
                        null=True,
                    ),
                ),
            ],
        ),
        migrations.RunPython(generation_create, migrations.RunPython.noop),
    ]
