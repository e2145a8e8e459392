"""Importing evaluation results from CSV, by command and in the admin, and exporting them again:
every row checked first, nothing saved unless all are valid, the same file twice changes nothing,
and an export imports back unchanged."""

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from catalog.demo_content import hub_content_load
from evaluations.models import Determination, Direction, Metric, Result
from evaluations.tables import (
    DETERMINATION_COLUMNS,
    RESULT_COLUMNS,
    ResultImportError,
    results_import,
)
from tests.factories import make_evaluation, make_model, make_publication

pytestmark = pytest.mark.django_db

EXAMPLE_CSV = Path(settings.BASE_DIR) / "docs" / "import-example-results.csv"
HEADER = "evaluation,metric,model,subcategory,value,measured_on,source,note\n"
VALID_ROWS = (
    "strongreject,score,o3,,0.6,2025-04-16,o3-card,\n"
    "strongreject,score,o4-mini,,0.4,2025-04-16,o3-card,\n"
    "simpleqa,accuracy,o3,,0.49,2025-04-16,o3-card,\n"
    "simpleqa,hallucination_rate,o3,,0.51,2025-04-16,o3-card,Sample value\n"
    'simpleqa,accuracy,o3,people,0.7,2025-04-16,o3-card,"Measured, then rounded"\n'
)


@pytest.fixture
def catalog():
    """Two evaluations, two models and a card to cite, with no results yet."""
    make_publication(title="OpenAI o3 and o4-mini System Card", slug="o3-card")
    make_model(name="o3", slug="o3")
    make_model(name="o4-mini", slug="o4-mini")
    make_evaluation(name="StrongReject", slug="strongreject")
    make_evaluation(
        name="SimpleQA",
        slug="simpleqa",
        metrics=[("accuracy", Direction.HIGHER), ("hallucination_rate", Direction.LOWER)],
    )


def import_text(text):
    return results_import(lines=io.StringIO(text, newline=""))


def stored_results():
    return sorted(
        Result.objects.values_list(
            "evaluation__slug",
            "metric__name",
            "ai_model__slug",
            "subcategory",
            "value",
            "measured_on",
            "source__slug",
            "note",
        )
    )


def test_a_valid_file_imports_every_row(catalog):
    summary = import_text(HEADER + VALID_ROWS)

    assert (summary.created, summary.updated, summary.unchanged) == (5, 0, 0)
    assert str(summary) == "5 results: 5 new, 0 updated, 0 unchanged."
    assert (
        "simpleqa",
        "accuracy",
        "o3",
        "people",
        Decimal("0.7"),
        date(2025, 4, 16),
        "o3-card",
        "Measured, then rounded",
    ) in stored_results()
    assert Result.objects.get(metric__name="hallucination_rate").evaluation.slug == "simpleqa"


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ("strongreject,score,o5,,0.6,2025-04-16,o3-card,", "unknown AI model “o5”"),
        ("strongreject,score,o3,,1.2,2025-04-16,o3-card,", "1.2 is outside score’s range, 0–1"),
        ("strongreject,score,o3,,-0.1,2025-04-16,o3-card,", "-0.1 is outside score’s range"),
        (
            "strongreject,accuracy,o3,,0.6,2025-04-16,o3-card,",
            "“accuracy” is not a metric of StrongReject (its metrics: score)",
        ),
        ("no-such-eval,score,o3,,0.6,2025-04-16,o3-card,", "unknown evaluation “no-such-eval”"),
        ("strongreject,score,o3,,0.6,2025-04-16,no-such-card,", "unknown publication"),
        (
            "strongreject,score,o3,,high,2025-04-16,o3-card,",
            "value: “high” value must be a decimal",
        ),
        ("strongreject,score,o3,,NaN,2025-04-16,o3-card,", "value:"),
        ("strongreject,score,o3,,0.12345,2025-04-16,o3-card,", "no more than 4 decimal places"),
        ("strongreject,score,o3,,0.6,16/04/2025,o3-card,", "measured_on: “16/04/2025” value"),
        ("strongreject,score,o3,,0.6,2025-02-30,o3-card,", "measured_on:"),
        ("strongreject,score,o3,,,2025-04-16,o3-card,", "no value given"),
        ("strongreject,score,o3,,0.6,2025-04-16,o3-card," + "x" * 301, "at most 300 characters"),
        ("strongreject,score,o3,,0.6,2025-04-16,o3-card,,extra", "more fields than the header"),
        ("strongreject,score,o3", "fewer fields than the header"),
    ],
)
def test_a_file_with_one_bad_row_imports_nothing_and_reports_that_row(catalog, bad_row, message):
    rows = VALID_ROWS.splitlines(keepends=True)
    rows.insert(2, bad_row + "\n")

    with pytest.raises(ResultImportError) as error:
        import_text(HEADER + "".join(rows))

    assert not Result.objects.exists()
    [problem] = error.value.problems
    assert problem.startswith("Line 4: ")
    assert message in problem


