"""Recompute what the search reads of every mission now (after bulk writes that send no signal)."""

from django.core.management.base import BaseCommand
from django.db import connection

from mandates.models import AreaHolding, AreaPeriod
from missions.search import search_index_refresh


class Command(BaseCommand):
    help = (
        "Recompute every mission's full-text search document (PostgreSQL), the mandate "
        "areas each mission held (the search page's area facet) and the areas each mandate "
        "held over its period (the mandate_area filter on a date)."
    )

    def handle(self, *args, **options):
        search_index_refresh(mission_ids=None)
        if connection.vendor == "postgresql":
            from missions.models import Mission

            count = Mission.objects.exclude(search_document=None).count()
            self.stdout.write(f"{count} search document(s) rebuilt.")
        else:
            self.stdout.write("No search documents to rebuild: the database is not PostgreSQL.")
        self.stdout.write(f"{AreaHolding.objects.count()} mission-area holding(s) rebuilt.")
        self.stdout.write(f"{AreaPeriod.objects.count()} mandate-area period(s) rebuilt.")
