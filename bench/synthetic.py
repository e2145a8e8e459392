"""A large, realistic, made-up data set for benchmarks and large-data tests.

    .venv/bin/python -m bench.synthetic --publications 10000    # into DATABASE_URL's database

Everything it makes has a slug starting with "synthetic-", so it never collides with the
hub's real content (the lifecycle is the hub's own: its stages and practices are reused by
slug, or made from the seed if missing). Publication number n is drawn from its own seed, so
the first N publications are the same whatever the total, and running it again only tops the
publications up to the number asked. Dates are relative to the run: the last four years, and
a few scheduled in the coming weeks.
"""

import argparse
import itertools
import math
import os
import random
import sys
import time
from datetime import timedelta

import django

# Run as a script, Django is set up before the models are imported below.
if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetyhub.settings")
    django.setup()

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from catalog.demo_content import hub_content_read, slug_for
from catalog.models import (
    AIModel,
    AIModelAlias,
    Committee,
    Kind,
    Label,
    Membership,
    Modality,
    ModelLineage,
    Person,
    Practice,
    Publication,
    Relation,
    Stage,
    Status,
    Topic,
)
from editorial.markup import render_markdown
from pagecache.generation import generation_end
from search.index import search_index_update

PREFIX = "synthetic-"
BATCH_SIZE = 2000
YEARS = 4
# Eight families of five: the root and its variants; (modality, released months before the run).
FAMILIES = {
    "Atlas": (Modality.MULTIMODAL, 44),
    "Boreal": (Modality.TEXT, 38),
    "Cirrus": (Modality.IMAGE, 33),
    "Delta": (Modality.TEXT, 27),
    "Ember": (Modality.VIDEO, 21),
    "Fjord": (Modality.AGENT, 15),
    "Gale": (Modality.TEXT, 10),
    "Helix": (Modality.MULTIMODAL, 5),
}
VARIANTS = ["", "-mini", "-nano", "-pro", "-vision"]
TOPICS = [
    "Child safety", "Private information", "Deep fakes", "Bias", "Elections", "Cybersecurity",
    "Biosecurity", "Misinformation", "Self-harm", "Jailbreaks", "Hallucinations", "Agents",
]  # fmt: skip
COMMITTEES = [
    ("Frontier Risk Council", "Reviews capability evaluations of frontier models before release."),
    ("Model Release Review Board", "Decides whether a model is ready for each stage of release."),
    ("External Red Teaming Network", "Coordinates outside experts who test models before launch."),
    ("Child Safety Working Group", "Sets and audits the standards that protect young users."),
    ("Election Integrity Task Force", "Prepares safeguards ahead of elections around the world."),
]
FIRST_NAMES = """Amara Ben Chen Dana Elif Farid Grace Hiro Ines Jonas Kavya Liam Mei Nadia Omar
Priya Rafael Sofia Tomas Uma Victor Wen Yara Zoe""".split()
LAST_NAMES = """Adeyemi Bauer Castillo Dubois Eriksen Fischer Garcia Haddad Ito Jensen Kowalski
Lindqvist Moreau Nakamura Okafor Petrov Quinn Rossi Singh Tanaka Varga Weber Yilmaz Zhang""".split()
AFFILIATIONS = [
    "Professor of Computer Science", "Director, Center for AI Policy", "Head of Safety Research",
    "Former national security official", "Board member", "Child-safety researcher",
    "Election security expert", "Biosecurity advisor",
]  # fmt: skip

