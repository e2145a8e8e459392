"""Load the hub's real content, mirrored from openai.com/safety, from catalog/demo/hub.yaml."""

from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from catalog.models import (
    AIModel,
    AIModelAlias,
    Committee,
    Conversation,
    HubFeature,
    HubPage,
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

# YAML rather than JSON: editors read and correct its long texts, which YAML lets run over
# several lines without quotes or escapes, with comments beside them.
HUB_CONTENT_FILE = Path(__file__).with_name("demo") / "hub.yaml"
# Each section of the file and what it holds.
SECTIONS = {
    "scraped_on": date,
    "hub_page": dict,
    "stages": list,
    "topics": list,
    "people": list,
    "conversations": list,
    "ai_models": list,
    "lineage": list,
    "publications": list,
    "committees": list,
    "hub_features": list,
}
# The sections other apps load (evaluations registers its own), and their loaders.
REGISTERED_SECTIONS: dict[str, type] = {}
REGISTERED_LOADERS: list[Callable] = []


def hub_part_register(*, sections: dict[str, type], load: Callable) -> None:
    """Let another app load its sections of the file, after catalog's own, in the same
    transaction: `load(content, ai_models=, publications=, committees=, loaded=)`."""
    REGISTERED_SECTIONS.update(sections)
    REGISTERED_LOADERS.append(load)


class HubContentError(Exception):
    """The content file is not as the loader expects; the message names the file and entry."""


class Loaded(dict):
    """Rows loaded so far by name, so that an entry naming one the file lacks says so."""

    def __init__(self, noun):
        super().__init__()
        self.noun = noun

    def __missing__(self, name):
        raise ValueError(f"no {self.noun} named {name!r} in the file")


def slug_for(name: str) -> str:
    """Keep "DALL·E 3" and "GPT-4.5" readable: dall-e-3 and gpt-4-5, not dalle-3 and gpt-45."""
    return slugify(name.replace("·", "-").replace(".", "-"))


def published_on(day: date) -> datetime:
    if not isinstance(day, date):
        raise ValueError(f"{day!r} is not a date written as YYYY-MM-DD")
    # Noon UTC shows the same calendar day in any site time zone from UTC-11 to UTC+11.
    return datetime.combine(day, time(12), tzinfo=UTC)


def hub_content_read(path: Path = HUB_CONTENT_FILE) -> dict:
    """The file's sections, or an error that names the file."""
    try:
        with path.open(encoding="utf-8") as file:
            content = yaml.safe_load(file)
    except (OSError, yaml.YAMLError) as error:
        raise HubContentError(f"{path}: {error}") from error
    sections = {**SECTIONS, **REGISTERED_SECTIONS}
    found = content.keys() if isinstance(content, dict) else set()
    missing = [section for section in sections if section not in found]
    unknown = [str(section) for section in found if section not in sections]
    if missing or unknown:
        raise HubContentError(
            f"{path}: sections missing: {', '.join(missing) or 'none'}; "
            f"unknown: {', '.join(unknown) or 'none'}"
        )
    for section, kind in sections.items():
        if not isinstance(content[section], kind):
            raise HubContentError(f"{path}: {section} is not a {kind.__name__}")
    return content


@contextmanager
def entry(section: str, number: int, item, keys: set[str] | None = None):
    """Name the section and the entry in any problem found while loading it."""
    name = item.get("name") or item.get("title") if isinstance(item, dict) else item
    where = f"{section}, entry {number}" + (f" ({name!r})" if name else "")
    try:
        if keys is not None and not isinstance(item, dict):
            raise TypeError(f"expected keys and values, found {item!r}")
        if keys is not None and (unknown := item.keys() - keys):
            raise ValueError(
                f"unknown key {', '.join(map(str, unknown))} (known: {', '.join(sorted(keys))})"
            )
        yield item
    except HubContentError as error:  # in an entry within this one
        raise HubContentError(f"{where}, {error}") from error.__cause__
    except KeyError as error:
        raise HubContentError(f"{where}: {error.args[0]} is missing") from error
    except ValidationError as error:
        raise HubContentError(f"{where}: {' '.join(error.messages)}") from error
    except (TypeError, ValueError, AttributeError) as error:
        raise HubContentError(f"{where}: {error}") from error


def parents_first(items: list, key: str) -> list:
    """Numbered entries, those without `key` (a parent or family) before those with it."""
    return sorted(
        enumerate(items, start=1), key=lambda pair: isinstance(pair[1], dict) and key in pair[1]
    )


def hub_content_load(*, path: Path = HUB_CONTENT_FILE, stdout=None) -> dict[str, int]:
    """Create or update the file's content by slug; rows that editors added are left alone."""
    content = hub_content_read(path)
    counts = {}

    def loaded(label, model, number):
        counts[model.__name__] = number
        if stdout is not None:
            stdout.write(f"{label}: {number}\n")

    try:
        with transaction.atomic():
            hub_sections_load(content, loaded)
    except HubContentError as error:
        raise HubContentError(f"{path}: {error}") from error.__cause__
    return counts


def hub_sections_load(content, loaded) -> None:
    """The hub page and what it shows, then the other apps' sections (evaluations)."""
    scraped_on = content["scraped_on"]
    live = {"status": Status.PUBLISHED}

    hub_keys = {field.name for field in HubPage._meta.concrete_fields} - {"id"}
    with entry("hub_page", 1, content["hub_page"], hub_keys) as hub_page:
        hub, _ = HubPage.objects.update_or_create(pk=1, defaults=hub_page)
    loaded("Hub page", HubPage, 1)

    practices = Loaded("practice")
    for position, item in enumerate(content["stages"], start=1):
        with entry("stages", position, item, {"name", "summary", "practices"}):
            stage, _ = Stage.objects.update_or_create(
                slug=slug_for(item["name"]),
                defaults={"name": item["name"], "summary": item["summary"], "position": position},
            )
            for practice_position, practice in enumerate(item["practices"], start=1):
                with entry("practices", practice_position, practice, {"name", "description"}):
                    practices[practice["name"]], _ = Practice.objects.update_or_create(
                        slug=slug_for(practice["name"]),
                        defaults={
                            "stage": stage,
                            "name": practice["name"],
                            "description": practice["description"],
                            "position": practice_position,
                        },
                    )
    loaded("Stages", Stage, len(content["stages"]))
    loaded("Practices", Practice, len(practices))

    topics = Loaded("topic")
    for position, item in enumerate(content["topics"], start=1):
        with entry("topics", position, item, {"name", "description", "introduction"}):
            topics[item["name"]], _ = Topic.objects.update_or_create(
                slug=slug_for(item["name"]),
                defaults={
                    "name": item["name"],
                    "description": item["description"],
                    "body": item["introduction"],
                    "featured": True,
                    "position": position,
                    "published_at": published_on(scraped_on),
                    **live,
                },
            )
    loaded("Topics", Topic, len(topics))

    people = Loaded("person")
    for number, item in enumerate(content["people"], start=1):
        with entry("people", number, item, {"name", "role", "bio"}):
            person = Person(
                name=item["name"], slug=slug_for(item["name"]), role=item["role"], bio=item["bio"]
            )
            person.clean_fields(exclude=["slug", "portrait"])
            people[item["name"]], _ = Person.objects.update_or_create(
                slug=person.slug,
                defaults={"name": person.name, "role": person.role, "bio": person.bio},
            )
    loaded("People", Person, len(people))

    # Speakers named here replace those chosen in the admin; without `speakers` they are kept.
    conversation_keys = {"title", "description", "date", "url", "speakers"}
    for position, item in enumerate(content["conversations"], start=1):
        with entry("conversations", position, item, conversation_keys):
            conversation, _ = Conversation.objects.update_or_create(
                slug=slug_for(item["title"]),
                defaults={
                    "title": item["title"],
                    "summary": item["description"],
                    "url": item["url"],
                    "position": position,
                    "published_at": published_on(item.get("date") or scraped_on),
                    **live,
                },
            )
            if "speakers" in item:
                conversation.speakers.set([people[name] for name in item["speakers"]])
    loaded("Conversations", Conversation, len(content["conversations"]))

    ai_models = Loaded("AI model")
    aliases = 0
    model_keys = {"name", "family", "released", "modality", "aliases", "summary"}
    for number, item in parents_first(content["ai_models"], "family"):
        with entry("ai_models", number, item, model_keys):
            name = item["name"]
            ai_models[name], _ = AIModel.objects.update_or_create(
                slug=slug_for(name),
                defaults={
                    "name": name,
                    "family": ai_models[item["family"]] if "family" in item else None,
                    "release_date": item.get("released"),
                    "modality": Modality(item.get("modality", Modality.TEXT)),
                    "summary": item["summary"],
                    "published_at": published_on(item.get("released") or scraped_on),
                    **live,
                },
            )
            for alias in item.get("aliases", []):
                # Alias names are unique whatever their case.
                AIModelAlias.objects.update_or_create(
                    name__iexact=alias, defaults={"name": alias, "model": ai_models[name]}
                )
                aliases += 1
    loaded("AI models", AIModel, len(ai_models))
    loaded("Aliases", AIModelAlias, aliases)

    for number, item in enumerate(content["lineage"], start=1):
        with entry("lineage", number, item, {"model", "relation", "source", "note"}):
            ModelLineage.objects.update_or_create(
                model=ai_models[item["model"]],
                relation=Relation(item["relation"]),
                source=ai_models[item["source"]],
                defaults={"note": item.get("note", "")},
            )
    loaded("Lineage", ModelLineage, len(content["lineage"]))

    # Parents before addenda. A body here (Markdown) replaces the editors' one; without a
    # body, theirs is kept.
    publications = Loaded("publication")
    publication_keys = {"title", "kind", "label", "parent", "date", "summary", "url", "body"}
    publication_keys |= {"models", "topics", "practices"}
    for number, item in parents_first(content["publications"], "parent"):
        with entry("publications", number, item, publication_keys):
            title = item["title"]
            publication, _ = Publication.objects.update_or_create(
                slug=slug_for(title),
                defaults={
                    "title": title,
                    "kind": Kind(item.get("kind", Kind.SYSTEM_CARD)),
                    "label": Label(item["label"]) if "label" in item else "",
                    "parent": publications[item["parent"]] if "parent" in item else None,
                    "summary": item["summary"],
                    "external_url": item["url"],
                    "published_at": published_on(item.get("date") or scraped_on),
                    **({"body": item["body"]} if "body" in item else {}),
                    **live,
                },
            )
            publication.ai_models.set([ai_models[name] for name in item.get("models", [])])
            publication.topics.set([topics[name] for name in item.get("topics", [])])
            publication.practices.set([practices[name] for name in item.get("practices", [])])
            publications[title] = publication
    loaded("Publications", Publication, len(publications))

    committees = Loaded("committee")
    memberships = 0
    committee_keys = {"name", "mandate", "formed_on", "term_start", "members", "publications"}
    for number, item in enumerate(content["committees"], start=1):
        with entry("committees", number, item, committee_keys):
            name = item["name"]
            committee, _ = Committee.objects.update_or_create(
                slug=slug_for(name),
                defaults={
                    "name": name,
                    "mandate": item["mandate"],
                    "formed_on": item.get("formed_on"),
                    "published_at": published_on(item.get("formed_on") or scraped_on),
                    **live,
                },
            )
            committee.publications.set([publications[title] for title in item["publications"]])
            for position, member in enumerate(item.get("members", []), start=1):
                with entry("members", position, member, {"name", "role"}):
                    Membership.objects.update_or_create(
                        committee=committee,
                        person=people[member["name"]],
                        role=member["role"],
                        term_start=item.get("term_start"),
                        defaults={"position": position},
                    )
                    memberships += 1
            committees[name] = committee
    loaded("Committees", Committee, len(committees))
    loaded("Memberships", Membership, memberships)

    # Pinned "Go deeper" cards; the newest items follow them by themselves.
    for position, title in enumerate(content["hub_features"], start=1):
        with entry("hub_features", position, title):
            if title in committees:
                target = {"committee": committees[title]}
            else:
                target = {"publication": publications[title]}
            HubFeature.objects.update_or_create(hub=hub, **target, defaults={"position": position})
    loaded("Pinned go deeper cards", HubFeature, len(content["hub_features"]))

    for load in REGISTERED_LOADERS:
        load(
            content,
            ai_models=ai_models,
            publications=publications,
            committees=committees,
            loaded=loaded,
        )
