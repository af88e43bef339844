"""How the app talks to PostgreSQL: the API's repeated reads become prepared statements."""

import pytest
from django.db import connection

from missions.models import Country
from tests.factories import MissionFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _prepared() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        return cursor.fetchone()[0]


@pytest.mark.parametrize(("threshold", "prepared"), [(5, True), (0, False)])
def test_the_api_s_repeated_reads_are_prepared_unless_turned_off(
    api_client, settings, threshold, prepared
):
    settings.DB_PREPARE_THRESHOLD = threshold
    mission = MissionFactory()
    before = _prepared()
    for _ in range(6):
        assert api_client.get(f"/api/v1/missions/{mission.pk}/").status_code == 200
        assert api_client.get("/api/v1/missions/?cluster=field_mission").status_code == 200
    assert (_prepared() > before) is prepared


def test_a_query_with_more_parameters_than_a_prepared_statement_holds_still_runs(api_client):
    # Server-side binding holds at most 65,535 parameters: it is kept to the API's reads.
    mission = MissionFactory()
    for _ in range(6):
        assert api_client.get(f"/api/v1/missions/{mission.pk}/").status_code == 200
    assert Country.objects.filter(pk__in=range(1, 70_001)).count() == Country.objects.count()
    assert api_client.get(f"/api/v1/missions/{mission.pk}/").status_code == 200