# Words every document uses, and themes: each document is about one or two themes, so a
# theme's words appear in a realistic share of the documents rather than in all of them.
COMMON = """model safety evaluation risk system data training users testing release results
approach work team process review update version""".split()
THEMES = [
    "red teaming external experts adversarial testers campaign findings",
    "preparedness framework capability threshold tracked categories scorecard",
    "refusal disallowed content harmful classifier overrefusal compliance",
    "jailbreak prompt injection adversarial robustness attack success",
    "hallucination factuality accuracy grounding citations simpleqa personqa",
    "bias fairness stereotypes demographic parity representation",
    "privacy personal information memorization data minimization",
    "children minors age prediction parental controls teen protections",
    "election disinformation influence operations deceptive networks",
    "cybersecurity vulnerability exploitation capture flag ranges",
    "biological chemical uplift wet lab protocols experts",
    "autonomy self-improvement replication sandbagging research engineering",
    "persuasion manipulation political messaging influence",
    "oversight committee board governance independent recommendations",
    "watermark provenance metadata likeness voice cloning deepfake",
    "image video audio generation multimodal inputs outputs",
    "agent browsing computer tools sandbox network access",
    "instruction hierarchy developer system message conflicts",
    "usage policies enforcement abuse monitoring incident response",
    "feedback iteration alpha beta general availability deployment",
]
THEME_WORDS = [theme.split() for theme in THEMES]
FILLER = "the of and to in a for with on by is are we our this that as from at be an".split()

# Kinds in a hub's proportions: mostly news and research, fewer cards, a handful of frameworks.
KIND_WEIGHTS = {
    Kind.NEWS: 38,
    Kind.RESEARCH: 27,
    Kind.SYSTEM_CARD: 15,
    Kind.ADDENDUM: 12,
    Kind.POLICY: 6,
    Kind.FRAMEWORK: 2,
}
# Median length of a body in words; lengths are log-normal around it.
BODY_WORDS = {
    Kind.NEWS: 400,
    Kind.RESEARCH: 1000,
    Kind.SYSTEM_CARD: 2500,
    Kind.ADDENDUM: 800,
    Kind.POLICY: 800,
    Kind.FRAMEWORK: 2500,
}
HEADINGS = {
    Kind.SYSTEM_CARD: [
        "Introduction", "Model data and training", "Observed safety challenges",
        "Disallowed content", "Jailbreaks", "Hallucinations", "External red teaming",
        "Preparedness Framework evaluations", "Mitigations", "Limitations", "Conclusion",
    ],
    Kind.ADDENDUM: ["Overview", "What is new", "Product-level mitigations", "Evaluations"],
    Kind.FRAMEWORK: [
        "Purpose", "Tracked categories", "Capability thresholds", "Safeguards", "Governance",
        "Transparency", "Updates to this framework",
    ],
    Kind.POLICY: ["Scope", "What is not allowed", "What is allowed", "Enforcement", "Appeals"],
    Kind.RESEARCH: ["Abstract", "Background", "Method", "Results", "Discussion", "Limitations"],
    Kind.NEWS: ["What is changing", "Why it matters", "What comes next"],
}  # fmt: skip
FEATURES = [
    "image generation", "voice mode", "computer use", "agent mode", "memory", "deep research",
    "the coding agent", "file uploads", "browsing", "scheduled tasks", "the API",
    "video editing", "custom instructions", "enterprise deployment",
]  # fmt: skip
AREAS = [
    "weapons and violence", "minors", "elections", "privacy", "medical advice", "cybersecurity",
    "impersonation", "political persuasion", "self-harm", "biological research",
]  # fmt: skip
FRAMEWORKS = [
    "Preparedness Framework", "Frontier Safety Framework", "Agentic Risk Framework",
    "Model Release Framework", "Misuse Monitoring Framework",
]  # fmt: skip
POLICIES = [
    "Usage policies: {area}", "Product Safety Standard: {area}", "Model Spec update on {area}",
    "Our policy on {area}",
]  # fmt: skip
RESEARCH = [
    "Measuring {problem} in {context}", "Detecting {problem} in {context}",
    "Reducing {problem} in {context}", "Evaluating {problem} in {context}",
    "Monitoring {context} for {problem}", "Understanding {problem}: lessons from {context}",
]  # fmt: skip
PROBLEMS = [
    "jailbreak robustness", "hallucinations", "instruction hierarchy conflicts",
    "reward hacking", "sycophancy", "deceptive behaviour", "biological misuse",
    "cyber-offense capability", "prompt injection", "persuasion", "bias", "privacy leakage",
    "sandbagging", "overrefusal",
]  # fmt: skip
CONTEXTS = [
    "reasoning models", "agentic systems", "{model}", "multimodal models", "open-weight models",
    "long conversations", "browser agents", "code agents", "voice interfaces",
]  # fmt: skip
# (headline, label)
NEWS = [
    ("Introducing {feature} for {model}", Label.PRODUCT),
    ("{model} is now available to everyone", Label.PRODUCT),
    ("Bringing {feature} to {model}", Label.PRODUCT),
    ("Parental controls for {feature}", Label.PRODUCT),
    ("Expanding our red teaming network to {area} experts", Label.SAFETY),
    ("An update on disrupting deceptive uses of AI", Label.SAFETY),
    ("Strengthening safeguards on {area}", Label.SAFETY),
    ("How we respond to misuse of {feature}", Label.SAFETY),
    ("What we learned from red teaming {model}", Label.PUBLICATION),
    ("New research on {problem}", Label.PUBLICATION),
    ("Our approach to {area}", Label.PUBLICATION),
]
SUMMARIES = {
    Kind.SYSTEM_CARD: "This system card describes the safety work carried out before releasing "
    "{model}, including external red teaming and Preparedness evaluations.",
    Kind.ADDENDUM: "This addendum to the {parent} describes {feature} and its mitigations.",
    Kind.FRAMEWORK: "The {title} sets out how we track, evaluate and protect against severe "
    "risks from frontier models.",
    Kind.POLICY: "What people may and may not do with our models regarding {area}.",
    Kind.RESEARCH: "We study {problem} in {context} and share what we found.",
    Kind.NEWS: "{title}: what changes for people using our products, and why.",
}


