from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Improvement plans"

    def ready(self) -> None:
        from simple_history.signals import pre_create_historical_record

        from plans.audit import record_source
        from plans.board import snapshots  # noqa: F401 - connects the period-closed signal
        from plans.publishing import pdf_jobs  # noqa: F401 - queues a publication's PDF when it is published

        # Every history row names where its change came from (web, admin, an import, a command, the demo).
        pre_create_historical_record.connect(record_source, dispatch_uid="plans.audit.record_source")
