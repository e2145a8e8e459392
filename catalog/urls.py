from django.urls import path, register_converter
from django.views.generic import TemplateView

from catalog import feeds, sitemaps, views
from catalog.tables import FILE_FORMATS


class FileFormatConverter:
    """The end of a download's address: results.csv or results.json."""

    regex = "|".join(FILE_FORMATS)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FileFormatConverter, "file_format")

app_name = "catalog"

urlpatterns = [
    path("", views.HubView.as_view(), name="hub"),
    path("publications/", views.PublicationListView.as_view(), name="publication_list"),
    path(
        "publications/<slug:slug>/",
        views.PublicationDetailView.as_view(),
        name="publication_detail",
    ),
    path(
        "publications/<slug:slug>/document.pdf",
        views.PublicationDocumentView.as_view(),
        name="publication_document",
    ),
    path("news/", views.NewsListView.as_view(), name="news_list"),
    path("models/", views.AIModelListView.as_view(), name="model_list"),
    path("models/<slug:slug>/", views.AIModelDetailView.as_view(), name="model_detail"),
    path("models/<slug:slug>/feed.rss", feeds.AIModelPublicationFeed(), name="model_feed_rss"),
    path(
        "models/<slug:slug>/feed.atom", feeds.AtomAIModelPublicationFeed(), name="model_feed_atom"
    ),
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
    path("topics/", views.TopicListView.as_view(), name="topic_list"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic_detail"),
    path("topics/<slug:slug>/feed.rss", feeds.TopicPublicationFeed(), name="topic_feed_rss"),
    path("topics/<slug:slug>/feed.atom", feeds.AtomTopicPublicationFeed(), name="topic_feed_atom"),
    path("committees/", views.CommitteeListView.as_view(), name="committee_list"),
    path("committees/<slug:slug>/", views.CommitteeDetailView.as_view(), name="committee_detail"),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("conversations/", views.ConversationListView.as_view(), name="conversation_list"),
    path(
        "conversations/<slug:slug>/",
        views.ConversationDetailView.as_view(),
        name="conversation_detail",
    ),
    path("lifecycle/", views.StageListView.as_view(), name="stage_list"),
    path(
        "lifecycle/practices/<slug:slug>/",
        views.PracticeDetailView.as_view(),
        name="practice_detail",
    ),
    path("lifecycle/<slug:slug>/", views.StageDetailView.as_view(), name="stage_detail"),
    path("feeds/publications.rss", feeds.PublicationFeed(), name="feed_rss"),
    path("feeds/publications.atom", feeds.AtomPublicationFeed(), name="feed_atom"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap"),
    path("sitemap-<section>.xml", sitemaps.sitemap, name="sitemap_section"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
]
