"""Ask a worker to poll every active agenda source now (``make run`` calls it at start-up)."""

from django.core.management.base import BaseCommand

from planning.models import AgendaSource
from planning.services import source_run_request
from planning.tasks import source_poll_enqueue


class Command(BaseCommand):
    help = "Demande tout de suite l'interrogation de chaque source d'agenda active (par un worker Celery)."

    def handle(self, *args, **options):
        runs = [
            source_run_request(source=source, actor=None)
            for source in AgendaSource.objects.filter(is_active=True)
        ]
        for run in runs:
            source_poll_enqueue(source_id=run.source_id, run_id=run.pk)
        self.stdout.write(
            f"{len(runs)} interrogation(s) de source demandée(s) : " + ", ".join(str(r.pk) for r in runs)
        )