def test_every_bad_row_is_reported_with_its_line(catalog):
    text = (
        HEADER
        + "strongreject,score,o5,,0.6,2025-04-16,o3-card,\n"
        + VALID_ROWS
        + "strongreject,score,o3,,2,2025-04-16,o3-card,\n"
    )

    with pytest.raises(ResultImportError) as error:
        import_text(text)

    assert [problem.split(":")[0] for problem in error.value.problems] == ["Line 2", "Line 8"]


def test_a_repeated_row_is_reported(catalog):
    with pytest.raises(ResultImportError) as error:
        import_text(HEADER + VALID_ROWS + "strongreject,score,o3,,0.7,2025-04-17,o3-card,\n")

    assert error.value.problems == [
        "Line 7: repeats line 2 (the same evaluation, metric, model and sub-category)."
    ]
    assert not Result.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty"),
        (HEADER, "The file has a header but no rows."),
        ("evaluation,metric,model,value,source\n", "Line 1: the header lacks the column(s) mea"),
        (HEADER.replace("note", "comment"), "Line 1: unknown column(s) comment."),
        (HEADER.replace("note", "value"), "Line 1: the column(s) value appear more than once."),
    ],
)
def test_a_file_of_the_wrong_shape_is_refused(catalog, text, message):
    with pytest.raises(ResultImportError) as error:
        import_text(text)

    assert message in error.value.problems[0]


def test_importing_the_same_file_again_changes_nothing(catalog):
    import_text(HEADER + VALID_ROWS)
    before = list(Result.objects.order_by("pk").values())

    summary = import_text(HEADER + VALID_ROWS)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 5)
    assert list(Result.objects.order_by("pk").values()) == before


def test_a_changed_value_updates_the_result_in_place(catalog):
    import_text(HEADER + VALID_ROWS)
    result = Result.objects.get(ai_model__slug="o4-mini")

    summary = import_text(HEADER + VALID_ROWS.replace("o4-mini,,0.4,", "o4-mini,,0.45,"))

    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 4)
    result.refresh_from_db()
    assert result.value == Decimal("0.45")


def test_columns_may_come_in_any_order_and_with_a_byte_order_mark(catalog, tmp_path):
    path = tmp_path / "results.csv"
    path.write_text(
        "model,evaluation,metric,value,measured_on,source\no3,strongreject,score,0.6,2025-04-16,"
        "o3-card\n",
        encoding="utf-8-sig",
    )

    call_command("import_results", str(path), stdout=io.StringIO())

    assert Result.objects.get().value == Decimal("0.6")


def test_command_imports_with_a_progress_bar(catalog, tmp_path):
    path = tmp_path / "results.csv"
    path.write_text(HEADER + VALID_ROWS)
    output = io.StringIO()

    call_command("import_results", str(path), stdout=output)

    assert "Checking [##############################] 5/5" in output.getvalue()
    assert "Saving   [##############################] 5/5" in output.getvalue()
    assert "Imported 5 results: 5 new, 0 updated, 0 unchanged." in output.getvalue()
    assert Result.objects.count() == 5


def test_command_lists_the_bad_rows_and_saves_nothing(catalog, tmp_path):
    path = tmp_path / "results.csv"
    path.write_text(HEADER + VALID_ROWS + "strongreject,score,o5,,0.6,2025-04-16,o3-card,\n")

    with pytest.raises(CommandError) as error:
        call_command("import_results", str(path), stdout=io.StringIO())

    assert "Nothing was imported" in str(error.value)
    assert "Line 7: unknown AI model “o5”." in str(error.value)
    assert not Result.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"evaluation,metric\n\xff\xfe\n", "is not UTF-8 text"), (None, "Cannot read")],
)
def test_command_explains_a_file_it_cannot_read(catalog, tmp_path, content, message):
    path = tmp_path / "results.csv"
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(CommandError, match=message):
        call_command("import_results", str(path), stdout=io.StringIO())


