"""A large, realistic, made-up data set for benchmarks and large-data tests.

Everything it makes has a slug starting with "synthetic-", so it never collides with the
hub's real content, and running it again only tops the publications up to the number asked.
"""

import random
from datetime import UTC, datetime, timedelta

from django.db import transaction

from catalog.models import (
    AIModel,
    AIModelAlias,
    Committee,
    Kind,
    Label,
    Membership,
    ModelLineage,
    Person,
    Practice,
    Publication,
    Relation,
    Stage,
    Status,
    Topic,
)
from catalog.search import search_index_update

PREFIX = "synthetic-"
FAMILIES = ["Atlas", "Boreal", "Cirrus", "Delta", "Ember", "Fjord", "Gale", "Helix"]
VARIANTS = ["", "-mini", "-nano", "-pro", "-vision"]
TOPICS = [
    "Child safety", "Private information", "Deep fakes", "Bias", "Elections", "Cybersecurity",
    "Biosecurity", "Misinformation", "Self-harm", "Jailbreaks", "Hallucinations", "Agents",
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


def weighted_words(rng, count, themes):
    topical = rng.choices([word for theme in themes for word in theme], k=count * 3 // 5)
    words = topical + rng.choices(COMMON, k=count // 5) + rng.choices(FILLER, k=count // 5)
    rng.shuffle(words)
    return words


def sentence(rng, low=8, high=20, themes=None):
    words = weighted_words(rng, rng.randint(low, high), themes or rng.sample(THEME_WORDS, 1))
    return " ".join(words).capitalize() + "."


def body(rng, themes):
    parts = []
    for section in range(rng.randint(2, 6)):
        parts.append(f"## {sentence(rng, 2, 5, themes).rstrip('.')}")
        parts.append(" ".join(sentence(rng, themes=themes) for _ in range(rng.randint(3, 8))))
        if section % 2:
            items = [f"- {sentence(rng, 4, 10, themes)}" for _ in range(rng.randint(2, 5))]
            parts.append("\n".join(items))
    return "\n\n".join(parts)


def catalogue_make(rng):
    """Models, topics, committees and the lifecycle, made once and reused."""
    models = []
    for family_name in FAMILIES:
        root, _ = AIModel.objects.get_or_create(
            slug=f"{PREFIX}{family_name.lower()}",
            defaults={"name": f"{family_name}", "status": Status.PUBLISHED, "summary": "."},
        )
        models.append(root)
        for variant in VARIANTS[1:]:
            name = f"{family_name.lower()}{variant}"
            member, created = AIModel.objects.get_or_create(
                slug=f"{PREFIX}{name}",
                defaults={"name": name, "family": root, "status": Status.PUBLISHED},
            )
            if created:
                AIModelAlias.objects.create(model=member, name=f"{name}-2025")
            models.append(member)
    for earlier, later in zip(models[::5], models[5::5], strict=False):
        ModelLineage.objects.get_or_create(
            model=later, source=earlier, relation=Relation.SUCCESSOR_OF
        )
    topics = [
        Topic.objects.get_or_create(
            slug=f"{PREFIX}{name.lower().replace(' ', '-')}",
            defaults={"name": f"{name} (synthetic)", "status": Status.PUBLISHED},
        )[0]
        for name in TOPICS
    ]
    stage, _ = Stage.objects.get_or_create(
        slug=f"{PREFIX}stage", defaults={"name": "Synthetic stage", "summary": "."}
    )
    practices = [
        Practice.objects.get_or_create(
            slug=f"{PREFIX}practice-{number}",
            defaults={"stage": stage, "name": f"Practice {number}", "position": number},
        )[0]
        for number in range(6)
    ]
    committees = []
    for number in range(5):
        committee, created = Committee.objects.get_or_create(
            slug=f"{PREFIX}committee-{number}",
            defaults={
                "name": f"Synthetic committee {number}",
                "mandate": sentence(rng),
                "status": Status.PUBLISHED,
            },
        )
        if created:
            for seat in range(3):
                person = Person.objects.create(
                    name=f"Person {number}-{seat}", slug=f"{PREFIX}person-{number}-{seat}"
                )
                Membership.objects.create(committee=committee, person=person, position=seat)
        committees.append(committee)
    return models, topics, practices, committees


KINDS = [Kind.SYSTEM_CARD] * 25 + [Kind.ADDENDUM] * 10 + [Kind.FRAMEWORK] * 2
KINDS += [Kind.POLICY] * 3 + [Kind.RESEARCH] * 25 + [Kind.NEWS] * 35


def synthetic_content_generate(*, publications: int, seed: int = 1, progress=None) -> dict:
    """Top the synthetic publications up to `publications`, with their links, and index them."""
    rng = random.Random(seed)
    start = datetime(2022, 1, 1, 12, tzinfo=UTC)
    with transaction.atomic():
        models, topics, practices, committees = catalogue_make(rng)
        existing = Publication.objects.filter(slug__startswith=PREFIX).count()
        cards = list(
            Publication.objects.filter(slug__startswith=PREFIX, kind=Kind.SYSTEM_CARD)
            .order_by("pk")
            .values_list("pk", flat=True)[:500]
        )
        created = 0
        for batch_start in range(existing, publications, 2000):
            batch = []
            for number in range(batch_start, min(batch_start + 2000, publications)):
                rng.seed(seed * 1_000_003 + number)
                kind = rng.choice(KINDS)
                themes = rng.sample(THEME_WORDS, rng.randint(1, 2))
                if kind == Kind.ADDENDUM and not cards:
                    kind = Kind.SYSTEM_CARD
                model = rng.choice(models)
                status = Status.PUBLISHED
                roll = rng.random()
                if roll < 0.03:
                    status = rng.choice([Status.DRAFT, Status.REVIEW])
                published_at = start + timedelta(minutes=rng.randint(0, 4 * 365 * 24 * 60))
                if 0.03 <= roll < 0.05:
                    published_at = datetime.now(UTC) + timedelta(days=rng.randint(1, 90))
                title = {
                    Kind.SYSTEM_CARD: f"{model.name} System Card {number}",
                    Kind.ADDENDUM: f"Addendum to {model.name} system card: "
                    + sentence(rng, 2, 4, themes),
                    Kind.NEWS: sentence(rng, 4, 9, themes).rstrip("."),
                }.get(kind, f"{sentence(rng, 3, 7, themes).rstrip('.')} ({kind.label})")
                batch.append(
                    Publication(
                        title=title[:255],
                        slug=f"{PREFIX}{number}",
                        kind=kind,
                        label=rng.choice(Label.values) if kind == Kind.NEWS else "",
                        parent_id=rng.choice(cards) if kind == Kind.ADDENDUM else None,
                        summary=" ".join(
                            sentence(rng, themes=themes) for _ in range(rng.randint(1, 3))
                        ),
                        body=body(rng, themes),
                        status=status,
                        published_at=published_at,
                    )
                )
            made = Publication.objects.bulk_create(batch)
            cards += [p.pk for p in made if p.kind == Kind.SYSTEM_CARD][: 500 - len(cards)]
            links = Publication.ai_models.through
            topic_links = Publication.topics.through
            practice_links = Publication.practices.through
            link_rows, topic_rows, practice_rows = [], [], []
            for publication in made:
                rng.seed(publication.pk)
                for model in rng.sample(models, rng.randint(1, 3)):
                    link_rows.append(links(publication=publication, aimodel=model))
                for topic in rng.sample(topics, rng.randint(0, 2)):
                    topic_rows.append(topic_links(publication=publication, topic=topic))
                for practice in rng.sample(practices, rng.randint(0, 2)):
                    practice_rows.append(practice_links(publication=publication, practice=practice))
            links.objects.bulk_create(link_rows)
            topic_links.objects.bulk_create(topic_rows)
            practice_links.objects.bulk_create(practice_rows)
            rng.seed(batch_start)
            rng.choice(committees).publications.add(*made[:50])
            search_index_update(publication_ids=[p.pk for p in made])
            created += len(made)
            if progress:
                progress(existing + created, publications)
    return {"created": created, "existing": existing, "models": len(models), "topics": len(topics)}
