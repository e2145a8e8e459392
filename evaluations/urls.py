from django.urls import path, register_converter

from evaluations import views
from evaluations.tables import FILE_FORMATS


class FileFormatConverter:
    """The end of a download's address: results.csv or results.json."""

    regex = "|".join(FILE_FORMATS)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FileFormatConverter, "file_format")

app_name = "evaluations"

urlpatterns = [
    path(
        "models/<slug:slug>/results.<file_format:file_format>",
        views.AIModelResultsDownloadView.as_view(),
        name="model_results_download",
    ),
    path(
        "models/<slug:slug>/determinations.<file_format:file_format>",
        views.AIModelDeterminationsDownloadView.as_view(),
        name="model_determinations_download",
    ),
    path("evaluations/", views.EvaluationListView.as_view(), name="evaluation_list"),
    path(
        "evaluations/results.<file_format:file_format>",
        views.ResultsDownloadView.as_view(),
        name="results_download",
    ),
    path(
        "evaluations/preparedness.<file_format:file_format>",
        views.DeterminationsDownloadView.as_view(),
        name="determinations_download",
    ),
    path("evaluations/compare/", views.EvaluationCompareView.as_view(), name="evaluation_compare"),
    path(
        "evaluations/compare/results.<file_format:file_format>",
        views.ComparisonDownloadView.as_view(),
        name="comparison_download",
    ),
    path(
        "evaluations/<slug:slug>/", views.EvaluationDetailView.as_view(), name="evaluation_detail"
    ),
    path(
        "evaluations/<slug:slug>/results.<file_format:file_format>",
        views.EvaluationResultsDownloadView.as_view(),
        name="evaluation_results_download",
    ),
]
