"""The index's words for facet values gained a prefix (model17 became zzmodel17), so that a
search for a word like "model17" is not narrowed by a facet; an index built before is rebuilt."""

from django.db import migrations


def rebuild(apps, schema_editor):
    from search.engine import search_index_rebuild

    if apps.get_model("catalog", "Publication").objects.exists():
        search_index_rebuild()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_search_facets")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
