"""A real Celery worker on the Redis broker refreshes the statistics after an edit."""

import time
from datetime import date

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from reports.models import RefreshSchedule
from reports.services import statistics_get
from tests.conftest import redis_url
from tests.factories import MissionFactory
from tests.reports.conftest import broker

# PostgreSQL: the worker thread and the test write and read the database concurrently, which
# SQLite's shared in-memory test database answers with "table is locked".
pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def redis_worker():
    import redis

    redis.Redis.from_url(redis_url()).flushdb()
    with broker(redis_url(), result_backend=None) as app:
        app.loader.import_default_modules()
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False,
                          shutdown_timeout=10.0):
            yield app


@override_settings(STATISTICS_REFRESH_DEBOUNCE=0)
def test_an_edit_is_refreshed_by_the_worker(redis_worker):
    MissionFactory(acronym="FIRST", start_date=date(2000, 1, 1))
    params = {"start": "2010", "end": "2010"}
    before = statistics_get(metric="active_missions", params=params)
    assert before.results[0]["value"] == 1
    # (The worker may already be refreshing after the first mission's commit, storing the
    # default series beside this one.)
    edited_at = timezone.now()
    with transaction.atomic():  # committed for real: the worker reads it
        MissionFactory(acronym="SECOND", start_date=date(2005, 1, 1))

    def settled():
        # No refresh pending, and one that started after the edit has finished.
        schedule = RefreshSchedule.objects.get()
        started, finished = schedule.last_started_at, schedule.last_finished_at
        return (
            schedule.pending_since is None
            and started is not None
            and started > edited_at
            and finished is not None
            and finished > started
        )

    assert wait_for(settled, timeout=60), vars(RefreshSchedule.objects.get())
    after = statistics_get(metric="active_missions", params=params)
    assert (after.results[0]["value"], after.stale) == (2, False)
    assert after.computed_at > before.computed_at
