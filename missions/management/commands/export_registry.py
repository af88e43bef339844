from pathlib import Path

from django.core.management.base import BaseCommand

from missions.bundle import registry_export


class Command(BaseCommand):
    help = "Write the whole registry as a bundle of CSV files that import_registry reads back."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory: Path, **options):
        for file, count in registry_export(directory=directory).items():
            self.stdout.write(f"{file}: {count} rows")
