"""Snapshots: stored, served without recomputing, marked stale by edits, refreshed once."""

import socket
import threading
import time
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError, transaction
from django.utils import timezone

from mandates.models import Mandate
from missions.models import Mission
from reports.metrics import parse_params
from reports.models import RefreshSchedule, StatisticSnapshot
from reports.services import (
    statistics_get,
    statistics_refresh,
    statistics_refresh_all,
    statistics_schedule_refresh,
)
from reports.tasks import refresh_statistics_task
from tests.factories import MandateAreaFactory, MandateFactory, MissionFactory

pytestmark = pytest.mark.django_db

PARAMS = {"start": "2000", "end": "2001"}


def active(statistic):
    return [row["value"] for row in statistic.results]


def test_a_first_request_computes_and_stores_a_snapshot(db):
    MissionFactory(start_date=date(2000, 1, 1))
    statistic = statistics_get(metric="active_missions", params=PARAMS)
    assert active(statistic) == [1, 1]
    assert statistic.stale is False and statistic.computed_at is not None
    snapshot = StatisticSnapshot.objects.get()
    assert snapshot.metric == "active_missions" and len(snapshot.fingerprint) == 64


def test_a_stored_snapshot_is_served_with_one_query(db, django_assert_num_queries):
    MissionFactory(start_date=date(2000, 1, 1))
    statistics_get(metric="active_missions", params=PARAMS)
    with django_assert_num_queries(1):
        assert active(statistics_get(metric="active_missions", params=PARAMS)) == [1, 1]


def test_refresh_is_idempotent_and_skips_a_current_snapshot(db):
    MissionFactory(start_date=date(2000, 1, 1))
    first = statistics_refresh(metric="active_missions", params={})
    again = statistics_refresh(metric="active_missions", params={})
    assert again.computed_at == first.computed_at  # current: not recomputed
    forced = statistics_refresh(metric="active_missions", params={}, force=True)
    assert forced.computed_at > first.computed_at
    assert (forced.results, forced.fingerprint) == (first.results, first.fingerprint)


def test_areas_swapped_between_mandates_without_a_signal_change_the_fingerprint(db):
    # Raw SQL sends no signal and leaves updated_at alone: only the fingerprint can tell.
    rights, policing = MandateAreaFactory(slug="human-rights"), MandateAreaFactory(slug="police")
    first = MandateFactory(start_date=date(2000, 1, 1), mandate_areas=[rights])
    second = MandateFactory(start_date=date(2001, 1, 1), mandate_areas=[policing])
    snapshot = statistics_refresh(metric="mandate_area_share", params={})
    links = Mandate.mandate_areas.through
    with transaction.atomic():
        links.objects.filter(mandate=first).update(mandatearea=policing)
        links.objects.filter(mandate=second).update(mandatearea=rights)
    again = statistics_refresh(metric="mandate_area_share", params={})
    assert again.fingerprint != snapshot.fingerprint
    assert again.computed_at > snapshot.computed_at


def test_an_edit_marks_snapshots_stale_and_a_read_without_broker_refreshes(db, committed):
    MissionFactory(acronym="OLD", start_date=date(2000, 1, 1))
    statistics_get(metric="active_missions", params=PARAMS)
    with committed():
        MissionFactory(acronym="NEW", start_date=date(2001, 1, 1))
    assert StatisticSnapshot.objects.get().stale is True
    # Eager mode (no broker): the read brings the snapshot up to date.
    statistic = statistics_get(metric="active_missions", params=PARAMS)
    assert (active(statistic), statistic.stale) == ([1, 2], False)


def test_a_change_of_mandate_areas_marks_snapshots_stale(db, committed):
    mandate = MandateFactory(mission=MissionFactory(start_date=date(2000, 1, 1)))
    statistics_get(metric="mean_mandate_areas", params=PARAMS)
    with committed():
        mandate.mandate_areas.add(MandateAreaFactory(slug="human-rights"))
    assert StatisticSnapshot.objects.get().stale is True
    assert active(statistics_get(metric="mean_mandate_areas", params=PARAMS)) == [1.0, 1.0]


