"""The index's words for facet values gained a prefix (model17 became zzmodel17), so that a
search for a word like "model17" is not narrowed by a facet; an index built before is rebuilt."""

from django.db import migrations


def rebuild(apps, schema_editor):
    # The index was filled here by the engine of the day; search's own migrations (which
    # replace these tables) index the content from scratch.
    pass


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_search_facets")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
