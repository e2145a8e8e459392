from django.urls import path

from catalog import feeds, views

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
    path("robots.txt", views.RobotsView.as_view(), name="robots"),
]
