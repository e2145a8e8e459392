"""Load the hub's real content, mirrored from openai.com/safety, from catalog/demo/hub.yaml."""

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
    Determination,
    Direction,
    Evaluation,
    EvaluationCategory,
    FrameworkVersion,
    HubFeature,
    HubPage,
    Kind,
    Label,
    Membership,
    Metric,
    Modality,
    ModelLineage,
    Person,
    Practice,
    Publication,
    Relation,
    RiskCategory,
    RiskKind,
    Stage,
    Status,
    ThresholdLevel,
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
    "conversations": list,
    "ai_models": list,
    "lineage": list,
    "publications": list,
    "committees": list,
    "hub_features": list,
    "evaluation_categories": list,
    "framework_versions": list,
    "determinations": list,
}


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
    found = content.keys() if isinstance(content, dict) else set()
    missing = [section for section in SECTIONS if section not in found]
    unknown = [str(section) for section in found if section not in SECTIONS]
    if missing or unknown:
        raise HubContentError(
            f"{path}: sections missing: {', '.join(missing) or 'none'}; "
            f"unknown: {', '.join(unknown) or 'none'}"
        )
    for section, kind in SECTIONS.items():
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
    """The hub page and what it shows, then the evaluations and the Preparedness Framework."""
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
        with entry("topics", position, item, {"name", "description"}):
            topics[item["name"]], _ = Topic.objects.update_or_create(
                slug=slug_for(item["name"]),
                defaults={
                    "name": item["name"],
                    "description": item["description"],
                    "featured": True,
                    "position": position,
                    "published_at": published_on(scraped_on),
                    **live,
                },
            )
    loaded("Topics", Topic, len(topics))

    # Speakers are not known, so editors' choices of speakers are kept.
    for position, item in enumerate(content["conversations"], start=1):
        with entry("conversations", position, item, {"title"}):
            Conversation.objects.update_or_create(
                slug=slug_for(item["title"]),
                defaults={
                    "title": item["title"],
                    "position": position,
                    "published_at": published_on(scraped_on),
                    **live,
                },
            )
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

    # Parents before addenda; the body is left to editors.
    publications = Loaded("publication")
    publication_keys = {"title", "kind", "label", "parent", "date", "summary", "url"}
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
                    **live,
                },
            )
            publication.ai_models.set([ai_models[name] for name in item.get("models", [])])
            publication.topics.set([topics[name] for name in item.get("topics", [])])
            publication.practices.set([practices[name] for name in item.get("practices", [])])
            publications[title] = publication
    loaded("Publications", Publication, len(publications))

    committees = Loaded("committee")
    people = {}
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
                    people[member["name"]], _ = Person.objects.update_or_create(
                        slug=slug_for(member["name"]), defaults={"name": member["name"]}
                    )
                    Membership.objects.update_or_create(
                        committee=committee,
                        person=people[member["name"]],
                        role=member["role"],
                        term_start=item.get("term_start"),
                        defaults={"position": position},
                    )
                    memberships += 1
            committees[name] = committee
    loaded("People", Person, len(people))
    loaded("Committees", Committee, len(committees))
    loaded("Memberships", Membership, memberships)

    for position, title in enumerate(content["hub_features"], start=1):
        with entry("hub_features", position, title):
            if title in committees:
                target = {"committee": committees[title]}
            else:
                target = {"publication": publications[title]}
            HubFeature.objects.update_or_create(hub=hub, **target, defaults={"position": position})
    loaded("Go deeper cards", HubFeature, len(content["hub_features"]))

    evaluation_content_load(
        content,
        ai_models=ai_models,
        publications=publications,
        committees=committees,
        loaded=loaded,
    )


