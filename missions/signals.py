"""Keep what the search reads of each mission in step with what it is built from.

The search document (PostgreSQL) and the areas a mission's mandates held are derived data,
like a cache (STYLE.md allows signals for that). The handlers only collect the ids of the
missions whose derived data is stale; once the transaction commits, one refresh recomputes them
all (missions.search.search_index_refresh). The areas each mandate held over its period
(mandates.models.AreaPeriod) are recomputed at once instead, a mandate at a time: filters read
them, and must see a change within the transaction that made it. Bulk writes that send no
signal (QuerySet.update, bulk_create) need `manage.py search_index_rebuild`.
"""

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from mandates.models import AreaAttestation, AreaPeriod, Mandate, MandateArea
from missions.models import Mission

__all__ = ["connect"]

DISPATCH_UID = "missions.search_document"


class _Refresh:
    """The ids one transaction collected; its `run` is the transaction's on-commit callback."""

    def __init__(self) -> None:
        self.mission_ids: set[int] = set()
        self.done = False

    def run(self) -> None:
        from .search import search_index_refresh

        self.done = True
        search_index_refresh(mission_ids=self.mission_ids)


def _stale(mission_ids) -> None:
    """Have the documents of `mission_ids` recomputed once the current transaction commits."""
    mission_ids = {pk for pk in mission_ids if pk is not None}
    if not mission_ids:
        return
    current = transaction.get_connection()
    if not current.in_atomic_block:  # autocommit: the write is already committed
        from .search import search_index_refresh

        search_index_refresh(mission_ids=mission_ids)
        return
    for _sids, func, _robust in current.run_on_commit:
        pending = getattr(func, "__self__", None)
        if isinstance(pending, _Refresh) and not pending.done:
            pending.mission_ids |= mission_ids
            return
    refresh = _Refresh()
    refresh.mission_ids |= mission_ids
    # robust: a failure after the commit must never turn a saved edit into an error page.
    transaction.on_commit(refresh.run, robust=True)


def _missions_of_areas(area_ids) -> set[int]:
    """Return the ids of the missions holding or attested with any of `area_ids`."""
    return set(
        Mission.objects.filter(mandates__mandate_areas__in=area_ids).values_list("pk", flat=True)
    ) | set(
        AreaAttestation.objects.filter(mandate_area__in=area_ids).values_list(
            "mission_id", flat=True
        )
    )


def _previous_mission(sender, instance, raw=False, **kwargs) -> None:
    """Before a mandate or an attestation is saved, mark the mission it leaves as stale."""
    if raw or instance._state.adding or instance.pk is None:
        return
    before = sender.objects.filter(pk=instance.pk).values_list("mission_id", flat=True).first()
    if before is not None and before != instance.mission_id:
        _stale([before])


def mission_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:  # loaddata: the rows are not final yet
        _stale([instance.pk])


def mission_part_changed(sender, instance, raw=False, **kwargs) -> None:
    """A mandate or an attestation was saved or deleted: its mission's areas may differ."""
    if not raw:
        _stale([instance.mission_id])


def mandate_saved(sender, instance, **kwargs) -> None:
    """A mandate was saved (even by loaddata): its area periods follow its mission and dates."""
    from .search import area_periods_refresh

    area_periods_refresh(mandate_ids=[instance.pk])


def mandate_areas_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """Mandate.mandate_areas changed, from either side."""
    from .search import area_periods_refresh

    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            area_periods_refresh(mandate_ids=[instance.pk])
            _stale([instance.mission_id])
        return
    # From the area's side: `instance` is a MandateArea and `pk_set` holds mandates.
    if action in ("post_add", "post_remove"):
        area_periods_refresh(mandate_ids=pk_set)
        _stale(Mandate.objects.filter(pk__in=pk_set).values_list("mission_id", flat=True))
    elif action == "pre_clear":  # afterwards nothing says which mandates held it
        _stale(instance.mandates.values_list("mission_id", flat=True))
    elif action == "post_clear":
        AreaPeriod.objects.filter(mandate_area=instance).delete()


def area_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    """An area was renamed (perhaps): every mission holding it has its name in its document."""
    if not raw and not created:
        _stale(_missions_of_areas([instance.pk]))


def area_deleting(sender, instance, **kwargs) -> None:
    # Its links to mandates go without a signal; find the missions while they are there.
    _stale(_missions_of_areas([instance.pk]))


def connect() -> None:
    """Connect the handlers to every model the search's derived data is built from."""
    uid = DISPATCH_UID
    # The area holdings and periods follow the mandates, on every database; the periods at
    # once, within the transaction, as the API's mandate_area filter reads them.
    pre_save.connect(_previous_mission, sender=Mandate, dispatch_uid=f"{uid}.mandate.pre")
    post_save.connect(mandate_saved, sender=Mandate, dispatch_uid=f"{uid}.mandate.periods")
    post_save.connect(mission_part_changed, sender=Mandate, dispatch_uid=f"{uid}.mandate.save")
    post_delete.connect(mission_part_changed, sender=Mandate, dispatch_uid=f"{uid}.mandate.del")
    m2m_changed.connect(
        mandate_areas_changed, sender=Mandate.mandate_areas.through, dispatch_uid=f"{uid}.m2m"
    )
    if connection.vendor != "postgresql":
        return
    # The documents (PostgreSQL only) also hold names, notes and attested areas.
    post_save.connect(mission_saved, sender=Mission, dispatch_uid=f"{uid}.mission")
    name = AreaAttestation._meta.model_name
    pre_save.connect(_previous_mission, sender=AreaAttestation, dispatch_uid=f"{uid}.{name}.pre")
    post_save.connect(
        mission_part_changed, sender=AreaAttestation, dispatch_uid=f"{uid}.{name}.save"
    )
    post_delete.connect(
        mission_part_changed, sender=AreaAttestation, dispatch_uid=f"{uid}.{name}.del"
    )
    post_save.connect(area_saved, sender=MandateArea, dispatch_uid=f"{uid}.area.save")
    pre_delete.connect(area_deleting, sender=MandateArea, dispatch_uid=f"{uid}.area.del")
