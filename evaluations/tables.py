"""Evaluation tables as CSV and JSON files: the site's downloads, the admin's export, and the
import of results, which reads the same columns the exports write."""

import csv
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import batched

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils.http import content_disposition_header

from catalog.models import AIModel, Publication
from evaluations.models import Evaluation, Metric, Result, metric_decimals_widen, value_text
from pagecache.generation import generation_end

# The columns of every results file, in this order. Import needs the key columns and reads
# "subcategory" and "note" when present; the other columns are there for readers.
RESULT_COLUMNS = [
    "category",
    "evaluation",
    "evaluation_name",
    "metric",
    "unit",
    "direction",
    "model",
    "model_name",
    "subcategory",
    "value",
    "measured_on",
    "source",
    "source_title",
    "source_url",
    "source_table",
    "source_document",
    "note",
]
REQUIRED_COLUMNS = ["evaluation", "metric", "model", "value", "measured_on", "source"]

DETERMINATION_COLUMNS = [
    "framework_version",
    "category",
    "category_name",
    "category_kind",
    "model",
    "model_name",
    "level",
    "pre_mitigation_level",
    "determined_by",
    "source",
    "source_title",
    "source_url",
    "note",
]

FILE_FORMATS = ["csv", "json"]


def result_rows(results, *, absolute_url: Callable[[str], str]) -> list[dict]:
    """Results as rows of RESULT_COLUMNS; `results` has its relations selected."""
    return [
        {
            "category": result.evaluation.category.slug,
            "evaluation": result.evaluation.slug,
            "evaluation_name": result.evaluation.name,
            "metric": result.metric.name,
            "unit": result.metric.unit,
            "direction": result.metric.direction,
            "model": result.ai_model.slug,
            "model_name": result.ai_model.name,
            "subcategory": result.subcategory,
            "value": result.value,
            "measured_on": result.measured_on,
            "source": result.source.slug,
            "source_title": result.source.title,
            "source_url": absolute_url(result.source.get_absolute_url()),
            "source_table": result.source_table,
            "source_document": result.source_url,
            "note": result.note,
        }
        for result in results
    ]


def determination_rows(determinations, *, absolute_url: Callable[[str], str]) -> list[dict]:
    """Determinations as rows of DETERMINATION_COLUMNS; the committee only where it is live."""
    return [
        {
            "framework_version": item.category.version.slug,
            "category": item.category.slug,
            "category_name": item.category.name,
            "category_kind": item.category.kind,
            "model": item.ai_model.slug,
            "model_name": item.ai_model.name,
            "level": item.level.name,
            "pre_mitigation_level": item.pre_mitigation_level.name
            if item.pre_mitigation_level
            else "",
            "determined_by": item.committee.name if item.committee_is_live else "",
            "source": item.source.slug,
            "source_title": item.source.title,
            "source_url": absolute_url(item.source.get_absolute_url()),
            "note": item.note,
        }
        for item in determinations
    ]


def object_rows(queryset) -> tuple[list[str], list[dict]]:
    """Any table: each field under its own name, a relation as the related object's slug."""
    fields = queryset.model._meta.concrete_fields
    relations = [field.name for field in fields if field.is_relation]
    rows = []
    if relations:  # select_related() with no fields would follow every relation
        queryset = queryset.select_related(*relations)
    for item in queryset:
        row = {}
        for field in fields:
            value = getattr(item, field.name)
            if field.is_relation and value is not None:
                value = getattr(value, "slug", None) or str(value)
            row[field.name] = value
        rows.append(row)
    return [field.name for field in fields], rows


# What a spreadsheet reads as the start of a formula (OWASP's list). Only text is quoted: a
# number column's -0.5 is written as a number, since a number is never a formula, while a text
# that looks like one ("-1+2") is quoted like any other.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_quoted(text: str) -> str:
    """Text a spreadsheet would run as a formula, quoted so that it shows as the text it is."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def formula_unquoted(text: str) -> str:
    """A cell as it was before formula_quoted, so that an export imports back unchanged."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return value_text(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return formula_quoted(value)
    return value


