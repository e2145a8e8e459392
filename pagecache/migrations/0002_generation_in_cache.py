import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("pagecache", "0001_initial")]

    operations = [
        migrations.RemoveField(model_name="generation", name="next_change_known"),
        migrations.RemoveField(model_name="generation", name="next_change_at"),
        migrations.AddField(
            model_name="generation",
            name="changed_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                help_text="When something visitors see last changed.",
            ),
        ),
    ]
