"""Failure test: a worker killed in the middle of a statistics refresh.

A real worker (bin/entrypoint worker, prefork) runs on Redis and PostgreSQL. The test holds a
row lock on one snapshot the refresh needs, so the worker is blocked inside the task, part of
its work already committed; pg_stat_activity shows it waiting on the test's connection. Then
the worker is SIGKILLed, the lock released, and the task must come back (acks late; the whole
worker killed: through the visibility timeout; only its pool process: rejected and requeued at
once) and leave every snapshot equal to a fresh synchronous computation, with no duplicates.
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest
from celery import Celery
from django.db import connection, transaction
from django.utils import timezone

from reports.aggregations import data_fingerprint
from reports.metrics import compute, parse_params
from reports.models import RefreshSchedule, StatisticSnapshot
from reports.services import _default_series, statistics_refresh_all
from tests.conftest import redis_url
from tests.factories import MissionFactory

ROOT = Path(__file__).resolve().parents[2]
# Seconds a delivered, unacknowledged message waits before Redis gives it to another worker.
VISIBILITY_TIMEOUT = 2


def _die_with_parent() -> None:
    """Have the kernel kill the worker if the test process dies (a timeout, ^C)."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def wait_for(condition, timeout: float, what: str, log: Path | None = None):
    """Poll `condition` until it returns something true; fail naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            detail = log.read_text()[-3000:] if log and log.exists() else ""
            pytest.fail(f"timed out after {timeout} s waiting for {what}\n{detail}")
        time.sleep(0.1)


def broker_url() -> str:
    """The test Redis, on a database of its own: other Celery tests flush theirs."""
    parts = urlparse(redis_url())
    return f"redis://{parts.hostname}:{parts.port or 6379}/14"


class Worker:
    """A `bin/entrypoint worker` process consuming one queue, in a process group of its own."""

    def __init__(self, queue: str, log: Path):
        settings = connection.settings_dict
        env = {
            **os.environ,
            "PYTHON": sys.executable,
            "DATABASE_URL": f"postgres://{settings['USER'] or 'postgres'}"
            f"{':' + settings['PASSWORD'] if settings['PASSWORD'] else ''}"
            f"@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}",
            "CELERY_BROKER_URL": broker_url(),
            "CELERY_BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "SECRET_KEY": "worker-test-" + "w" * 50,
            "ALLOWED_HOSTS": "127.0.0.1",
            "WORKER_CONCURRENCY": "1",
            "DB_CONN_MAX_AGE": "0",
        }
        self.log = log
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                [
                    str(ROOT / "bin" / "entrypoint"),
                    "worker",
                    "--pool",
                    "prefork",
                    "--queues",
                    queue,
                    "--without-mingle",
                    "--without-gossip",
                    "--without-heartbeat",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )

    def pool_processes(self) -> list[int]:
        """Return the pids of the prefork pool's child processes."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except FileNotFoundError:
            return []

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool) and reap it."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def queue(tmp_path):
    """A queue of this test's own on the test Redis; its keys are deleted afterwards."""
    import redis

    name = f"spm-test-worker-killed-{uuid.uuid4().hex[:12]}"
    client = redis.Redis.from_url(broker_url())
    workers: list[Worker] = []

    def start_worker() -> Worker:
        worker = Worker(name, tmp_path / "worker.log")
        workers.append(worker)
        return worker

    yield name, client, start_worker
    for worker in workers:
        worker.stop()
    client.delete(name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")
    for tag, raw in client.hgetall("unacked").items():
        if json.loads(raw)[2] == name:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


def enqueue_refresh(queue: str) -> None:
    """Send the refresh of every kept series to `queue` (a connection of its own, no pools)."""
    publisher = Celery("spm-test-publisher", broker=broker_url(), set_as_current=False)
    with publisher.connection_for_write() as conn:
        publisher.send_task("reports.refresh_statistics", queue=queue, connection=conn)


def unacked(client, queue: str) -> dict[str, float]:
    """Return {delivery tag: delivered at} of this queue's messages delivered and not acked."""
    tags = [tag for tag, raw in client.hgetall("unacked").items() if json.loads(raw)[2] == queue]
    return {tag.decode(): client.zscore("unacked_index", tag) for tag in tags}


def waiting_for_row(behind: list[int] = ()) -> list[int]:
    """Return the backends waiting to lock a snapshot row that this connection holds.

    A second waiter for the same row queues behind the first (it waits for the first's tuple
    lock): pass the backends it may wait behind as `behind`.
    """
    with connection.cursor() as cursor:
        # Within a transaction the activity view is a snapshot taken once: take a new one.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE %s"
            " AND pg_blocking_pids(pid) && (%s::int[] || pg_backend_pid())",
            ['SELECT %"reports_statisticsnapshot"%FOR UPDATE', list(behind)],
        )
        return [row[0] for row in cursor.fetchall()]


def backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def test_the_visibility_timeout_outlasts_every_countdown(settings):
    """A message waiting for its countdown is unacknowledged too: a shorter visibility timeout
    would hand it to a second worker while the first still holds it."""
    from reports.tasks import refresh_statistics_task

    longest = refresh_statistics_task.retry_backoff_max + settings.STATISTICS_REFRESH_DEBOUNCE
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > longest
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST


# PostgreSQL: the worker is another process and reads only committed rows.
@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("killed", ["worker", "pool process"])
def test_a_refresh_killed_midway_is_redelivered_and_leaves_right_statistics(queue, killed):
    name, client, start_worker = queue
    for year in (1995, 2003, 2011):
        MissionFactory(start_date=date(year, 1, 1))
    MissionFactory(start_date=date(2001, 1, 1), end_date=date(2009, 6, 30))
    statistics_refresh_all()  # every default series stored and current
    RefreshSchedule.objects.get_or_create(pk=1)  # a transactional test's flush removed it
    MissionFactory(start_date=date(2005, 1, 1))  # ... and now out of date
    keys = list(_default_series())
    held = keys[len(keys) // 2]  # the refresh goes through the series in this order
    before = timezone.now()

    with transaction.atomic():
        StatisticSnapshot.objects.select_for_update().get(key=held)
        enqueue_refresh(name)
        worker = start_worker()
        blocked = wait_for(waiting_for_row, 60, "the worker to wait for the held row", worker.log)
        # Mid-refresh: the series before the held one are recomputed and committed ...
        redone = StatisticSnapshot.objects.filter(computed_at__gt=before).count()
        assert 0 < redone < len(keys)
        # ... and the message is still unacknowledged (acks late), so it can come back.
        delivered = unacked(client, name)
        assert len(delivered) == 1, "the task's message was acknowledged before it finished"
        if killed == "worker":
            worker.kill()
        else:
            # The pool process dies (the OOM killer's choice); the worker itself lives on.
            (child,) = worker.pool_processes()
            os.kill(child, signal.SIGKILL)
            # Rejected and requeued at once (task_reject_on_worker_lost): another pool
            # process takes it and waits on the same row.
            wait_for(
                lambda: set(waiting_for_row(blocked)) - set(blocked),
                30,
                "the requeued task to wait for the held row",
                worker.log,
            )
    # The lock is released: a dead worker's backend gets the row, cannot answer, and is gone.
    for pid in blocked:
        wait_for(lambda pid=pid: not backend_alive(pid), 30, f"backend {pid} to end")

    if killed == "worker":
        # Nothing acknowledges the message now; once the visibility timeout has passed since
        # its delivery, a new worker restores it to the queue and runs it.
        (delivered_at,) = delivered.values()
        wait_for(
            lambda: time.time() > delivered_at + VISIBILITY_TIMEOUT + 0.5,
            30,
            "the visibility timeout",
        )
        worker = start_worker()

    def finished():
        schedule = RefreshSchedule.objects.get(pk=1)
        return schedule.last_finished_at and schedule.last_finished_at > before

    wait_for(finished, 60, "the redelivered refresh to finish", worker.log)
    wait_for(
        lambda: not unacked(client, name) and not client.llen(name),
        15,
        "the message to be acknowledged",
        worker.log,
    )

    snapshots = list(StatisticSnapshot.objects.all())
    identities = Counter((s.metric, json.dumps(s.params, sort_keys=True)) for s in snapshots)
    assert [identity for identity, n in identities.items() if n > 1] == []
    assert sorted(s.key for s in snapshots) == sorted(keys)
    fingerprint = data_fingerprint()
    for snapshot in snapshots:
        expected = compute(snapshot.metric, parse_params(snapshot.metric, snapshot.params))
        assert (snapshot.results, snapshot.first_year) == expected, snapshot
        assert (snapshot.fingerprint, snapshot.stale) == (fingerprint, False), snapshot
        assert snapshot.computed_at > before
