"""The full-text index: an FTS5 table on SQLite, a GIN-indexed tsvector table on PostgreSQL.

It is filled from existing publications by 0005_search_facets, which adds what the index needs
beside it, and kept current by search.signals.
"""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE catalog_search USING fts5("
    "title, entities, summary, body, tokenize='porter unicode61 remove_diacritics 2')",
]
POSTGRESQL = [
    # No foreign key: the signals delete rows, and a key would stop the test runner's TRUNCATE.
    "CREATE TABLE catalog_search (publication_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    "CREATE INDEX catalog_search_document ON catalog_search USING gin (document)",
]


def create_index(apps, schema_editor):
    statements = POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in statements:
        schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS catalog_search")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_evaluations")]

    operations = [migrations.RunPython(create_index, drop_index)]
