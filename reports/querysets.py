"""Reading vocabulary of the stored statistics."""

from datetime import datetime

from django.db import models
from django.db.models.functions import Coalesce

__all__ = ["StatisticSnapshotQuerySet"]


class StatisticSnapshotQuerySet(models.QuerySet):
    """Stored snapshots of the statistics."""

    def read_since(self, moment: datetime):
        """Return snapshots served at or after `moment`."""
        return self.filter(last_read_at__gte=moment)

    def unread_since(self, moment: datetime):
        """Return snapshots not served since `moment` (never-served ones count from creation)."""
        return self.alias(read=Coalesce("last_read_at", "created_at")).filter(read__lt=moment)
