"""Recompute the stored statistics now, without a worker (the same service the task runs)."""

from django.core.management.base import BaseCommand, CommandError

from reports.metrics import ParameterError
from reports.services import statistics_refresh, statistics_refresh_all


class Command(BaseCommand):
    help = "Recompute the statistics snapshots synchronously (all of them, or one metric)."

    def add_arguments(self, parser):
        parser.add_argument("--metric", help="Refresh only this metric's default series.")
        parser.add_argument(
            "--force", action="store_true", help="Recompute even snapshots that are current."
        )
        parser.add_argument(
            "--prune",
            action="store_true",
            help="First delete non-default snapshots nobody read for 30 days (as nightly).",
        )

    def handle(self, *args, metric=None, force=False, prune=False, **options):
        if metric:
            try:
                snapshot = statistics_refresh(metric=metric, params={}, force=force)
            except ParameterError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"{metric}: computed at {snapshot.computed_at:%Y-%m-%d %H:%M:%S}")
            return
        outcome = statistics_refresh_all(force=force, prune=prune)
        self.stdout.write(
            f"{outcome['snapshots']} snapshot(s), {outcome['computed']} recomputed, "
            f"{outcome['deleted']} deleted."
        )
