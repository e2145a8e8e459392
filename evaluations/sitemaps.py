from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from evaluations.models import Evaluation


class EvaluationSitemap(Sitemap):
    """The evaluations' index and each evaluation's page: they have no status of their own."""

    models = [Evaluation]  # what it lists, for its surrogate keys

    def items(self):
        pages = [reverse("evaluations:evaluation_list")]
        pages += [
            item.get_absolute_url() for item in Evaluation.objects.only("slug").order_by("slug")
        ]
        return pages

    def location(self, item):
        return item


SECTIONS = {"evaluations": EvaluationSitemap}
