from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.HubView.as_view(), name="hub"),
    path(
        "publications/<slug:slug>/",
        views.PublicationDetailView.as_view(),
        name="publication_detail",
    ),
    path("models/<slug:slug>/", views.AIModelDetailView.as_view(), name="model_detail"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic_detail"),
    path("committees/<slug:slug>/", views.CommitteeDetailView.as_view(), name="committee_detail"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person_detail"),
    path(
        "conversations/<slug:slug>/",
        views.ConversationDetailView.as_view(),
        name="conversation_detail",
    ),
    path(
        "lifecycle/practices/<slug:slug>/",
        views.PracticeDetailView.as_view(),
        name="practice_detail",
    ),
    path("lifecycle/<slug:slug>/", views.StageDetailView.as_view(), name="stage_detail"),
]
