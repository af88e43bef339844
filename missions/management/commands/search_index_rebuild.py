"""Recompute every mission's search document now (after bulk writes that send no signal)."""

from django.core.management.base import BaseCommand
from django.db import connection

from missions.search import search_document_refresh


class Command(BaseCommand):
    help = "Recompute the full-text search document of every mission (PostgreSQL only)."

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("No search documents to rebuild: the database is not PostgreSQL.")
            return
        count = search_document_refresh(mission_ids=None)
        self.stdout.write(f"{count} search document(s) rebuilt.")