def test_an_edit_rolled_back_schedules_nothing(db, committed):
    statistics_get(metric="active_missions", params=PARAMS)
    with committed() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            MissionFactory()
            raise RuntimeError("abandon the edit")
    assert callbacks == []
    assert StatisticSnapshot.objects.get().stale is False


def test_a_bulk_import_of_500_rows_enqueues_one_refresh(db, committed):
    statistics_get(metric="active_missions", params=PARAMS)
    with mock.patch.object(refresh_statistics_task, "apply_async") as enqueue, mock.patch(
        "reports.services._eager", return_value=False
    ):
        with committed() as callbacks:
            with transaction.atomic():
                for number in range(500):
                    MissionFactory(acronym=f"BULK{number}", start_date=date(2000, 1, 1))
        # Rows saved one commit at a time are debounced by the pending refresh instead.
        for _ in range(500):
            statistics_schedule_refresh()
    # One statistics callback (on PostgreSQL the search documents' refresh is another).
    assert [c.__module__ for c in callbacks].count("reports.signals") == 1
    assert enqueue.call_count == 1
    assert StatisticSnapshot.objects.get().stale is True


def test_a_lost_refresh_is_enqueued_again_after_the_pending_time(db):
    RefreshSchedule.objects.filter(pk=1).update(pending_since=datetime(2000, 1, 1, tzinfo=UTC))
    with mock.patch.object(refresh_statistics_task, "apply_async") as enqueue, mock.patch(
        "reports.services._eager", return_value=False
    ):
        assert statistics_schedule_refresh() is True
    assert enqueue.call_count == 1


def test_broker_unreachable_keeps_the_edit_and_leaves_the_snapshot_stale(
    db, dead_broker, committed, caplog
):
    statistics_get(metric="active_missions", params=PARAMS)
    with committed():
        MissionFactory(acronym="KEPT", start_date=date(2000, 1, 1))
    assert Mission.objects.filter(acronym="KEPT").exists()
    snapshot = StatisticSnapshot.objects.get()
    assert snapshot.stale is True
    assert statistics_get(metric="active_missions", params=PARAMS).stale is True
    assert RefreshSchedule.objects.get().pending_since is None  # the next edit tries again
    assert "not enqueued" in caplog.text


@pytest.mark.slow
def test_a_hung_broker_does_not_hang_the_edit(db, committed):
    from tests.reports.conftest import broker

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)  # accepts connections, never answers
    port = listener.getsockname()[1]
    try:
        with broker(f"redis://127.0.0.1:{port}/0"):
            started = time.monotonic()
            with committed():
                MissionFactory(acronym="KEPT", start_date=date(2000, 1, 1))
            elapsed = time.monotonic() - started
    finally:
        listener.close()
    assert Mission.objects.filter(acronym="KEPT").exists()
    assert elapsed < 30


def test_refresh_query_count_does_not_grow_with_the_number_of_missions(db):
    area = MandateAreaFactory(slug="human-rights")

    def grow(count):
        for number in range(count):
            mission = MissionFactory(start_date=date(1990 + number % 20, 1, 1))
            MandateFactory(mission=mission, mandate_areas=[area])

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            statistics_refresh_all(force=True)
        return len(captured)

    grow(2)
    statistics_refresh_all()  # the default snapshots exist from now on
    few = queries()
    grow(60)
    assert queries() == few


def test_the_task_retries_database_errors_then_succeeds(db):
    calls = []

    def flaky(*, force, prune):
        calls.append(force)
        if len(calls) < 3:
            raise OperationalError("database restarting")
        return {"snapshots": 0, "computed": 0}

    from config.celery import app

    # Eager retries re-run in place only when exceptions are not propagated at once.
    app.conf.task_eager_propagates = False
    try:
        with mock.patch("reports.services.statistics_refresh_all", side_effect=flaky):
            result = refresh_statistics_task.apply()
    finally:
        app.conf.task_eager_propagates = True
    assert result.get() == {"snapshots": 0, "computed": 0}
    assert len(calls) == 3


def test_the_task_options_make_redelivery_safe():
    assert refresh_statistics_task.name == "reports.refresh_statistics"
    assert refresh_statistics_task.acks_late is True
    assert refresh_statistics_task.max_retries == 5