def test_the_import_example_adds_to_the_demo_content_without_touching_published_figures():
    hub_content_load()
    published = {result.pk: result.value for result in Result.objects.all()}

    call_command("import_results", str(EXAMPLE_CSV), stdout=io.StringIO())

    examples = Result.objects.exclude(pk__in=published)
    assert examples.count() == 24
    assert all(result.note.startswith("INVENTED") for result in examples)
    assert all(result.subcategory == "import example" for result in examples)
    assert {result.pk: result.value for result in Result.objects.filter(pk__in=published)} == (
        published
    )


def import_url():
    return reverse("admin:evaluations_result_import")


def upload(text, name="results.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_admin_import_saves_a_valid_file_and_says_so(admin_client, catalog):
    response = admin_client.post(import_url(), {"file": upload(HEADER + VALID_ROWS)}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("admin:evaluations_result_changelist")
    assert "Imported 5 results: 5 new, 0 updated, 0 unchanged." in response.content.decode()
    assert Result.objects.count() == 5


def test_admin_import_shows_the_bad_rows_and_saves_nothing(admin_client, catalog):
    text = HEADER + VALID_ROWS + "strongreject,score,o3,,7,2025-04-16,o3-card,\n"

    response = admin_client.post(import_url(), {"file": upload(text)})

    assert response.status_code == 200
    assert "Nothing was imported." in response.content.decode()
    assert "Line 7: 7 is outside score’s range, 0–1." in response.content.decode()
    assert not Result.objects.exists()


def test_admin_import_refuses_a_file_that_is_not_utf8(admin_client, catalog):
    response = admin_client.post(
        import_url(), {"file": SimpleUploadedFile("results.csv", b"\xff\xfe\x00")}
    )

    assert response.status_code == 200
    assert "The file is not UTF-8 text." in response.content.decode()


def test_admin_import_is_linked_from_the_results_list(admin_client, catalog):
    response = admin_client.get(reverse("admin:evaluations_result_changelist"))

    assert f'href="{import_url()}"' in response.content.decode()
    assert admin_client.get(import_url()).status_code == 200


def test_admin_import_needs_permission_to_add_and_change_results(client, catalog):
    editor = User.objects.create_user("editor", password="pw", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_result"))
    client.force_login(editor)

    response = client.post(import_url(), {"file": upload(HEADER + VALID_ROWS)})

    assert response.status_code == 403
    assert not Result.objects.exists()


def admin_export(admin_client, model_name, file_format, queryset):
    return admin_client.post(
        reverse(f"admin:evaluations_{model_name}_changelist"),
        {
            "action": f"export_{file_format}",
            "_selected_action": [str(pk) for pk in queryset.values_list("pk", flat=True)],
        },
    )


def test_admin_export_imports_back_unchanged(admin_client, catalog):
    import_text(HEADER + VALID_ROWS)
    before = stored_results()
    exported = admin_export(admin_client, "result", "csv", Result.objects.all()).content.decode()

    Result.objects.all().delete()
    summary = import_text(exported)

    assert summary.created == 5
    assert stored_results() == before
    assert next(csv.reader(io.StringIO(exported))) == RESULT_COLUMNS


def test_site_download_imports_back_unchanged(client, catalog):
    import_text(HEADER + VALID_ROWS)
    before = stored_results()
    exported = client.get("/evaluations/results.csv").content.decode()

    unchanged = import_text(exported)
    Result.objects.all().delete()
    import_text(exported)

    assert (unchanged.created, unchanged.updated, unchanged.unchanged) == (0, 0, 5)
    assert stored_results() == before
    assert client.get("/evaluations/results.csv").content.decode() == exported


def test_admin_exports_any_evaluation_table_as_json(admin_client, catalog):
    response = admin_export(admin_client, "metric", "json", Metric.objects.all())

    rows = response.json()
    assert response["Content-Disposition"] == 'attachment; filename="metrics.json"'
    assert {row["name"]: row["evaluation"] for row in rows} == {
        "score": "strongreject",
        "accuracy": "simpleqa",
        "hallucination_rate": "simpleqa",
    }
    assert rows[0]["maximum"] == 1.0


def test_admin_exports_determinations_with_the_sites_columns(admin_client):
    hub_content_load()

    response = admin_export(admin_client, "determination", "json", Determination.objects.all())

    rows = response.json()
    assert [list(row) for row in rows] == [DETERMINATION_COLUMNS] * 13
    o3_bio = next(
        row for row in rows if (row["model"], row["category"]) == ("o3", "biological-and-chemical")
    )
    assert (o3_bio["level"], o3_bio["determined_by"], o3_bio["source"]) == (
        "Below High",
        "Safety Advisory Group",
        "openai-o3-and-o4-mini-system-card",
    )
