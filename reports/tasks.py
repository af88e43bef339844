"""Celery tasks of the statistics: thin wrappers over reports.services."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

__all__ = ["refresh_statistics_task"]


@shared_task(
    bind=True,
    name="reports.refresh_statistics",
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def refresh_statistics_task(self, metric: str | None = None, params: dict | None = None,
                            force: bool = False) -> dict:
    """Refresh one snapshot (metric and params), or all kept ones; retried on database errors."""
    from .services import statistics_refresh, statistics_refresh_all

    if metric is None:
        # The forced run is the nightly one (CELERY_BEAT_SCHEDULE): it also deletes the
        # snapshots nobody read for a month.
        return statistics_refresh_all(force=force, prune=force)
    snapshot = statistics_refresh(metric=metric, params=params or {}, force=force)
    return {"snapshots": 1, "id": snapshot.pk, "computed_at": snapshot.computed_at.isoformat()}
