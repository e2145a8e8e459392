"""A visitor's search text, read forgivingly: words and "phrases", -excluded words, OR, stop
words dropped, synonyms added, and model names written one way (gpt-5, GPT 5 and gpt5 alike)."""

import re
from dataclasses import dataclass

MAX_QUERY_LENGTH = 500
MAX_TERMS = 16

# PostgreSQL's English stop words (which its 'english' configuration drops anyway), dropped on
# both databases so that "system card for o1" and "how do you test models" read the same.
STOP_WORDS = frozenset(
    "a about above after again against all am an and any are as at be because been before being "
    "below between both but by can could did do does doing down during each few for from further "
    "had has have having he her here hers herself him himself his how i if in into is it its "
    "itself just me more most my myself no nor not now of off on once only or other our ours "
    "ourselves out over own same she should so some such than that the their theirs them "
    "themselves then there these they this those through to too under until up very was we were "
    "what when where which while who whom why will with would you your yours yourself "
    "yourselves".split()
)
# A model name's letters and version, however written: "GPT-5", "gpt 5", "GPT-4.5", "gpt-4o".
MODEL_NAME = re.compile(r"\b([a-z]{1,5})[-\s]?(\d{1,2}(?:\.\d{1,2})?[a-z]?)\b", re.IGNORECASE)
WORD = re.compile(r"[^\W_]+(?:\.[^\W_]+)*")
TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


# A hyphen before a number, which PostgreSQL reads as a minus sign ("o3-2025" as "o3", "-2025").
HYPHENATED_NUMBER = re.compile(r"(?<=[^\W_])-(?=\d)")


def model_names_joined(text: str) -> str:
    """Write model names in a query as one word ("GPT5", "GPT4.5"), so that however they are
    written each is one word; other numbers lose a hyphen before them."""
    return HYPHENATED_NUMBER.sub(" ", MODEL_NAME.sub(r"\1\2", text))


Phrase = tuple[str, ...]  # one or more words that must stand together

# A model name written as one word, as model_names_joined writes it: "gpt5", "gpt4.5", "o4".
JOINED_NAME = re.compile(r"([a-z]{1,5})(\d{1,2}(?:\.\d{1,2})?[a-z]?)")


def name_parts(word: str) -> tuple[str, ...]:
    name = JOINED_NAME.fullmatch(word)
    return name.groups() if name else (word,)


def spellings(phrase: Phrase) -> tuple[Phrase, ...]:
    """A phrase as typed, and with its model names apart as the engines read a text's "GPT-5"
    or "GPT 5" (two words: "gpt", "5"); "gpt5" written as one word is found by the first."""
    apart = tuple(part for word in phrase for part in name_parts(word))
    return (phrase, apart) if apart != phrase else (phrase,)


@dataclass(frozen=True)
class Query:
    """Groups that must all match (each group: any one of its phrases), and phrases that must
    not."""

    groups: tuple[tuple[Phrase, ...], ...] = ()
    excluded: tuple[Phrase, ...] = ()

    def __bool__(self):
        return bool(self.groups)

    @property
    def words(self) -> list[str]:
        """The words as the visitor typed them (the first phrase of each group)."""
        return [" ".join(group[0]) for group in self.groups]

    def replaced(self, corrections: dict[str, str]) -> "Query":
        groups = tuple(
            tuple(tuple(corrections.get(word, word) for word in phrase) for phrase in group)
            for group in self.groups
        )
        return Query(groups, self.excluded)


def synonym_table(synonyms) -> dict[Phrase, tuple[Phrase, ...]]:
    """Each variant of each synonym group, with all the variants of its group."""
    table = {}
    for synonym in synonyms:
        variants = tuple(tuple(WORD.findall(model_names_joined(v).lower())) for v in synonym)
        variants = tuple(v for v in variants if v)
        for variant in variants:
            table[variant] = tuple(dict.fromkeys((*table.get(variant, ()), *variants)))
    return table


def query_parse(text: str, synonyms=()) -> Query:
    """The query in the visitor's text; `synonyms` are lists of variants of the same term."""
    table = synonym_table(synonyms)
    longest = max((len(variant) for variant in table), default=1)
    groups, excluded, run, either = [], [], [], False

    def add(found):
        nonlocal either
        if either and groups and found:
            groups[-1] = tuple(dict.fromkeys((*groups[-1], *found[0])))
            found = found[1:]
        groups.extend(found)
        either = False

    for minus, quoted, plain in TOKEN.findall(model_names_joined(text.replace("\x00", " "))):
        if plain.startswith("-") and len(plain) > 1:
            minus, plain = "-", plain[1:]
        words = tuple(WORD.findall((quoted or plain).lower()))
        if plain and not minus and len(words) == 1 and plain != "OR":
            run.append(words[0])
            continue
        add(list(synonymous(tuple(run), table, longest)))
        run = []
        if plain == "OR":
            either = True
        elif minus and words:
            excluded.append(words)
        elif words:
            add([(words,)])  # a quoted phrase, or words joined by hyphens
    add(list(synonymous(tuple(run), table, longest)))
    kept = [g for g in groups if not (len(g) == 1 and len(g[0]) == 1 and g[0][0] in STOP_WORDS)]
    groups = [
        tuple(dict.fromkeys(s for p in group for s in spellings(p))) for group in kept or groups
    ]
    excluded = [s for phrase in excluded for s in spellings(phrase)]
    return Query(tuple(groups[:MAX_TERMS]), tuple(excluded[:MAX_TERMS]))


def synonymous(words: Phrase, table, longest):
    """Groups for single words, each with its synonyms; a synonym may span several words."""
    start = 0
    while start < len(words):
        for size in range(min(longest, len(words) - start), 0, -1):
            variants = table.get(words[start : start + size])
            if variants or size == 1:
                yield variants or (words[start : start + size],)
                start += size
                break
