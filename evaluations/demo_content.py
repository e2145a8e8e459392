"""The evaluations' part of the demo content: the evaluations with the figures published in
OpenAI's system cards (evaluations/demo/), and the Preparedness Framework (the sections of
catalog/demo/hub.yaml this app registers)."""

import csv
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import yaml

from catalog.demo_content import HubContentError, Loaded, entry, published_on, slug_for
from catalog.models import AIModel, Status, Topic
from evaluations.models import (
    Determination,
    Direction,
    Evaluation,
    EvaluationCategory,
    FrameworkVersion,
    Metric,
    Result,
    RiskCategory,
    RiskKind,
    ThresholdLevel,
)

# The evaluations and their results: this app's own demo data, beside the hub's file.
EVALUATIONS_FILE = Path(__file__).with_name("demo") / "evaluations.yaml"
SECTIONS = {
    "framework_versions": list,
    "determinations": list,
}


def evaluation_content_load(content, *, ai_models, publications, committees, loaded) -> None:
    """The evaluations with their published results (evaluations/demo/), then the
    Preparedness Framework (hub.yaml's sections)."""
    evaluations_load(
        EVALUATIONS_FILE, ai_models=ai_models, publications=publications, loaded=loaded
    )
    framework_load(
        content,
        ai_models=ai_models,
        publications=publications,
        committees=committees,
        loaded=loaded,
    )


def evaluations_read(path: Path) -> tuple[dict, list[dict]]:
    """The evaluations file and the rows of the results CSV it names."""
    try:
        with path.open(encoding="utf-8") as file:
            content = yaml.safe_load(file)
        with (path.parent / content["results"]).open(encoding="utf-8", newline="") as file:
            rows = list(csv.DictReader(file))
    except (OSError, KeyError, TypeError, yaml.YAMLError, csv.Error) as error:
        raise HubContentError(f"{path}: {error}") from error
    return content, rows


def evaluations_load(path: Path, *, ai_models, publications, loaded) -> None:
    """Categories, evaluations and metrics, the models the figures name that the hub lacks,
    then each figure, keyed by metric, model and sub-category so that loading again updates."""
    content, rows = evaluations_read(path)
    wanted = defaultdict(dict)  # evaluation name: {metric name: direction}, in the CSV's order
    decimals = defaultdict(int)  # (evaluation, metric): most digits after the point
    for row in rows:
        direction = Direction.HIGHER if row["higher_is_better"] == "true" else Direction.LOWER
        wanted[row["evaluation"]].setdefault(row["metric"], direction)
        _, _, fraction = row["value"].partition(".")
        key = row["evaluation"], row["metric"]
        decimals[key] = max(decimals[key], len(fraction), 2)

    evaluations = Loaded("evaluation")
    metrics = Loaded("metric")
    category_keys = {"name", "description", "evaluations"}
    for position, item in enumerate(content["categories"], start=1):
        with entry("categories", position, item, category_keys):
            category, _ = EvaluationCategory.objects.update_or_create(
                slug=slug_for(item["name"]),
                defaults={
                    "name": item["name"],
                    "description": item["description"],
                    "position": position,
                },
            )
            for evaluation_position, evaluation_item in enumerate(item["evaluations"], start=1):
                name = evaluation_item["name"]
                with entry(
                    "evaluations", evaluation_position, evaluation_item, {"name", "description"}
                ):
                    evaluations[name], _ = Evaluation.objects.update_or_create(
                        slug=slug_for(name),
                        defaults={
                            "category": category,
                            "name": name,
                            "description": evaluation_item["description"],
                            "position": evaluation_position,
                        },
                    )
                    for metric_position, (metric_name, direction) in enumerate(
                        wanted[name].items(), start=1
                    ):
                        words = content["metrics"][metric_name]
                        description = words.get("descriptions", {}).get(
                            item["name"], words["description"]
                        )
                        metrics[name, metric_name], _ = Metric.objects.update_or_create(
                            evaluation=evaluations[name],
                            name=metric_name,
                            defaults={
                                "label": words["label"],
                                "description": description,
                                "unit": words["unit"],
                                "minimum": 0,
                                "maximum": 1,
                                "direction": direction,
                                "decimals": decimals[name, metric_name],
                                "position": metric_position,
                            },
                        )
    loaded("Evaluation categories", EvaluationCategory, len(content["categories"]))
    loaded("Evaluations", Evaluation, len(evaluations))
    loaded("Metrics", Metric, len(metrics))

    model_keys = {"name", "family", "released", "summary"}
    for number, item in enumerate(content["models"], start=1):
        with entry("models", number, item, model_keys):
            name = item["name"]
            ai_models[name], _ = AIModel.objects.update_or_create(
                slug=slug_for(name),
                defaults={
                    "name": name,
                    "family": ai_models[item["family"]] if "family" in item else None,
                    "release_date": item["released"],
                    "summary": item["summary"],
                    "published_at": published_on(item["released"]),
                    "status": Status.PUBLISHED,
                },
            )
    by_slug = {model.slug: model for model in ai_models.values()}
    sources = {title: publications[hub_title] for title, hub_title in content["sources"].items()}

    result_keys = set(rows[0]) if rows else set()
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        with entry(
            path.parent.joinpath(content["results"]).name + ", line", number, row, result_keys
        ):
            ai_model = by_slug.get(slug_for(row["model"]))
            if ai_model is None:
                raise ValueError(f"no AI model named {row['model']!r} in hub.yaml or models")
            source = sources[row["source_title"]]
            Result.objects.update_or_create(
                metric=metrics[row["evaluation"], row["metric"]],
                ai_model=ai_model,
                subcategory=row["subcategory"],
                defaults={
                    "evaluation": evaluations[row["evaluation"]],
                    "value": Decimal(row["value"]),
                    "measured_on": row["measured_on"],
                    "source": source,
                    "source_table": row["source_where"],
                    "source_url": row["source_url"],
                    "note": "",
                },
            )
    loaded("Results", Result, len(rows))


def framework_load(content, *, ai_models, publications, committees, loaded) -> None:
    """The Preparedness Framework's versions, categories, levels and determinations."""
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


TOPIC_SECTIONS = {"topic_evaluations": list}


def topic_evaluations_load(content, *, loaded, **_) -> None:
    """Which evaluations inform which topic: each topic's page lists them. The links named
    here are added; links editors made in the admin are kept."""
    links = 0
    for number, item in enumerate(content["topic_evaluations"], start=1):
        with entry("topic_evaluations", number, item, {"topic", "evaluations"}):
            topic = Topic.objects.filter(slug=slug_for(item["topic"])).first()
            if topic is None:
                raise ValueError(f"no topic named {item['topic']!r} in the file")
            for name in item["evaluations"]:
                evaluation = Evaluation.objects.filter(slug=slug_for(name)).first()
                if evaluation is None:
                    raise ValueError(f"no evaluation named {name!r} in the file")
                evaluation.topics.add(topic)
                links += 1
    loaded("Topic evaluations", Evaluation.topics.through, links)