def evaluation_content_load(content, *, ai_models, publications, committees, loaded) -> None:
    """The evaluation categories, evaluations and metrics, and the Preparedness Framework."""
    evaluations = metrics = 0
    category_keys = {"name", "description", "evaluations", "metrics"}
    for position, item in enumerate(content["evaluation_categories"], start=1):
        with entry("evaluation_categories", position, item, category_keys):
            category, _ = EvaluationCategory.objects.update_or_create(
                slug=slug_for(item["name"]),
                defaults={
                    "name": item["name"],
                    "description": item["description"],
                    "position": position,
                },
            )
            for evaluation_position, evaluation_item in enumerate(item["evaluations"], start=1):
                with entry(
                    "evaluations", evaluation_position, evaluation_item, {"name", "description"}
                ):
                    evaluation, _ = Evaluation.objects.update_or_create(
                        slug=slug_for(evaluation_item["name"]),
                        defaults={
                            "category": category,
                            "name": evaluation_item["name"],
                            "description": evaluation_item["description"],
                            "position": evaluation_position,
                        },
                    )
                evaluations += 1
                metric_keys = {"name", "description", "unit", "direction"}
                for metric_position, metric in enumerate(item["metrics"], start=1):
                    with entry("metrics", metric_position, metric, metric_keys):
                        Metric.objects.update_or_create(
                            evaluation=evaluation,
                            name=metric["name"],
                            defaults={
                                "description": metric["description"],
                                "unit": metric["unit"],
                                "minimum": 0,
                                "maximum": 1,
                                "direction": Direction(metric["direction"]),
                                "position": metric_position,
                            },
                        )
                    metrics += 1
    loaded("Evaluation categories", EvaluationCategory, len(content["evaluation_categories"]))
    loaded("Evaluations", Evaluation, evaluations)
    loaded("Metrics", Metric, metrics)

    risk_categories = Loaded("risk category")
    levels = Loaded("threshold level")
    version_keys = {"name", "slug", "released_on", "publication", "scores_mitigation", "summary"}
    version_keys |= {"tracked", "research", "levels"}
    for number, item in enumerate(content["framework_versions"], start=1):
        with entry("framework_versions", number, item, version_keys):
            slug = item["slug"]
            version, _ = FrameworkVersion.objects.update_or_create(
                slug=slug,
                defaults={
                    "name": item["name"],
                    "released_on": item["released_on"],
                    "publication": publications[item["publication"]]
                    if "publication" in item
                    else None,
                    "summary": item["summary"],
                    "scores_mitigation": item["scores_mitigation"],
                },
            )
            kinds = [(RiskKind.TRACKED, name) for name in item["tracked"]]
            kinds += [(RiskKind.RESEARCH, name) for name in item.get("research", [])]
            for position, (kind, name) in enumerate(kinds, start=1):
                risk_categories[slug, name], _ = RiskCategory.objects.update_or_create(
                    version=version,
                    slug=slug_for(name),
                    defaults={"name": name, "kind": kind, "position": position},
                )
            for rank, level in enumerate(item["levels"]):
                with entry("levels", rank + 1, level, {"name", "description"}):
                    levels[slug, level["name"]], _ = ThresholdLevel.objects.update_or_create(
                        version=version,
                        slug=slug_for(level["name"]),
                        defaults={
                            "name": level["name"],
                            "rank": rank,
                            "description": level.get("description", ""),
                        },
                    )
    loaded("Preparedness Framework versions", FrameworkVersion, len(content["framework_versions"]))
    loaded("Risk categories", RiskCategory, len(risk_categories))
    loaded("Threshold levels", ThresholdLevel, len(levels))

    determination_keys = {"model", "version", "category", "level", "source", "determined_by"}
    determination_keys |= {"note"}
    for number, item in enumerate(content["determinations"], start=1):
        with entry("determinations", number, item, determination_keys):
            version = item["version"]
            Determination.objects.update_or_create(
                ai_model=ai_models[item["model"]],
                category=risk_categories[version, item["category"]],
                defaults={
                    "level": levels[version, item["level"]],
                    "source": publications[item["source"]],
                    "committee": committees[item["determined_by"]]
                    if "determined_by" in item
                    else None,
                    "note": item.get("note", ""),
                },
            )
    loaded("Determinations", Determination, len(content["determinations"]))
