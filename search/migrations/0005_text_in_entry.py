"""The entries' text moves into search_entry, and is kept as written.

One table: a match, a rank and a facet count then read one row per item, not an entry, its
text and its publication (on PostgreSQL a facet count at 10,000 publications took 36 ms through
the three tables and 7 ms through one); a publication's kind and label are copied for that.
The text was stored with model names joined ("gpt5-main"), which is what results showed; it
is now stored as written, and search.backends reads model names alike when it indexes and
queries. The index is made again from the content.
"""

import sys
from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models

import search.models

initial = import_module("search.migrations.0001_initial")
COLUMNS = initial.COLUMNS
ENTRY = {"content": "search_entry", "rowid": "id"}
SQLITE = [
    initial.fts5("search_entry_fts", COLUMNS, "porter unicode61 remove_diacritics 2", **ENTRY),
    "INSERT INTO search_entry_fts(search_entry_fts, rank) "
    "VALUES ('rank', 'bm25(10.0, 5.0, 2.0, 1.0)')",
    initial.fts5("search_word_fts", ["title"], "unicode61 remove_diacritics 2", **ENTRY),
    "CREATE VIRTUAL TABLE search_word_vocab USING fts5vocab(search_word_fts, 'row')",
    *(
        initial.trigger(event, table, columns, **ENTRY)
        for table, columns in [("search_entry_fts", COLUMNS), ("search_word_fts", ["title"])]
        for event in ["insert", "delete", "update"]
    ),
]
POSTGRESQL = [
    "CREATE INDEX search_entry_document ON search_entry USING gin (document)",
    "CREATE INDEX search_entry_title ON search_entry USING gin (title gin_trgm_ops)",
    # The few entries that are not publications, for the best matches, apart from the many.
    "CREATE INDEX search_entry_other_document ON search_entry USING gin (document) "
    "WHERE kind <> 'publication'",
]
FTS5_TABLES = ["search_word_vocab", "search_word_fts", "search_entry_fts"]


def fts5_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for table in ["search_word_fts", "search_entry_fts"]:  # the tables with triggers
            for event in ["insert", "delete", "update"]:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{event}")
        for table in FTS5_TABLES:
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


def index_create(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRESQL if postgresql else SQLITE:
        schema_editor.execute(statement, params=None)
    if not apps.get_model("catalog", "Publication").objects.exists():
        return  # a new database: its items are indexed as they are saved
    from search.index import search_index_rebuild

    def progress(done, total):
        sys.stderr.write(f"\r  Indexing for search: {done:,}/{total:,}")

    search_index_rebuild(progress=progress)
    sys.stderr.write("\n")


def index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in ["search_entry_document", "search_entry_title", "search_entry_other_document"]:
            schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
    else:
        fts5_drop(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_match_cost")]

    # The table is made again, short columns first (search.models.Entry), and filled again.
    operations = [
        migrations.RunPython(fts5_drop, initial.index_create),
        migrations.DeleteModel(name="EntryMatch"),
        migrations.DeleteModel(name="EntryText"),
        migrations.DeleteModel(name="Entry"),
        migrations.CreateModel(
            name="Entry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=20)),
                ("object_id", models.PositiveBigIntegerField()),
                (
                    "publication",
                    models.OneToOneField(
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="search_entry",
                        to="catalog.publication",
                    ),
                ),
                ("status", models.CharField(default="published", max_length=10)),
                ("published_at", models.DateTimeField()),
                ("publication_kind", models.CharField(blank=True, max_length=20)),
                ("publication_label", models.CharField(blank=True, max_length=20)),
                ("label", models.CharField(max_length=300)),
                ("url", models.CharField(max_length=300)),
                ("title", models.TextField()),
                ("names", models.TextField(blank=True)),
                ("summary", models.TextField(blank=True)),
                ("body", models.TextField(blank=True)),
                ("document", search.models.DocumentField(editable=False, null=True)),
            ],
            options={
                "verbose_name_plural": "entries",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("object_id", "kind"), name="search_entry_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="EntryMatch",
            fields=[
                (
                    "entry",
                    models.OneToOneField(
                        db_column="rowid",
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="match",
                        serialize=False,
                        to="search.entry",
                    ),
                ),
                ("match", models.TextField(db_column="search_entry_fts")),
                ("rank", models.FloatField()),
            ],
            options={"db_table": "search_entry_fts", "managed": False},
        ),
        migrations.RunPython(index_create, index_drop),
    ]