class Vocabulary:
    """A document's words: 3/5 from its themes, 1/5 common words, 1/5 filler, drawn in bulk."""

    def __init__(self, themes):
        topical = [word for theme in themes for word in theme]
        self.words = topical + COMMON + FILLER
        weights = [3 / len(topical)] * len(topical)
        weights += [1 / len(COMMON)] * len(COMMON) + [1 / len(FILLER)] * len(FILLER)
        self.cum_weights = list(itertools.accumulate(weights))

    def draw(self, rng, count):
        return rng.choices(self.words, cum_weights=self.cum_weights, k=count)

    def sentences(self, rng, count, low=8, high=20):
        lengths = [rng.randint(low, high) for _ in range(count)]
        words = self.draw(rng, sum(lengths))
        found, start = [], 0
        for length in lengths:
            found.append(" ".join(words[start : start + length]).capitalize() + ".")
            start += length
        return found


def body(rng, kind, vocabulary):
    """Markdown sections with paragraphs, lists and the odd table, about as long as real ones."""
    target = min(6000, max(200, round(rng.lognormvariate(math.log(BODY_WORDS[kind]), 0.5))))
    headings = HEADINGS[kind]
    parts, words = [], 0
    for section in range(100):
        parts.append(f"## {headings[section % len(headings)]}")
        for _ in range(rng.randint(1, 3)):
            paragraph = " ".join(vocabulary.sentences(rng, rng.randint(3, 8)))
            parts.append(paragraph)
            words += paragraph.count(" ") + 1
        roll = rng.random()
        if roll < 0.35:
            items = vocabulary.sentences(rng, rng.randint(2, 5), 4, 10)
            parts.append("\n".join(f"- {item}" for item in items))
        elif roll < 0.45:
            steps = vocabulary.sentences(rng, rng.randint(2, 5), 4, 10)
            parts.append("\n".join(f"{n}. {step}" for n, step in enumerate(steps, 1)))
        elif roll < 0.55 and kind in (Kind.SYSTEM_CARD, Kind.RESEARCH):
            rows = [
                f"| {' '.join(vocabulary.draw(rng, 3))} | {rng.random():.2f} |"
                for _ in range(rng.randint(2, 6))
            ]
            parts.append("\n".join(["| Evaluation | Score |", "|---|---:|", *rows]))
        if words >= target:
            break
    return "\n\n".join(parts) + "\n"


