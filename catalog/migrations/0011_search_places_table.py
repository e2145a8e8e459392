"""PostgreSQL keeps the title, names and summary vectors in a table of their own, in its rows.

In catalog_search they sat beside the document, pushed out of the row (toast_tuple_target = 128,
which keeps the row scanned by every match small), so testing a few publications in a place
fetched and decompressed each one's vectors from the TOAST table: 378 publications in three places
took ~6 ms at 100,000 publications, ~2 ms from a table whose rows hold them. catalog_search keeps
the documents alone. Like SQLite's FTS5 table of the same name, catalog_search_places answers
where a match is, for ranking. The vectors are moved, not made again, so this takes seconds.
"""

from django.db import migrations

PLACES = ["title", "entities", "summary"]
KEYS = """
CREATE OR REPLACE FUNCTION catalog_search_keys(
    place text, query tsquery, among bigint[] DEFAULT NULL
) RETURNS text
LANGUAGE plpgsql STABLE SET enable_seqscan = off SET enable_indexscan = off AS $$
DECLARE
    found text;
BEGIN
    IF place NOT IN ('document', 'title', 'entities', 'summary') THEN
        RAISE EXCEPTION 'No search place %', place;
    END IF;
    EXECUTE format(
        'SELECT string_agg(publication_id::text, '','') FROM %I WHERE %I @@ $1 %s',
        {table}, place, CASE WHEN among IS NULL THEN '' ELSE 'AND publication_id = ANY($2)' END
    ) INTO found USING query, among;
    RETURN found;
END
$$
"""
PLACES_TABLE = "CASE WHEN place = 'document' THEN 'catalog_search' ELSE 'catalog_search_places' END"
FORWARD = [
    "CREATE TABLE catalog_search_places (publication_id bigint PRIMARY KEY, "
    + ", ".join(f"{place} tsvector NOT NULL DEFAULT ''" for place in PLACES)
    + ")",
    "INSERT INTO catalog_search_places SELECT publication_id, title, entities, summary "
    "FROM catalog_search",
    *(f"DROP INDEX catalog_search_{place}" for place in PLACES),
    "ALTER TABLE catalog_search " + ", ".join(f"DROP COLUMN {place}" for place in PLACES),
    *(
        f"CREATE INDEX catalog_search_{place} ON catalog_search_places USING gin ({place}) "
        "WITH (fastupdate = off)"
        for place in PLACES
    ),
    KEYS.replace("{table}", PLACES_TABLE),
    # The planner would otherwise guess at a new table's size until autovacuum first comes by.
    "ANALYZE catalog_search_places",
]
BACKWARD = [
    "ALTER TABLE catalog_search "
    + ", ".join(f"ADD COLUMN {place} tsvector NOT NULL DEFAULT ''" for place in PLACES),
    "UPDATE catalog_search SET title = places.title, entities = places.entities, "
    "summary = places.summary FROM catalog_search_places AS places "
    "WHERE places.publication_id = catalog_search.publication_id",
    "DROP TABLE catalog_search_places",
    *(
        f"CREATE INDEX catalog_search_{place} ON catalog_search USING gin ({place}) "
        "WITH (fastupdate = off)"
        for place in PLACES
    ),
    KEYS.replace("{table}", "'catalog_search'"),
]


def places_apart(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement, params=None)  # no placeholders: % is the SQL's own


def places_together(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0010_search_keys_as_text")]

    operations = [migrations.RunPython(places_apart, places_together)]
