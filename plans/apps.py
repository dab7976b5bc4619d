from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Improvement plans"

    def ready(self) -> None:
        from plans.board import snapshots  # noqa: F401 - connects the period-closed signal
        from plans.publishing import pdf_jobs  # noqa: F401 - queues a publication's PDF when it is published
