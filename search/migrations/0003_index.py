"""Index the content already there (a new database has none: its items are indexed as saved)."""

import sys

from django.db import migrations


def index_build(apps, schema_editor):
    if not apps.get_model("catalog", "Publication").objects.exists():
        return
    from search.index import search_index_rebuild

    def progress(done, total):
        sys.stderr.write(f"\r  Indexing for search: {done:,}/{total:,}")

    search_index_rebuild(progress=progress)
    sys.stderr.write("\n")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_synonyms")]

    operations = [migrations.RunPython(index_build, migrations.RunPython.noop)]
