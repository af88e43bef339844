"""Writes of the statistics: compute and store snapshots, mark them stale, schedule refreshes."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from .aggregations import computed_once, data_fingerprint
from .metrics import METRICS, ParameterError, Params, compute, expect, parse_params
from .models import RefreshSchedule, StatisticSnapshot

__all__ = [
    "DEFAULT_SERIES",
    "Statistic",
    "statistics_get",
    "statistics_mark_stale",
    "statistics_prune",
    "statistics_refresh",
    "statistics_refresh_all",
    "statistics_schedule_refresh",
]

logger = logging.getLogger(__name__)

# Series kept fresh even before anyone asks for them: what the trends page shows.
DEFAULT_SERIES: list[tuple[str, dict]] = [
    *[(metric, {}) for metric in METRICS],
    *[(metric, {"cluster": "field_mission"}) for metric in METRICS],
    ("active_missions", {"split": "cluster"}),
    ("mandate_area_share", {"cluster": "field_mission", "mandate_area": "human-rights"}),
    (
        "mandate_area_share",
        {"cluster": "field_mission", "mandate_area": "security-sector-reform,rule-of-law"},
    ),
]
# A refresh enqueued and not started within this time is presumed lost (worker gone).
PENDING_EXPIRY = timedelta(minutes=15)
# Any parameter set asked for is stored (a missing snapshot is computed on read), so storage is
# bounded by reads: last_read_at moves at most once an hour per snapshot; refreshes recompute
# only the default series and snapshots read lately; the nightly run deletes long-unread ones.
READ_MARK_INTERVAL = timedelta(hours=1)
REFRESH_READ_WITHIN = timedelta(days=7)
PRUNE_UNREAD_AFTER = timedelta(days=30)


@dataclass(frozen=True)
class Statistic:
    """A metric's series as served: the stored snapshot, sliced to the years asked for."""

    metric: str
    parameters: dict
    computed_at: datetime | None
    stale: bool
    fingerprint: str
    results: list[dict]

    def as_dict(self) -> dict:
        return {
            "metric": self.metric,
            "parameters": self.parameters,
            "computed_at": self.computed_at.isoformat() if self.computed_at else None,
            "stale": self.stale,
            "fingerprint": self.fingerprint,
            "results": self.results,
        }


def _parse(metric: str, params: Mapping | Params) -> Params:
    return params if isinstance(params, Params) else parse_params(metric, params)


def _eager() -> bool:
    from config.celery import app

    return bool(app.conf.task_always_eager)


def statistics_get(*, metric: str, params: Mapping | Params) -> Statistic:
    """Return `metric`'s series for `params` from its snapshot, computing and storing it if absent.

    `params`: raw query parameters (a QueryDict or dict of strings: start, end, reference,
    category, cluster, region, mandating_body, split, mandate_area) or a parsed `Params`;
    raise `reports.metrics.ParameterError` (with `.param`) for a bad one. The answer's
    `results` are `[{"year", "value", "n", ...}]` for the years start..end (default: the first
    year in the data to this year); `stale` is True when the data changed since `computed_at`.
    """
    parsed = _parse(metric, params)
    key = StatisticSnapshot.key_for(metric, parsed.identity())
    snapshot = StatisticSnapshot.objects.filter(key=key).first()
    # Without a broker no worker will come: refresh a stale snapshot on read instead.
    if snapshot is None or snapshot.computed_at is None or (snapshot.stale and _eager()):
        snapshot = statistics_refresh(metric=metric, params=parsed)
    now = timezone.now()
    if snapshot.last_read_at is None or snapshot.last_read_at < now - READ_MARK_INTERVAL:
        StatisticSnapshot.objects.filter(pk=snapshot.pk).update(last_read_at=now)
    this_year = timezone.localdate().year
    start = parsed.start or snapshot.first_year or this_year
    end = parsed.end or this_year
    results = [row for row in snapshot.results if start <= row["year"] <= end]
    return Statistic(
        metric=metric,
        parameters={**snapshot.params, "start": start, "end": end},
        computed_at=snapshot.computed_at,
        stale=snapshot.stale,
        fingerprint=snapshot.fingerprint,
        results=results,
    )


def statistics_refresh(
    *,
    metric: str,
    params: Mapping | Params,
    fingerprint: str | None = None,
    force: bool = False,
) -> StatisticSnapshot:
    """Compute and store `metric` for `params`, unless the stored snapshot is still current.

    Idempotent. The snapshot row is locked (SELECT ... FOR UPDATE) while computing, so two
    workers never compute the same snapshot at once: the second waits, then finds it current.
    """
    parsed = _parse(metric, params)
    key = StatisticSnapshot.key_for(metric, parsed.identity())
    _snapshots_create({key: (metric, parsed)})
    return _snapshot_refresh(key, metric, parsed, fingerprint=fingerprint, force=force)


