from django.db.models import Exists, OuterRef, Prefetch, Q
from django.views.generic import DetailView, TemplateView

from catalog.models import (
    AIModel,
    Committee,
    Conversation,
    HubPage,
    Kind,
    Membership,
    Person,
    Practice,
    Publication,
    Stage,
    Topic,
)


def live_publications():
    return Publication.objects.live().only(
        "title", "slug", "kind", "label", "published_at", "summary"
    )


class HubView(TemplateView):
    template_name = "catalog/hub.html"

    def get_context_data(self, **kwargs):
        hub = HubPage.objects.first()
        context = super().get_context_data(hub=hub, **kwargs)
        if hub is None:
            return context
        live = Publication.objects.live()
        context.update(
            stages=Stage.objects.prefetch_related("practices"),
            topics=Topic.objects.live().filter(featured=True),
            conversations=Conversation.objects.live(),
            news=live.filter(kind=Kind.NEWS)[: hub.news_count],
            features=hub.features.filter(
                Q(publication__in=live) | Q(committee__in=Committee.objects.live())
            )
            .select_related("publication__parent", "committee")
            .annotate(parent_is_live=Exists(live.filter(pk=OuterRef("publication__parent")))),
        )
        return context


class PublicationDetailView(DetailView):
    queryset = Publication.objects.live()

    def get_context_data(self, **kwargs):
        publication = self.object
        return super().get_context_data(
            parent=live_publications().filter(pk=publication.parent_id).first(),
            addenda=live_publications().filter(parent=publication),
            ai_models=AIModel.objects.live().filter(publications=publication),
            topics=Topic.objects.live().filter(publications=publication),
            practices=Practice.objects.filter(publications=publication).select_related("stage"),
            committees=Committee.objects.live().filter(publications=publication),
            **kwargs,
        )


class AIModelDetailView(DetailView):
    queryset = AIModel.objects.live().prefetch_related("aliases")
    context_object_name = "ai_model"
    template_name = "catalog/aimodel_detail.html"

    def get_context_data(self, **kwargs):
        model = self.object
        live_models = AIModel.objects.live()
        return super().get_context_data(
            family=live_models.filter(pk=model.family_id).first(),
            family_members=live_models.filter(family=model),
            based_on=model.lineage.filter(source__in=live_models).select_related("source"),
            derived=model.descendants.filter(model__in=live_models).select_related("model"),
            publications=live_publications().filter(ai_models=model),
            **kwargs,
        )


class TopicDetailView(DetailView):
    queryset = Topic.objects.live()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            publications=live_publications().filter(topics=self.object), **kwargs
        )


class CommitteeDetailView(DetailView):
    queryset = Committee.objects.live()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            memberships=self.object.memberships.select_related("person"),
            publications=live_publications().filter(committees=self.object),
            **kwargs,
        )


class PersonDetailView(DetailView):
    queryset = Person.objects.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(
                committee__in=Committee.objects.live()
            ).select_related("committee"),
        ),
        Prefetch("conversations", queryset=Conversation.objects.live()),
    )


class ConversationDetailView(DetailView):
    queryset = Conversation.objects.live().prefetch_related("speakers")


class StageDetailView(DetailView):
    queryset = Stage.objects.prefetch_related("practices")


class PracticeDetailView(DetailView):
    queryset = Practice.objects.select_related("stage")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            publications=live_publications().filter(practices=self.object), **kwargs
        )
