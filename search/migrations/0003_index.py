"""Indexed the content already there; 0005_text_in_entry does that now, for the table it makes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("search", "0002_synonyms")]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
