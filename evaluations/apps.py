from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = "Safety evaluations"

    def ready(self):
        from catalog.demo_content import hub_part_register
        from editorial.redirects import redirects_track
        from evaluations.demo_content import (
            SECTIONS,
            TOPIC_SECTIONS,
            evaluation_content_load,
            topic_evaluations_load,
        )
        from evaluations.models import Evaluation

        hub_part_register(sections=SECTIONS, load=evaluation_content_load)
        hub_part_register(sections=TOPIC_SECTIONS, load=topic_evaluations_load)
        redirects_track(models=[Evaluation])
