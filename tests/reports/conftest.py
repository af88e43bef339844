"""Fixtures of the statistics tests: a Celery app pointed at a real (or dead) broker."""

import contextlib

import pytest

from config.celery import app as celery_app


@contextlib.contextmanager
def broker(url: str, **conf):
    """Point the project's Celery app at `url` (not eager) for the duration of the block."""
    keys = ["broker_url", "task_always_eager", *conf]
    saved = {key: celery_app.conf.get(key) for key in keys}

    def reset_pools():
        # The app caches its connection and producer pools; drop them so the new URL is used.
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    reset_pools()
    celery_app.conf.update(broker_url=url, task_always_eager=False, **conf)
    try:
        yield celery_app
    finally:
        reset_pools()
        celery_app.conf.update(saved)


@pytest.fixture
def dead_broker():
    """A broker URL nothing listens on: publishing fails at once."""
    with broker("redis://127.0.0.1:1/0") as app:
        yield app


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Return a context manager whose block's on_commit callbacks run as if it committed.

    The test's own transaction never commits, so callbacks of the setup are still queued; a
    real commit of the setup would have run and cleared them, which is what this does first.
    """
    from django.db import connection

    @contextlib.contextmanager
    def block():
        connection.run_on_commit.clear()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks

    return block