def catalogue_make(now):
    """Models, topics, committees and the lifecycle, made once and reused."""
    models = []
    for family_name, (modality, months) in FAMILIES.items():
        root = None
        for number, variant in enumerate(VARIANTS):
            name = f"{family_name}{variant}" if not variant else f"{family_name.lower()}{variant}"
            released = now - timedelta(days=30 * months - 20 * number)
            model, created = AIModel.objects.get_or_create(
                slug=f"{PREFIX}{name.lower()}",
                defaults={
                    "name": name,
                    "family": root,
                    "modality": modality,
                    "release_date": released.date(),
                    "summary": f"A made-up {Modality(modality).label.lower()} model, "
                    f"released in {released:%B %Y}.",
                    "status": Status.PUBLISHED,
                    "published_at": released,
                },
            )
            if created:
                AIModelAlias.objects.create(model=model, name=f"{name.lower()}-{released:%Y-%m}")
            root = root or model
            models.append(model)
    # A little lineage: each family's root succeeds the previous one; pro variants build on it.
    for earlier, later in zip(models[::5], models[5::5], strict=False):
        ModelLineage.objects.get_or_create(
            model=later, source=earlier, relation=Relation.SUCCESSOR_OF
        )
    for root, pro in zip(models[::5], models[8::5], strict=False):
        ModelLineage.objects.get_or_create(model=pro, source=root, relation=Relation.BASED_ON)
    topics = [
        Topic.objects.get_or_create(
            slug=f"{PREFIX}{name.lower().replace(' ', '-')}",
            defaults={
                "name": f"{name} (synthetic)",
                "description": f"Made-up publications about {name.lower()}.",
                "position": 100 + number,
                "status": Status.PUBLISHED,
                "published_at": now - timedelta(days=365 * YEARS),
            },
        )[0]
        for number, name in enumerate(TOPICS)
    ]
    return models, topics, lifecycle_ensure(), committees_make(now)


def lifecycle_ensure():
    """The hub's own practices, found by slug, or made from the seed if missing."""
    practices = []
    for position, stage_data in enumerate(hub_content_read()["stages"], start=1):
        stage, _ = Stage.objects.get_or_create(
            slug=slug_for(stage_data["name"]),
            defaults={
                "name": stage_data["name"],
                "summary": stage_data["summary"],
                "position": position,
            },
        )
        for number, practice in enumerate(stage_data["practices"], start=1):
            practices.append(
                Practice.objects.get_or_create(
                    slug=slug_for(practice["name"]),
                    defaults={
                        "stage": stage,
                        "name": practice["name"],
                        "description": practice["description"],
                        "position": number,
                    },
                )[0]
            )
    return practices


def committees_make(now):
    people = [
        Person.objects.get_or_create(
            slug=f"{PREFIX}person-{number}",
            defaults={
                "name": f"{first} {LAST_NAMES[(number * 7) % len(LAST_NAMES)]}",
                "role": AFFILIATIONS[number % len(AFFILIATIONS)],
                "bio": "Works on the safety of AI systems.",
            },
        )[0]
        for number, first in enumerate(FIRST_NAMES)
    ]
    committees = []
    for number, (name, mandate) in enumerate(COMMITTEES):
        formed = (now - timedelta(days=365 * YEARS - 200 * number)).date()
        committee, created = Committee.objects.get_or_create(
            slug=f"{PREFIX}committee-{number}",
            defaults={
                "name": name,
                "mandate": mandate,
                "formed_on": formed,
                "status": Status.PUBLISHED,
                "published_at": now - timedelta(days=365 * YEARS - 200 * number),
            },
        )
        if created:
            seats = [people[(number * 5 + seat) % len(people)] for seat in range(4 + number)]
            Membership.objects.bulk_create(
                Membership(
                    committee=committee,
                    person=person,
                    role="Chair" if seat == 0 else "Member",
                    term_start=formed,
                    # Some terms have ended, as on a real committee.
                    term_end=formed + timedelta(days=400) if seat % 3 == 2 else None,
                    position=seat,
                )
                for seat, person in enumerate(seats)
            )
        committees.append(committee)
    return committees


