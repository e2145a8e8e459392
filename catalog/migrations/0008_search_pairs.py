"""SQLite's index gained a column of each body's pairs of neighbouring words, for phrases (see
search.engine.SQLiteEngine); an index built before is made again. PostgreSQL's is unchanged."""

from django.db import migrations

TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"


def create(columns):
    return f"CREATE VIRTUAL TABLE catalog_search USING fts5({columns}, {TOKENIZE})"


def add_pairs(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP TABLE catalog_search")
    schema_editor.execute(create("title, entities, summary, body, facets, pairs"))
    # The index was filled here by the engine of the day; search's own migrations (which
    # replace these tables) index the content from scratch.


def drop_pairs(apps, schema_editor):
    # 0006's table, empty: rebuild_search_index (of that version) fills it.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE catalog_search")
        schema_editor.execute(create("title, entities, summary, body, facets"))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_live_list_indexes")]

    operations = [migrations.RunPython(add_pairs, drop_pairs)]
