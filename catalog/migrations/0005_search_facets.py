"""What search counts facets and ranks by, beside the full-text index of 0003_search.

Both databases get a table of each publication's facet values, so that the sets search counts
with are read quickly, never from the publications' own wide rows, and the full-text index gets
a word for each facet value (zzmodel17, kind:news), so a search can be narrowed by facets in the
index. SQLite gets a second FTS5 table of the title, names and summary alone, for ranking by
where a match is. On PostgreSQL the index changes shape (see search.engine.PostgreSQLEngine):
its vectors hold words and pairs of neighbouring words without positions, so a phrase is
answered by the GIN index alone, and the title, the names and the summary get vectors of their
own for ranking. The index is rebuilt here
from the publications, and kept current by search.signals.
"""

from django.db import migrations

# The publications with each facet value (kind, label, year, AI model, topic) as a bit set, in
# rows of 64-bit words: word n of a value holds the bits of publications 64n to 64n + 63. Search
# reads them all at once (search.engine.FacetSets); a publication's bits are cleared and set
# again, in place, whenever it is indexed.
FACETS = [
    "CREATE TABLE catalog_search_facets (facet varchar(5) NOT NULL, value varchar(40) NOT NULL, "
    "n {key} NOT NULL, word bigint NOT NULL, PRIMARY KEY (facet, value, n)){options}",
    "CREATE INDEX catalog_search_facets_n ON catalog_search_facets (n)",
]
PLACES = ["title", "entities", "summary"]
# The words of some texts (chunks of one) and each pair of neighbouring words, with as many
# spaces between them as the words they are apart: 'red team', or 'state   art' for "state of
# the art", whose "of the" the dictionary drops.
TERMS = """
CREATE FUNCTION catalog_search_terms(chunks text[]) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_to_tsvector(array_agg(DISTINCT term) FILTER (WHERE term IS NOT NULL)), '')
    FROM (
        SELECT token.lexeme AS word, position,
            lead(token.lexeme) OVER next AS next_word, lead(position) OVER next AS next_position
        FROM unnest(chunks) WITH ORDINALITY AS chunk (body, n),
            unnest(to_tsvector('english', chunk.body)) AS token,
            unnest(token.positions) AS position
        WINDOW next AS (PARTITION BY chunk.n ORDER BY position)
    ) AS tokens,
    LATERAL (
        VALUES (word), (word || repeat(' ', next_position - position) || next_word)
    ) AS terms (term)
$$
"""
# Which publications match a tsquery in one place (a column), as 64-bit words of a bit set:
# word n holds the bits of keys 64n to 64n + 63; if `among` is given, only those publications.
# Always through the indexes: the planner would rather read the whole table when it is small or
# many rows match, not knowing that testing a row means fetching and decompressing a document.
WORDS = """
CREATE FUNCTION catalog_search_words(place text, query tsquery, among bigint[] DEFAULT NULL)
RETURNS TABLE (n bigint, word bigint)
LANGUAGE plpgsql STABLE SET enable_seqscan = off SET enable_indexscan = off AS $$
BEGIN
    IF place NOT IN ('document', 'title', 'entities', 'summary') THEN
        RAISE EXCEPTION 'No search place %', place;
    END IF;
    RETURN QUERY EXECUTE format(
        'SELECT publication_id >> 6, bit_or(1::bigint << (publication_id & 63)::int) '
        'FROM catalog_search WHERE %I @@ $1 %s GROUP BY 1',
        place, CASE WHEN among IS NULL THEN '' ELSE 'AND publication_id = ANY($2)' END
    ) USING query, among;
END
$$
"""
SQLITE = [
    *(statement.format(key="integer", options=" WITHOUT ROWID") for statement in FACETS),
    # Words for the facet values too (zzmodel17), so a search can be narrowed by them.
    "DROP TABLE catalog_search",
    "CREATE VIRTUAL TABLE catalog_search USING fts5(title, entities, summary, body, facets, "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE catalog_search_places USING fts5("
    "title, entities, summary, tokenize='porter unicode61 remove_diacritics 2')",
]
POSTGRESQL = [
    *(statement.format(key="bigint", options="") for statement in FACETS),
    TERMS,
    WORDS,
    *(f"ALTER TABLE catalog_search ADD COLUMN {place} tsvector NOT NULL DEFAULT ''" for place in PLACES),
    *(f"CREATE INDEX catalog_search_{place} ON catalog_search USING gin ({place})" for place in PLACES),
    # Documents are kept out of the table's rows, which the index scans then read quickly.
    "ALTER TABLE catalog_search SET (toast_tuple_target = 128)",
]


def create_tables(apps, schema_editor):
    statements = POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in statements:
        schema_editor.execute(statement, params=None)  # no placeholders: % is the SQL's own
    # The index was filled here by the engine of the day; search's own migrations (which
    # replace these tables) index the content from scratch.


def drop_tables(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS catalog_search_facets")
    schema_editor.execute("DROP TABLE IF EXISTS catalog_search_places")
    if schema_editor.connection.vendor == "sqlite":
        # 0003_search's table, empty: rebuild_search_index fills it.
        schema_editor.execute("DROP TABLE catalog_search")
        schema_editor.execute(
            "CREATE VIRTUAL TABLE catalog_search USING fts5("
            "title, entities, summary, body, tokenize='porter unicode61 remove_diacritics 2')"
        )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE catalog_search RESET (toast_tuple_target)")
        for place in PLACES:
            schema_editor.execute(f"ALTER TABLE catalog_search DROP COLUMN {place}")
        schema_editor.execute("DROP FUNCTION catalog_search_words(text, tsquery, bigint[])")
        schema_editor.execute("DROP FUNCTION catalog_search_terms(text[])")


class Migration(migrations.Migration):
    # Rebuilding the index ends the page cache's generation, so its table must be there.
    dependencies = [("catalog", "0004_media"), ("pagecache", "0001_initial")]

    operations = [migrations.RunPython(create_tables, drop_tables)]
