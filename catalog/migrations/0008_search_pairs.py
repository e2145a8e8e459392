"""SQLite's index gained a column of each body's pairs of neighbouring words, for phrases (see
search.engine.SQLiteEngine); an index built before is made again. PostgreSQL's is unchanged."""

import sys

from django.db import migrations

TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"


def create(columns):
    return f"CREATE VIRTUAL TABLE catalog_search USING fts5({columns}, {TOKENIZE})"


def add_pairs(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP TABLE catalog_search")
    schema_editor.execute(create("title, entities, summary, body, facets, pairs"))
    from search.engine import search_index_rebuild

    def progress(done, total):
        sys.stderr.write(f"\r  Indexing publications for search again: {done:,}/{total:,}")
        if done == total:
            sys.stderr.write("\n")

    if apps.get_model("catalog", "Publication").objects.exists():
        search_index_rebuild(progress=progress)


def drop_pairs(apps, schema_editor):
    # 0006's table, empty: rebuild_search_index (of that version) fills it.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE catalog_search")
        schema_editor.execute(create("title, entities, summary, body, facets"))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_live_list_indexes")]

    operations = [migrations.RunPython(add_pairs, drop_pairs)]
