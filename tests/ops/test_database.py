"""How the app talks to PostgreSQL: repeated queries become prepared statements."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# Six runs of one query on one connection, then the statements PostgreSQL holds prepared.
COUNT_PREPARED = """
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
for _ in range(6):
    list(MigrationRecorder.Migration.objects.filter(app="missions"))
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM pg_prepared_statements")
    print(cursor.fetchone()[0])
"""


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(("threshold", "prepared"), [(None, True), ("5", True), ("0", False)])
def test_a_query_run_again_and_again_is_prepared_unless_turned_off(threshold, prepared):
    env = {k: v for k, v in os.environ.items() if k != "DB_PREPARE_THRESHOLD"}
    if threshold is not None:
        env["DB_PREPARE_THRESHOLD"] = threshold
    database = connection.settings_dict  # the test database, migrated
    env["DATABASE_URL"] = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", COUNT_PREPARED],
        cwd=ROOT,
        env={**env, "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (int(result.stdout.split()[-1]) > 0) is prepared
