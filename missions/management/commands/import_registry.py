from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from missions.bundle import BundleError, registry_import
from missions.models import Mission


class Command(BaseCommand):
    help = (
        "Import a registry bundle (missions.csv and optionally mandate_areas.csv, documents.csv, "
        "transitions.csv, mandates.csv, appointments.csv, partnerships.csv, "
        "mission_mandate_areas.csv) in one transaction. Exits 2 and changes nothing on any bad row."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; change nothing."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the registry already holds missions (used by `make run`).",
        )

    def handle(self, *args, directory: Path, dry_run: bool, if_empty: bool, **options):
        if if_empty and Mission.objects.exists():
            self.stdout.write("The registry already holds data; nothing imported.")
            return
        try:
            report = registry_import(directory=directory, dry_run=dry_run)
        except BundleError as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(
                f"Import aborted: {len(exc.errors)} bad row(s); nothing was changed.", returncode=2
            ) from None
        for line in report.lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(f"Dry run: {report.changed} row(s) would change; nothing was saved.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported: {report.changed} row(s) changed."))
