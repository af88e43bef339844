"""Keep the statistics in step with the registry: any committed change schedules a refresh.

This is cache invalidation, not a domain rule (STYLE.md allows signals for that). The
handlers only register one `on_commit` callback per transaction; the callback marks the
snapshots stale and enqueues one debounced refresh (reports.services).
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from mandates.models import Mandate, MandateArea
from missions.models import Appointment, Cluster, Mission, Person, Region

__all__ = ["REGISTRY_MODELS", "connect"]

# Every model a statistic reads.
REGISTRY_MODELS = (Mission, Mandate, Appointment, Person, MandateArea, Cluster, Region)
DISPATCH_UID = "reports.registry_changed"


def _after_commit() -> None:
    from .services import statistics_schedule_refresh

    statistics_schedule_refresh()


def registry_changed(sender, **kwargs) -> None:
    """Schedule a statistics refresh once the current transaction commits (once per transaction)."""
    if kwargs.get("raw"):  # loaddata: the rows are not final yet
        return
    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        func is _after_commit for _, func, _ in connection.run_on_commit
    ):
        return
    # robust: a failure after the commit must never turn a saved edit into an error page.
    transaction.on_commit(_after_commit, robust=True)


def connect() -> None:
    """Connect the handlers to every model the statistics read."""
    for model in REGISTRY_MODELS:
        post_save.connect(registry_changed, sender=model, dispatch_uid=f"{DISPATCH_UID}.save")
        post_delete.connect(registry_changed, sender=model, dispatch_uid=f"{DISPATCH_UID}.del")
    m2m_changed.connect(
        registry_changed, sender=Mandate.mandate_areas.through, dispatch_uid=f"{DISPATCH_UID}.m2m"
    )
