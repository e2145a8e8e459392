"""The evaluations' part of the hub's content file (catalog/demo/hub.yaml): the evaluation
categories with their evaluations and metrics, and the Preparedness Framework."""

from catalog.demo_content import Loaded, entry, slug_for
from catalog.models import Topic
from evaluations.models import (
    Determination,
    Direction,
    Evaluation,
    EvaluationCategory,
    FrameworkVersion,
    Metric,
    RiskCategory,
    RiskKind,
    ThresholdLevel,
)

SECTIONS = {
    "evaluation_categories": list,
    "framework_versions": list,
    "determinations": list,
}


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