def publication_draw(rng, now, models):
    """Everything about one publication but its parent, which depends on the cards made so far."""
    kind = rng.choices(list(KIND_WEIGHTS), list(KIND_WEIGHTS.values()))[0]
    themes = rng.sample(THEME_WORDS, rng.randint(1, 2))
    model = rng.choice(models)
    words = {
        "model": model.name,
        "feature": rng.choice(FEATURES),
        "area": rng.choice(AREAS),
        "problem": rng.choice(PROBLEMS),
    }
    words["context"] = rng.choice(CONTEXTS).format(**words)
    label = ""
    if kind == Kind.SYSTEM_CARD:
        title = f"{model.name} System Card"
    elif kind == Kind.FRAMEWORK:
        title = f"{rng.choice(FRAMEWORKS)}, version {rng.randint(1, 4)}"
    elif kind == Kind.POLICY:
        title = rng.choice(POLICIES).format(**words)
    elif kind == Kind.RESEARCH:
        title = rng.choice(RESEARCH).format(**words)
    elif kind == Kind.NEWS:
        headline, label = rng.choice(NEWS)
        title = headline.format(**words)
    else:
        title = ""  # an addendum's title names its parent card
    # More publications lately, as on a growing site; a few drafts, a few scheduled.
    published_at = now - timedelta(days=365 * YEARS * rng.random() ** 1.5, hours=1)
    status = Status.PUBLISHED
    roll = rng.random()
    if roll < 0.03:
        status = Status.DRAFT if roll < 0.02 else Status.REVIEW
    elif roll < 0.05:
        published_at = now + timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 23))
    root = model.family_id or model.pk
    family = [other for other in models if (other.family_id or other.pk) == root]
    linked = [model, *rng.sample(family, rng.randint(0, 2))]
    return {
        "kind": kind,
        "title": title,
        "label": label,
        "words": words,
        "themes": themes,
        "status": status,
        "published_at": published_at,
        "models": list(dict.fromkeys(linked)),
        "topic_count": rng.choice([0, 1, 1, 2]),
        "practice_count": rng.choice([0, 1, 1, 2]),
        "parent_pick": rng.random(),
        "committee": rng.random() < (0.5 if kind in (Kind.FRAMEWORK, Kind.POLICY) else 0.02),
    }