def _snapshots_create(series: dict[str, tuple[str, Params]]) -> None:
    """Store an empty snapshot for each series ({key: (metric, params)}) not stored yet."""
    stored = StatisticSnapshot.objects.filter(key__in=list(series)).values_list("key", flat=True)
    stored = set(stored)
    # One created meanwhile by a concurrent request is left as it is (ON CONFLICT DO NOTHING).
    StatisticSnapshot.objects.bulk_create(
        [
            StatisticSnapshot(key=key, metric=metric, params=parsed.identity())
            for key, (metric, parsed) in series.items()
            if key not in stored
        ],
        ignore_conflicts=True,
    )


@contextmanager
def _unflushed_commits() -> Iterator[None]:
    """Within the block, commits of snapshots do not wait for the WAL flush (PostgreSQL).

    A snapshot is derived data: a crash that loses its last commits leaves the previous
    snapshot (with its older fingerprint), which the next refresh redoes. Not waiting spared
    a refresh 17-80 ms of fsyncs (17 commits); set once for the session, not per commit.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _snapshot_refresh(
    key: str,
    metric: str,
    parsed: Params,
    *,
    fingerprint: str | None,
    force: bool,
    unflushed: bool = False,
) -> StatisticSnapshot:
    with transaction.atomic():
        snapshot = _snapshot_lock(key)
        current = fingerprint or data_fingerprint()
        if (
            not force
            and snapshot.computed_at
            and not snapshot.stale
            and snapshot.fingerprint == current
        ):
            return snapshot
        if connection.vendor == "postgresql" and not unflushed:
            # As within _unflushed_commits(), for this commit only.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        snapshot.results, snapshot.first_year = compute(metric, parsed)
        snapshot.fingerprint = current
        snapshot.computed_at = timezone.now()
        snapshot.stale = False
        _snapshot_save(snapshot)
    return snapshot


def _snapshot_lock(key: str) -> StatisticSnapshot:
    """Return the snapshot of `key`, its row locked until the transaction ends (FOR UPDATE).

    The stored results are only read if they are still current (then on first access): a
    refresh replaces them, and decoding them first costs as much as writing them. A raw query:
    select_for_update().defer("results").get() took 0.8 ms a lock, this 0.65 ms.
    """
    meta = StatisticSnapshot._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in meta.concrete_fields if f.name != "results")
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    found = list(
        StatisticSnapshot.objects.raw(
            f"SELECT {columns} FROM {quote(meta.db_table)}"  # noqa: S608 (names are ours; the key is a parameter)
            f" WHERE {quote(meta.get_field('key').column)} = %s{lock}",
            [key],
        )
    )
    if not found:
        raise StatisticSnapshot.DoesNotExist(f"no statistics snapshot {key}")
    return found[0]


_SAVED = ("results", "first_year", "fingerprint", "computed_at", "stale")


def _snapshot_save(snapshot: StatisticSnapshot) -> None:
    """Write a recomputed snapshot's results (what snapshot.save(update_fields=...) writes).

    On PostgreSQL the values travel as parameters of the statement (server-side binding), not
    merged into its text as Django's cursors do: the server's parser then read the results'
    JSON, hundreds of KB for the largest series, as a string literal (16 -> 9 ms for one).
    """
    if connection.vendor != "postgresql":
        snapshot.save(update_fields=list(_SAVED))
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    fields = [StatisticSnapshot._meta.get_field(name) for name in _SAVED]
    sets = ", ".join(f"{connection.ops.quote_name(field.column)} = %s" for field in fields)
    values = [field.get_db_prep_save(getattr(snapshot, field.name), connection) for field in fields]
    table = connection.ops.quote_name(StatisticSnapshot._meta.db_table)
    connection.ensure_connection()
    raw = ServerBindingCursor(connection.connection)
    # Wrapped as connection.cursor() wraps its cursors: counted, logged, errors translated.
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    with wrap(raw) as cursor:
        cursor.execute(
            f"UPDATE {table} SET {sets} WHERE id = %s",  # noqa: S608 (names are ours; values are parameters)
            [*values, snapshot.pk],
        )


def _default_series() -> dict[str, tuple[str, Params]]:
    """Return the default series by snapshot key: {key: (metric, parsed parameters)}."""
    series = {}
    for metric, raw in DEFAULT_SERIES:
        try:
            parsed = parse_params(metric, raw)
        except ParameterError:  # e.g. a default area missing from this registry
            continue
        series[StatisticSnapshot.key_for(metric, parsed.identity())] = (metric, parsed)
    return series


def statistics_refresh_all(*, force: bool = False, prune: bool = False) -> dict[str, int]:
    """Refresh the default series and the snapshots read lately; return how many were looked at.

    Other snapshots are not recomputed: those out of date are marked stale, so a later read
    recomputes them (no broker) or serves them flagged stale until the next refresh picks
    them up as read lately. With `prune`, first delete the snapshots that are not default
    series and were not read for PRUNE_UNREAD_AFTER. The number of queries depends on the
    number of snapshots, never on the number of missions.
    """
    now = timezone.now()
    RefreshSchedule.objects.filter(pk=1).update(pending_since=None, last_started_at=now)
    fingerprint = data_fingerprint()
    # Series of one population are read off one computation, vocabularies read once
    # (reports.aggregations.computed_once).
    with computed_once():
        wanted = _default_series()
        deleted = statistics_prune(keep=list(wanted), now=now) if prune else 0
        recent = StatisticSnapshot.objects.read_since(now - REFRESH_READ_WITHIN).exclude(
            key__in=list(wanted)
        )
        for snapshot in recent.order_by("pk").only("key", "metric", "params"):
            try:
                parsed = parse_params(snapshot.metric, snapshot.params)
                wanted[snapshot.key] = (snapshot.metric, parsed)
            except ParameterError as error:
                # Its parameters no longer make sense (a vocabulary entry was removed).
                logger.info("dropping statistics snapshot %s: %s", snapshot.pk, error)
                snapshot.delete()
        # Left as they are, but never served as current when the data changed.
        StatisticSnapshot.objects.filter(stale=False).exclude(key__in=list(wanted)).exclude(
            fingerprint=fingerprint
        ).update(stale=True)
        refreshed = 0
        _snapshots_create(wanted)
        for metric, parsed in wanted.values():
            expect(metric, parsed)
        with _unflushed_commits():
            for key, (metric, parsed) in wanted.items():
                snapshot = _snapshot_refresh(
                    key, metric, parsed, fingerprint=fingerprint, force=force, unflushed=True
                )
                refreshed += snapshot.computed_at >= now
    RefreshSchedule.objects.filter(pk=1).update(last_finished_at=timezone.now())
    return {"snapshots": len(wanted), "computed": refreshed, "deleted": deleted}


def statistics_prune(*, keep: Iterable[str] | None = None, now: datetime | None = None) -> int:
    """Delete snapshots not read for PRUNE_UNREAD_AFTER, except the default series; return how many.

    `keep`: the keys never deleted (default: the default series').
    """
    keep = list(_default_series()) if keep is None else list(keep)
    cutoff = (now or timezone.now()) - PRUNE_UNREAD_AFTER
    deleted, _ = StatisticSnapshot.objects.unread_since(cutoff).exclude(key__in=keep).delete()
    return deleted


def statistics_mark_stale() -> int:
    """Mark every current snapshot stale; return how many changed."""
    return StatisticSnapshot.objects.filter(stale=False).update(stale=True)


def statistics_schedule_refresh() -> bool:
    """Mark snapshots stale and enqueue one debounced refresh; never raise.

    Called after a commit that changed registry data. Only the first call while a refresh is
    pending enqueues (so a bulk import enqueues once); a broker that is down or hangs is logged
    and the snapshots stay stale until the next refresh (beat, command or edit).
    Return True when a refresh was enqueued.
    """
    try:
        statistics_mark_stale()
        if _eager():
            # No broker: nothing to enqueue; statistics_get refreshes stale snapshots on read.
            return False
        now = timezone.now()
        expired = Q(pending_since__isnull=True) | Q(pending_since__lt=now - PENDING_EXPIRY)
        claimed = RefreshSchedule.objects.filter(expired, pk=1).update(pending_since=now)
        if not claimed:
            _, created = RefreshSchedule.objects.get_or_create(
                pk=1, defaults={"pending_since": now}
            )
            if not created:
                return False  # a refresh is already on its way
    except Exception:
        logger.exception("could not mark statistics stale")
        return False
    from .tasks import refresh_statistics_task

    try:
        refresh_statistics_task.apply_async(
            countdown=getattr(settings, "STATISTICS_REFRESH_DEBOUNCE", 10), retry=False
        )
    except Exception as error:
        logger.warning("statistics refresh not enqueued (%s); snapshots stay stale", error)
        try:
            RefreshSchedule.objects.filter(pk=1).update(pending_since=None)
        except Exception:
            logger.exception("could not release the refresh schedule")
        return False
    return True
