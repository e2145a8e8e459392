"""The two engines behind search, one small interface: SQLite FTS5 and PostgreSQL full-text.

Each filters a QuerySet of `search.Entry` by a `Query` (search.query), ranks it by the engine's
relevance with field weights (title ≫ names ≫ summary ≫ body), marks the matches in the
summaries and bodies of a page of entries, and finds the known word nearest a misspelt one.
"""

from functools import reduce
from operator import add, and_, or_

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection, transaction
from django.db.models import F, Func, TextField, Value
from django.db.models.functions import Left, Replace
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from rapidfuzz import fuzz, process

from search.models import Entry, EntryMatch
from search.query import WORD, Query

# Private-use characters mark the matches; they become <mark> only after the text is escaped.
MARK_START, MARK_END = "\ue000", "\ue001"
# ts_headline drops anything that looks like an HTML tag: "<" and ">" pass through it as these.
LESS, GREATER = "\ue002", "\ue003"
# PostgreSQL reads the "-4.5" of "GPT-4.5" as a negative number: a hyphen before a digit is
# indexed and highlighted as a non-breaking hyphen (U+2011), which it reads as a word break.
HYPHEN = "\u2011"
SUGGESTION_SCORE = 75  # out of 100: how alike a known word must be to be offered instead


def highlighted(text: str) -> SafeString:
    text = escape(text.replace(LESS, "<").replace(GREATER, ">").replace(HYPHEN, "-"))
    return mark_safe(text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def excerpt(marked: str, words: int = 40) -> str:
    """About `words` words of a marked text, from a few before its first mark. (FTS5's snippet()
    chooses a best part, which takes longer with each match: 16 ms for a 53 kB text with 560.)"""
    start = marked.find(MARK_START)
    if start < 0:
        return ""
    before, after = marked[:start].split(), marked[start:].split()
    lead = before[len(before) - min(len(before), words // 4) :]
    text = " ".join(lead + after[: words - len(lead)])
    if text.count(MARK_START) > text.count(MARK_END):
        text += MARK_END
    cut_before, cut_after = len(lead) < len(before), words - len(lead) < len(after)
    return ("…" if cut_before else "") + text + ("…" if cut_after else "")


class SQLiteBackend:
    """FTS5: the porter-stemmed table search_entry_fts (bm25 weights 10, 5, 2, 1 set on it), and
    an unstemmed one of titles, search_word_fts, whose words (fts5vocab) are the vocabulary."""

    def text(self, query: Query, every=True) -> str:
        def quoted(phrase):
            return '"' + " ".join(phrase) + '"'

        groups = ["(" + " OR ".join(map(quoted, group)) + ")" for group in query.groups]
        text = (" AND " if every else " OR ").join(groups)
        if query.excluded:
            text = f"({text}) NOT (" + " OR ".join(map(quoted, query.excluded)) + ")"
        return text

    def match(self, entries, query, every=True):
        return entries.filter(match__match=self.text(query, every))

    def ranked(self, entries, query):
        return entries.annotate(relevance=F("match__rank") * -1)

    def marked(self, entry_ids, query) -> dict[int, tuple[str, str]]:
        def highlight(column):
            marks = [Value(column), Value(MARK_START), Value(MARK_END)]
            return Func(F("match"), *marks, function="highlight", output_field=TextField())

        # "rowid + 0": FTS5 would match the whole query again for each rowid it were given.
        page = (
            EntryMatch.objects.filter(match=self.text(query, every=False))
            .annotate(key=F("entry_id") + 0)
            .filter(key__in=entry_ids)
        )
        rows = page.annotate(title=highlight(0), summary=highlight(2))
        summaries, unmarked = {}, []
        for entry, title, summary in rows.values_list("entry_id", "title", "summary"):
            summaries[entry] = summary
            # A body's marks read the whole body: only where neither title nor summary match.
            if MARK_START not in (title or "") + (summary or ""):
                unmarked.append(entry)
        bodies = {}
        if unmarked:
            marked = page.filter(key__in=unmarked).annotate(body=highlight(3))
            bodies = {
                entry: excerpt(body) for entry, body in marked.values_list("entry_id", "body")
            }
        return {e: (summary, bodies.get(e, "")) for e, summary in summaries.items()}

    def nearest(self, word: str) -> str | None:
        # Words from the same first letter: a misspelling rarely starts wrong.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT term FROM search_word_vocab WHERE term >= %s AND term < %s",
                [word[0], chr(ord(word[0]) + 1)],
            )
            terms = [term for (term,) in cursor.fetchall()]
        best = process.extractOne(word, terms, scorer=fuzz.ratio, score_cutoff=SUGGESTION_SCORE)
        return best[0] if best else None


def hyphens_kept(text) -> Func:
    """The text (a field's name or an expression) with each hyphen before a digit a
    non-breaking one (see HYPHEN)."""
    return Func(
        text,
        Value(r"(\w)-(\d)"),
        Value(rf"\1{HYPHEN}\2"),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


class PostgreSQLBackend:
    """django.contrib.postgres.search: Entry.document is a weighted tsvector with a GIN index;
    pg_trgm (a GIN trigram index on Entry.title) finds titles with a word like a misspelt one."""

    WEIGHTS = [0.05, 0.2, 0.5, 1.0]  # D (body), C (summary), B (names), A (title)
    # ts_headline parses all the text it is given, 3 ms for a 20 kB body: a body's excerpt comes
    # from its start (a match further on shows the summary instead).
    BODY_READ = 5_000
    VECTOR = reduce(
        add,
        (
            SearchVector(hyphens_kept(field), weight=weight, config="english")
            for field, weight in [("title", "A"), ("names", "B"), ("summary", "C"), ("body", "D")]
        ),
    )

    def search_query(self, query: Query, every=True):
        def phrase(words):
            kind = "phrase" if len(words) > 1 else "plain"
            return SearchQuery(" ".join(words), search_type=kind, config="english")

        groups = [reduce(or_, map(phrase, group)) for group in query.groups]
        combined = reduce(and_ if every else or_, groups)
        for words in query.excluded:
            combined &= ~phrase(words)
        return combined

    def match(self, entries, query, every=True):
        return entries.filter(document=self.search_query(query, every))

    def ranked(self, entries, query):
        # By the words alone: ts_rank with a phrase checks its positions again in every matched
        # document (145 ms for 843 matches of "prompt injection", 11 ms by its words).
        words = sorted({word for group in query.groups for phrase in group for word in phrase})
        by_words = reduce(or_, (SearchQuery(word, config="english") for word in words))
        return entries.annotate(relevance=SearchRank(F("document"), by_words, weights=self.WEIGHTS))

    def marked(self, entry_ids, query) -> dict[int, tuple[str, str]]:
        search_query = self.search_query(query, every=False)

        def headline(source, **options):  # source: a field's name or an expression
            text = Replace(
                Replace(hyphens_kept(source), Value("<"), Value(LESS)), Value(">"), Value(GREATER)
            )
            marks = {"start_sel": MARK_START, "stop_sel": MARK_END}
            return SearchHeadline(text, search_query, config="english", **marks, **options)

        texts = Entry.objects.filter(pk__in=entry_ids)
        rows = texts.annotate(
            marked_title=headline("title", highlight_all=True),
            marked_summary=headline("summary", highlight_all=True),
        ).values_list("pk", "marked_title", "marked_summary")
        summaries, unmarked = {}, []
        for pk, title, summary in rows:
            summaries[pk] = summary
            # A body's headline reads the whole body: only where neither title nor summary match.
            if MARK_START not in (title or "") + (summary or ""):
                unmarked.append(pk)
        bodies = dict(
            texts.filter(pk__in=unmarked)
            .annotate(marked=headline(Left("body", self.BODY_READ), max_words=40, min_words=20))
            .values_list("pk", "marked")
            if unmarked
            else []
        )
        return {pk: (summary, bodies.get(pk, "")) for pk, summary in summaries.items()}

    def nearest(self, word: str) -> str | None:
        with transaction.atomic(), connection.cursor() as cursor:
            # Titles with a word about as alike as "elecions" is to "elections" (0.6 by default).
            cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = 0.5")
            titles = list(
                Entry.objects.filter(title__trigram_word_similar=word)
                .annotate(similarity=TrigramWordSimilarity(word, "title"))
                .order_by("-similarity")
                .values_list("title", flat=True)[:5]
            )
        words = {w for title in titles for w in WORD.findall(title.lower())}
        best = process.extractOne(word, words, scorer=fuzz.ratio, score_cutoff=SUGGESTION_SCORE)
        return best[0] if best else None


def backend():
    return PostgreSQLBackend() if connection.vendor == "postgresql" else SQLiteBackend()


def entries_index(ids) -> None:
    """Compute PostgreSQL's document of these entries (SQLite's triggers need no help)."""
    if connection.vendor == "postgresql":
        Entry.objects.filter(pk__in=ids).update(document=PostgreSQLBackend.VECTOR)