def json_cell(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return formula_quoted(value)
    return value


def table_response(*, columns: list[str], rows: list[dict], file_format: str, filename: str):
    """The rows as a file to download: CSV with a header row, or a JSON list of objects."""
    if file_format == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.DictWriter(response, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({name: csv_cell(row[name]) for name in columns} for row in rows)
    else:
        data = [{name: json_cell(row[name]) for name in columns} for row in rows]
        response = JsonResponse(data, safe=False, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{filename}.{file_format}"
    )
    return response


class ResultImportError(Exception):
    """The file was not imported; `problems` says why, one line of the file at a time."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        total = self.created + self.updated + self.unchanged
        return (
            f"{total} result{'s' if total != 1 else ''}: {self.created} new, "
            f"{self.updated} updated, {self.unchanged} unchanged."
        )


Progress = Callable[[str, int, int], None]
SAVED_FIELDS = [
    "evaluation",
    "value",
    "measured_on",
    "source",
    "source_table",
    "source_url",
    "note",
]
BATCH_SIZE = 500


def results_import(*, lines: Iterable[str], progress: Progress | None = None) -> ImportSummary:
    """Check every row of a results CSV, then save them all in one transaction, or none.

    A row is keyed by evaluation, metric, model and sub-category: importing the same file
    again changes nothing, and a changed value updates the result in place.
    """
    report = progress or (lambda stage, done, total: None)
    rows, problems = read_rows(lines)
    if problems:
        raise ResultImportError(problems)

    lookups = RowLookups(rows)
    results = {}
    first_line = {}
    for done, (line, row) in enumerate(rows, start=1):
        try:
            result = lookups.result(row)
        except ValidationError as error:
            problems.extend(f"Line {line}: {message}" for message in error.messages)
        else:
            key = (result.metric_id, result.ai_model_id, result.subcategory)
            if key in first_line:
                problems.append(
                    f"Line {line}: repeats line {first_line[key]} (the same evaluation, metric, "
                    "model and sub-category)."
                )
            first_line.setdefault(key, line)
            results[key] = result
        report("Checking", done, len(rows))
    if problems:
        raise ResultImportError(problems)
    if not rows:
        raise ResultImportError(["The file has a header but no rows."])

    summary = ImportSummary()
    try:
        with transaction.atomic():
            existing = {
                (result.metric_id, result.ai_model_id, result.subcategory): result
                for result in Result.objects.filter(
                    metric__in={key[0] for key in results},
                    ai_model__in={key[1] for key in results},
                )
            }
            new, changed = [], []
            for key, result in results.items():
                current = existing.get(key)
                if current is None:
                    new.append(result)
                elif any(getattr(current, name) != getattr(result, name) for name in SAVED_FIELDS):
                    for name in SAVED_FIELDS:
                        setattr(current, name, getattr(result, name))
                    changed.append(current)
                else:
                    summary.unchanged += 1
            saved = 0
            for batch in batched(new, BATCH_SIZE):
                Result.objects.bulk_create(batch)
                saved += len(batch)
                report("Saving", saved, len(new) + len(changed))
            for batch in batched(changed, BATCH_SIZE):
                Result.objects.bulk_update(batch, SAVED_FIELDS)
                saved += len(batch)
                report("Saving", saved, len(new) + len(changed))
            metric_decimals_widen([*new, *changed])
            # Bulk writes send no signals: retire the cached pages that show results here.
            generation_end()
    except IntegrityError as error:
        raise ResultImportError(
            [
                "Another import or edit changed these results at the same time "
                f"({error}); import the file again."
            ]
        ) from error
    summary.created, summary.updated = len(new), len(changed)
    return summary


def read_rows(lines: Iterable[str]) -> tuple[list[tuple[int, dict]], list[str]]:
    """The rows of the file with their line numbers, and what is wrong with its shape."""
    reader = csv.DictReader(lines)
    rows, problems = [], []
    try:
        if not reader.fieldnames:
            return [], ["The file is empty: it needs a header row naming its columns."]
        header = reader.fieldnames = [name.strip() for name in reader.fieldnames]
        missing = [name for name in REQUIRED_COLUMNS if name not in header]
        unknown = [name for name in header if name not in RESULT_COLUMNS]
        repeated = sorted({name for name in header if header.count(name) > 1})
        if repeated:
            problems.append(f"Line 1: the column(s) {', '.join(repeated)} appear more than once.")
        if missing:
            problems.append(f"Line 1: the header lacks the column(s) {', '.join(missing)}.")
        if unknown:
            problems.append(
                f"Line 1: unknown column(s) {', '.join(unknown)}. "
                f"The columns are: {', '.join(RESULT_COLUMNS)}."
            )
        if problems:
            return [], problems
        for row in reader:
            if None in row:
                problems.append(f"Line {reader.line_num}: more fields than the header has.")
            elif None in row.values():
                problems.append(f"Line {reader.line_num}: fewer fields than the header has.")
            else:
                cells = {name: formula_unquoted(value.strip()) for name, value in row.items()}
                rows.append((reader.line_num, cells))
    except csv.Error as error:
        problems.append(f"Line {reader.line_num}: {error}.")
    return rows, problems


class RowLookups:
    """The rows' evaluations, metrics, models and sources, fetched once for the whole file."""

    def __init__(self, rows):
        def column(name):
            return {row[name] for _, row in rows}

        self.evaluations = {item.slug: item for item in Evaluation.objects.all()}
        self.metrics = {(item.evaluation_id, item.name): item for item in Metric.objects.all()}
        self.ai_models = {
            item.slug: item
            for item in AIModel.objects.filter(slug__in=column("model")).only("slug", "name")
        }
        self.sources = {
            item.slug: item
            for item in Publication.objects.filter(slug__in=column("source")).only("slug", "title")
        }
        self.fields = {field.name: field for field in Result._meta.fields}

    def result(self, row) -> Result:
        """The unsaved result a row describes; ValidationError lists everything wrong with it."""
        messages = []

        def found(table, name, what):
            value = row[name]
            if value not in table:
                messages.append(f"unknown {what} “{value}”." if value else f"no {what} given.")
            return table.get(value)

        def cleaned(name, text):
            if not text and not self.fields[name].blank:
                messages.append(f"no {name} given.")
                return None
            try:
                return self.fields[name].clean(text, None)
            except ValidationError as error:
                messages.extend(f"{name}: {message}" for message in error.messages)

        evaluation = found(self.evaluations, "evaluation", "evaluation")
        ai_model = found(self.ai_models, "model", "AI model")
        source = found(self.sources, "source", "publication")
        metric = None
        if evaluation is not None:
            metric = self.metrics.get((evaluation.pk, row["metric"]))
            if metric is None:
                names = [name for key, name in self.metrics if key == evaluation.pk]
                messages.append(
                    f"“{row['metric']}” is not a metric of {evaluation.name} "
                    f"(its metrics: {', '.join(sorted(names)) or 'none yet'})."
                )
        values = {
            name: cleaned(name, row.get(name, ""))
            for name in ["value", "measured_on", "subcategory", "note", "source_table"]
        }
        values["source_url"] = cleaned("source_url", row.get("source_document", ""))
        if messages:
            raise ValidationError(messages)
        result = Result(
            evaluation=evaluation, metric=metric, ai_model=ai_model, source=source, **values
        )
        result.clean()
        return result