def test_beat_runs_a_registered_refresh_every_night():
    from celery.schedules import crontab

    from config.celery import app

    schedule = app.conf.beat_schedule
    app.loader.import_default_modules()
    assert all(entry["task"] in app.tasks for entry in schedule.values())
    nightly = [e for e in schedule.values() if isinstance(e["schedule"], crontab)]
    assert [e["task"] for e in nightly] == ["reports.refresh_statistics"]


def test_the_command_refreshes_the_default_series(db, capsys):
    MissionFactory(start_date=date(2000, 1, 1))
    call_command("refresh_statistics")
    assert "recomputed" in capsys.readouterr().out
    assert StatisticSnapshot.objects.filter(metric="active_missions", stale=False).exists()
    assert StatisticSnapshot.objects.filter(stale=True).count() == 0


def test_the_command_prunes_when_asked(db, capsys):
    unread = read_ago("closed", {"split": "region"}, days=31)
    call_command("refresh_statistics")
    assert StatisticSnapshot.objects.filter(key=unread).exists()
    call_command("refresh_statistics", "--prune")
    assert "1 deleted" in capsys.readouterr().out
    assert not StatisticSnapshot.objects.filter(key=unread).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_compute_the_same_snapshot_at_once():
    MissionFactory(start_date=date(2000, 1, 1))
    statistics_refresh(metric="active_missions", params={})
    StatisticSnapshot.objects.update(stale=True)
    from reports import metrics

    real = metrics.compute
    running, overlaps, computed = [], [], []

    def slow_compute(*args, **kwargs):
        running.append(1)
        overlaps.append(len(running))
        time.sleep(0.5)
        computed.append(1)
        running.pop()
        return real(*args, **kwargs)

    def refresh():
        from django.db import connection

        try:
            statistics_refresh(metric="active_missions", params={})
        finally:
            connection.close()

    with mock.patch("reports.services.compute", side_effect=slow_compute):
        threads = [threading.Thread(target=refresh) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert (len(computed), max(overlaps)) == (1, 1)
    assert StatisticSnapshot.objects.get().stale is False


def test_mandate_counts_survive_a_deleted_mandate(db, committed):
    mandate = MandateFactory(mission=MissionFactory(start_date=date(2000, 1, 1)))
    assert statistics_get(metric="mean_mandate_areas", params=PARAMS).results[0]["n"] == 1
    with committed():
        Mandate.objects.filter(pk=mandate.pk).get().delete()
    assert statistics_get(metric="mean_mandate_areas", params=PARAMS).results[0]["n"] == 0


def test_the_task_refreshes_one_snapshot_when_named(db):
    MissionFactory(start_date=date(2000, 1, 1))
    outcome = refresh_statistics_task.delay(metric="closed", params={"cluster": "field_mission"})
    snapshot = StatisticSnapshot.objects.get(pk=outcome.get()["id"])
    assert (snapshot.metric, snapshot.params["cluster"], snapshot.stale) == (
        "closed", "field_mission", False,
    )


# -- bounded snapshot storage: last_read_at, refresh of recent reads, nightly pruning -------------


def read_ago(metric, params, **delta):
    """Serve `metric` for `params`, then pretend it was last read `delta` ago."""
    statistics_get(metric=metric, params=params)
    key = StatisticSnapshot.key_for(metric, parse_params(metric, params).identity())
    StatisticSnapshot.objects.filter(key=key).update(
        last_read_at=timezone.now() - timedelta(**delta)
    )
    return key


def test_serving_a_snapshot_records_when_it_was_read(db, django_assert_num_queries):
    MissionFactory(start_date=date(2000, 1, 1))
    statistics_get(metric="active_missions", params=PARAMS)
    first = StatisticSnapshot.objects.get().last_read_at
    assert first is not None
    # Read again within the hour: nothing written.
    with django_assert_num_queries(1):
        statistics_get(metric="active_missions", params=PARAMS)
    assert StatisticSnapshot.objects.get().last_read_at == first
    # Read again after an hour: one UPDATE moves it.
    StatisticSnapshot.objects.update(last_read_at=first - timedelta(hours=2))
    with django_assert_num_queries(2):
        statistics_get(metric="active_missions", params=PARAMS)
    assert StatisticSnapshot.objects.get().last_read_at > first - timedelta(minutes=1)


def test_refresh_all_recomputes_defaults_and_recent_reads_only(db):
    MissionFactory(start_date=date(2000, 1, 1))
    recent = read_ago("active_missions", {"region": "global"}, days=6)
    old = read_ago("active_missions", {"split": "region"}, days=8)
    statistics_refresh_all()
    with_defaults = StatisticSnapshot.objects.count()
    before = dict(StatisticSnapshot.objects.values_list("key", "computed_at"))
    outcome = statistics_refresh_all(force=True)
    after = dict(StatisticSnapshot.objects.values_list("key", "computed_at"))
    recomputed = {key for key in after if after[key] != before[key]}
    assert recent in recomputed and old not in recomputed
    assert recomputed == set(after) - {old}
    assert outcome["snapshots"] == with_defaults - 1


def test_refresh_all_marks_an_unrefreshed_out_of_date_snapshot_stale(db):
    MissionFactory(start_date=date(2000, 1, 1))
    old = read_ago("active_missions", {"split": "region"}, days=8)
    # A change no signal saw (a raw import): only the fingerprint tells.
    Mission.objects.bulk_create([MissionFactory.build(acronym="RAW", start_date=date(2000, 1, 1))])
    statistics_refresh_all()
    assert StatisticSnapshot.objects.get(key=old).stale is True
    # Read again, it is recomputed (eager) and counted among the recent reads from now on.
    results = statistics_get(metric="active_missions", params={"split": "region", **PARAMS})
    assert sum(row["value"] for row in results.results if row["year"] == 2000) == 2


def test_nightly_refresh_deletes_snapshots_not_read_for_30_days_but_keeps_defaults(db):
    MissionFactory(start_date=date(2000, 1, 1))
    kept = read_ago("active_missions", {"region": "global"}, days=29)
    dropped = read_ago("active_missions", {"split": "region"}, days=31)
    default = read_ago("active_missions", {}, days=400)
    never_read = statistics_refresh(metric="closed", params={"split": "region"}).key
    StatisticSnapshot.objects.filter(key=never_read).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    statistics_refresh_all()  # the catch-up refresh deletes nothing
    assert StatisticSnapshot.objects.filter(key__in=[dropped, never_read]).count() == 2
    outcome = refresh_statistics_task.delay(force=True).get()  # what beat runs every night
    keys = set(StatisticSnapshot.objects.values_list("key", flat=True))
    assert {kept, default} <= keys
    assert not {dropped, never_read} & keys
    assert outcome["deleted"] == 2


def test_many_parameter_sets_read_once_stop_being_refreshed_then_go(db):
    MissionFactory(start_date=date(2000, 1, 1))
    statistics_refresh_all()
    defaults = StatisticSnapshot.objects.count()
    for year in range(1990, 2010):  # a scraper cycling parameters
        read_ago("active_missions", {"start": str(year), "region": "global",
                                     "reference": f"03-{year - 1980:02d}"}, days=10)
    assert statistics_refresh_all()["snapshots"] == defaults
    StatisticSnapshot.objects.exclude(last_read_at=None).update(
        last_read_at=timezone.now() - timedelta(days=31)
    )
    statistics_refresh_all(force=True, prune=True)
    assert StatisticSnapshot.objects.count() == defaults


def test_stored_results_read_back_exactly_as_they_were_computed():
    # Written by orjson (ResultsField), read by the database's JSON: floats keep every digit,
    # non-ASCII text and JSON null survive, on SQLite and PostgreSQL alike.
    results = [
        {"year": 2013, "value": 0.1 + 0.2, "n": 37, "area": "Côte d’Ivoire"},
        {"year": 2014, "value": None, "n": 0, "groups": {"envoy": 1 / 3}},
    ]
    snapshot = StatisticSnapshot.objects.create(
        metric="active_missions", params={}, key="x" * 64, results=results
    )
    assert StatisticSnapshot.objects.get(pk=snapshot.pk).results == results
    snapshot.results = [*results, {"year": 2015, "value": 2.5e-17, "n": 1}]
    snapshot.save(update_fields=["results"])
    assert StatisticSnapshot.objects.get(pk=snapshot.pk).results[-1]["value"] == 2.5e-17