def synthetic_content_generate(*, publications: int, seed: int = 1, progress=None) -> dict:
    """Top the synthetic publications up to `publications`, with their links, and index them."""
    now = timezone.now()
    rng = random.Random(seed)
    with transaction.atomic():
        models, topics, practices, committees = catalogue_make(now)
        system_cards = Practice.objects.filter(slug=slug_for("System cards")).first()
        made_numbers = {
            int(slug.removeprefix(PREFIX))
            for slug in Publication.objects.filter(slug__startswith=PREFIX).values_list(
                "slug", flat=True
            )
            if slug.removeprefix(PREFIX).isdigit()
        }
        # The most recent cards, with their models: an addendum adds to one of them.
        cards = [
            (card.pk, card.title, card.published_at, list(card.ai_models.all()))
            for card in Publication.objects.filter(slug__startswith=PREFIX, kind=Kind.SYSTEM_CARD)
            .order_by("-pk")
            .prefetch_related("ai_models")[:50]
        ][::-1]
        missing = [number for number in range(publications) if number not in made_numbers]
        created = 0
        if progress:
            progress(len(made_numbers), max(publications, len(made_numbers)))
        for start in range(0, len(missing), BATCH_SIZE):
            drawn = []
            for number in missing[start : start + BATCH_SIZE]:
                rng.seed(seed * 1_000_003 + number)
                item = publication_draw(rng, now, models)
                vocabulary = Vocabulary(item["themes"])
                item["body"] = body(rng, item["kind"], vocabulary)
                extra = vocabulary.sentences(rng, rng.randint(0, 2))
                item["summary"] = " ".join([SUMMARIES[item["kind"]], *extra])
                item["topics"] = rng.sample(topics, item["topic_count"])
                item["practices"] = rng.sample(practices, item["practice_count"])
                item["committee_pick"] = rng.choice(committees)
                drawn.append((number, item))
            # Cards first, so this batch's addenda can add to this batch's cards too.
            made = []
            for addenda in (False, True):
                rows = []
                for number, item in drawn:
                    if (item["kind"] == Kind.ADDENDUM) != addenda:
                        continue
                    if addenda and not cards:
                        item["kind"] = Kind.SYSTEM_CARD
                        item["title"] = f"{item['words']['model']} System Card"
                    parent = None
                    if item["kind"] == Kind.ADDENDUM:
                        parent = cards[-1 - int(item["parent_pick"] * len(cards))]
                        item["title"] = f"Addendum to {parent[1]}: {item['words']['feature']}"
                        item["models"] = list(dict.fromkeys(parent[3][:1] + item["models"][1:]))
                        if item["published_at"] <= now and parent[2] <= now:
                            item["published_at"] = max(item["published_at"], parent[2])
                    item["parent"] = parent
                    rows.append((number, item))
                batch = Publication.objects.bulk_create(
                    Publication(
                        title=item["title"][:255],
                        slug=f"{PREFIX}{number}",
                        kind=item["kind"],
                        label=item["label"],
                        parent_id=item["parent"][0] if item["parent"] else None,
                        summary=item["summary"].format(
                            title=item["title"],
                            parent=item["parent"][1] if item["parent"] else "",
                            **item["words"],
                        ),
                        body=item["body"],
                        body_html=render_markdown(item["body"]),  # bulk_create calls no save()
                        status=item["status"],
                        published_at=item["published_at"],
                    )
                    for number, item in rows
                )
                for publication, (_, item) in zip(batch, rows, strict=True):
                    if publication.kind == Kind.SYSTEM_CARD:
                        cards.append(
                            (
                                publication.pk,
                                publication.title,
                                item["published_at"],
                                item["models"],
                            )
                        )
                        if system_cards and system_cards not in item["practices"]:
                            item["practices"] = [system_cards, *item["practices"][:1]]
                made += zip(batch, (item for _, item in rows), strict=True)
                cards = cards[-50:]
            links_create(made)
            search_index_update(ids=[publication.pk for publication, _ in made])
            generation_end()  # bulk_create sends no signals; cached pages must not outlive it
            created += len(made)
            if progress:
                progress(len(made_numbers) + created, max(publications, len(made_numbers)))
    return {
        "created": created,
        "existing": len(made_numbers),
        "models": len(models),
        "topics": len(topics),
    }


def links_create(made):
    """The many-to-many rows of a batch, one bulk insert per table."""
    tables = [
        (Publication.ai_models.through, "aimodel", "models"),
        (Publication.topics.through, "topic", "topics"),
        (Publication.practices.through, "practice", "practices"),
    ]
    for through, field, key in tables:
        through.objects.bulk_create(
            through(publication=publication, **{field: target})
            for publication, item in made
            for target in item[key]
        )
    through = Committee.publications.through
    through.objects.bulk_create(
        through(publication=publication, committee=item["committee_pick"])
        for publication, item in made
        if item["committee"]
    )


def main(argv=None, *, stdout=sys.stdout, stderr=sys.stderr) -> None:
    """Top the synthetic content up with a progress bar, then refresh the planner's statistics."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publications", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    if unapplied := executor.migration_plan(executor.loader.graph.leaf_nodes()):
        sys.exit(
            f"The database is not migrated ({len(unapplied)} migrations to apply). "
            "Run: python manage.py migrate"
        )
    started = time.monotonic()

    def progress(done, total):
        filled = 30 * done // max(total, 1)
        rate = done / max(time.monotonic() - started, 0.001)
        stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done:,}/{total:,} ({rate:,.0f}/s)")
        stderr.flush()

    try:
        result = synthetic_content_generate(
            publications=args.publications, seed=args.seed, progress=progress
        )
    except DatabaseError as error:
        sys.exit(f"Nothing was generated: {error}")
    stderr.write("\n")
    # Fresh statistics, or SQLite's planner walks every live publication to count a topic's.
    stdout.write("Updating the query planner's statistics (ANALYZE) ...\n")
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("ANALYZE")
    stdout.write(
        f"Created {result['created']:,} publications ({result['existing']:,} were there "
        f"already), on {result['models']} AI models and {result['topics']} topics, in "
        f"{time.monotonic() - started:.1f} s.\n"
    )


if __name__ == "__main__":
    main()
