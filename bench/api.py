"""Benchmark of the REST API against a bare Django view (a measurement, not a test).

    .venv/bin/python bench/api.py [--seconds 15] [--concurrency 8] [--workers 4]
                                  [--worker-class sync] [--threads 1] [--rounds 5]

Loads a synthetic registry of 20,000 missions into the PostgreSQL database BENCH_DATABASE_URL
(default postgres://postgres@127.0.0.1:5432/spm_api_bench, created if missing and reused by later
runs), serves the app with gunicorn on 127.0.0.1, and measures, at the given concurrency:

- bare:     a plain Django view returning the first 100 missions as JSON from `.values()`
- list:     /api/v1/missions/?limit=100 (the same 100 rows)
- filtered: /api/v1/missions/?cluster=field_mission&active_on=2010-07-01&mandate_area=human-rights
- detail:   /api/v1/missions/<id>/ of a field mission with several mandates

It prints requests per second and latency percentiles, the throughput ratio API/bare, and the
CPU time the server spent per request (gunicorn's processes and their PostgreSQL backends): the
figure that stays put when something else shares the machine.
Every request goes through the same middleware; throttling stays on with a rate too high to bite.
"""

import argparse
import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/spm_api_bench"
MISSIONS = 20_000
PORT = 8765
BARE_PATH = "/bench/bare-missions/"
SERVER_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "API_ANON_RATE": "100000000/minute",
    # DRF's user throttle counts anonymous clients too (by address), at this rate.
    "API_USER_RATE": "100000000/minute",
    "LOG_LEVEL": "WARNING",
    "AXES_ENABLED": "0",
}


# -- what gunicorn serves: the project's URLs plus the bare view -------------------------------


def bare_missions(request):
    """Return the first 100 missions (the API's first page) as JSON straight from `.values()`."""
    from django.http import JsonResponse

    from missions.api.serializers import STAMP_COLUMNS, MissionRows
    from missions.models import Mission

    # The same columns the API's mission list reads, without the API around them.
    columns = (*MissionRows.columns, *STAMP_COLUMNS)
    rows = Mission.objects.order_by("acronym", "pk").values(*columns)[:100]
    return JsonResponse({"results": list(rows)})


def _urlpatterns():
    from django.urls import include, path

    return [path(BARE_PATH.strip("/") + "/", bare_missions), path("", include("config.urls"))]


if os.environ.get("SPM_BENCH_SERVE") == "1":
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = "bench.api"
    urlpatterns = _urlpatterns()

    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()


# -- the synthetic registry ---------------------------------------------------------------------


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def _random_period(rng: random.Random) -> dict:
    from missions.dates import widen

    precision = rng.choices(["day", "month", "year"], weights=[8, 1, 1])[0]
    start = date(rng.randint(1990, 2024), rng.randint(1, 12), rng.randint(1, 28))
    period = {"start_date": widen(start, precision, "start"), "start_precision": precision}
    if rng.random() < 0.45:
        end = start + timedelta(days=rng.randint(180, 15 * 365))
        end_precision = rng.choices(["day", "month", "year"], weights=[8, 1, 1])[0]
        period |= {"end_date": widen(end, end_precision, "end"), "end_precision": end_precision}
    return period


def populate(rng: random.Random) -> None:
    """Replace the registry by 20,000 synthetic missions with countries and mandates."""
    from django.db import transaction

    from mandates.models import Mandate, MandateArea
    from missions.choices import KINDS_BY_CLUSTER
    from missions.models import Cluster, Country, Mission, Region
    from missions.search import area_periods_refresh

    clusters = list(Cluster.objects.all())
    regions = list(Region.objects.all())
    countries = list(Country.objects.all())
    with transaction.atomic():
        Mission.objects.all().delete()
        areas = [MandateArea.objects.get_or_create(slug="human-rights", name="Human rights")[0]]
        areas += [
            MandateArea.objects.get_or_create(slug=f"bench-area-{n}", name=f"Bench area {n}")[0]
            for n in range(20)
        ]
        missions = []
        for n in range(MISSIONS):
            cluster = rng.choice(clusters)
            kind = rng.choice(sorted(KINDS_BY_CLUSTER[cluster.slug]))
            missions.append(
                Mission(
                    acronym=f"SYN{n:05d}",
                    name=f"Synthetic mission {n:05d}",
                    cluster=cluster,
                    kind=kind,
                    category="peacekeeping_operation"
                    if cluster.slug == "other_presence"
                    else "special_political_mission",
                    mandating_body=rng.choice(["security_council", "general_assembly"]),
                    region=rng.choice(regions),
                    notes="Synthetic benchmark row.",
                    **_random_period(rng),
                )
            )
        Mission.objects.bulk_create(missions, batch_size=2000)
        missions = list(Mission.objects.all())
        hosts = Mission.host_countries.through
        hosts.objects.bulk_create(
            [
                hosts(mission_id=mission.pk, country_id=country.pk)
                for mission in missions
                for country in rng.sample(countries, rng.randint(1, 3))
            ],
            batch_size=5000,
        )
        mandates = []
        for mission in missions:
            if mission.cluster.slug != "field_mission" or not mission.start_date:
                continue
            start, last = mission.start_date, mission.end_date or date(2025, 12, 31)
            while start <= last and len(mandates) < 60_000:
                end = min(start + timedelta(days=rng.randint(300, 800)), last)
                mandates.append(Mandate(mission=mission, start_date=start, end_date=end))
                start = end + timedelta(days=1)
        Mandate.objects.bulk_create(mandates, batch_size=5000)
        links = Mandate.mandate_areas.through
        links.objects.bulk_create(
            [
                links(mandate_id=mandate.pk, mandatearea_id=area.pk)
                for mandate in Mandate.objects.only("pk")
                for area in rng.sample(areas, rng.randint(1, 6))
            ],
            batch_size=5000,
        )
        # Bulk writes send no signal: derive what the mandate-area filter reads, as
        # `manage.py search_index_rebuild` does after them.
        area_periods_refresh(mandate_ids=None)


def prepare(url: str) -> str:
    """Create, migrate and fill the benchmark database if needed; return a detail path."""
    os.environ.update(SERVER_ENV, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings")
    ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count

    from missions.models import Mission

    call_command("migrate", verbosity=0)
    if Mission.objects.count() != MISSIONS:
        print(f"loading {MISSIONS} synthetic missions ...", flush=True)
        populate(random.Random(20130701))
    mission = (
        Mission.objects.in_cluster("field_mission")
        .annotate(n=Count("mandates"))
        .filter(n__gte=4)
        .order_by("pk")
        .first()
    )
    from django.db import connection

    with connection.cursor() as cursor:
        # As autovacuum keeps a live database (this machine's server runs without it): fresh
        # statistics, and a visibility map, without which no index-only scan skips the table.
        cursor.execute("VACUUM ANALYZE")
    return f"/api/v1/missions/{mission.pk}/"


# -- load ---------------------------------------------------------------------------------------


def _hammer(path: str, seconds: float, concurrency: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        mine = []
        while time.perf_counter() < stop:
            began = time.perf_counter()
            connection.request("GET", path, headers={"Accept": "application/json"})
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - began)
            if response.status != 200:
                with lock:
                    errors[0] += 1
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0]


def _cpu_seconds(pids: set[int]) -> float:
    """Return the CPU time (user and system) the processes `pids` have used so far."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone, or no /proc: its time is not counted
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _server_pids(server: subprocess.Popen, url: str) -> set[int]:
    """Return gunicorn's processes and the PostgreSQL backends serving the benchmark database."""
    import psycopg

    pids = {server.pid}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == server.pid:
                pids.add(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        ).fetchall()
    return pids | {pid for (pid,) in rows}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _serve(
    url: str, workers: int, threads: int = 2, worker_class: str = "gthread"
) -> subprocess.Popen:
    """Start gunicorn serving the app and the bare view (bench/load.py's threaded defaults)."""
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": url, "SPM_BENCH_SERVE": "1"}
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "bench.api:application",
        "--chdir",
        str(ROOT),
        "--bind",
        f"127.0.0.1:{PORT}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", BARE_PATH)
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    # gunicorn's default, as production runs it (bin/entrypoint). Threaded workers keep each
    # client's connection for good, so one worker may hold three clients and another one, and
    # the tail latency measures that imbalance rather than the application.
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5, help="turns per target, in rotation")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    detail = prepare(url)
    targets = {
        "bare": BARE_PATH,
        "list": "/api/v1/missions/?limit=100",
        "filtered": "/api/v1/missions/?cluster=field_mission&active_on=2010-07-01"
        "&mandate_area=human-rights",
        "detail": detail,
    }
    server = _serve(url, args.workers, args.threads, args.worker_class)
    results = {}
    try:
        for path in targets.values():
            _hammer(path, 2, args.concurrency)  # warm every worker's caches and connections
        # Short turns, in rotation: a change in what else runs on the machine hits every
        # target alike instead of whichever one was running at the time.
        runs = {name: ([], 0, 0.0) for name in targets}
        for _ in range(args.rounds):
            for name, path in targets.items():
                pids = _server_pids(server, url)
                cpu = _cpu_seconds(pids)
                latencies, errors = _hammer(path, args.seconds / args.rounds, args.concurrency)
                cpu = _cpu_seconds(pids | _server_pids(server, url)) - cpu
                done, failed, spent = runs[name]
                runs[name] = (done + latencies, failed + errors, spent + cpu)
        for name, (latencies, errors, cpu) in runs.items():
            results[name] = (len(latencies) / args.seconds, latencies, errors, cpu / len(latencies))
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(
        f"\n{MISSIONS} missions, PostgreSQL, gunicorn {args.workers} {args.worker_class} workers x "
        f"{args.threads} threads, concurrency {args.concurrency}, {args.seconds:g} s per target, "
        f"{os.cpu_count()} CPUs"
    )
    print(
        f"{'target':<10}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"
        f"{'cpu ms':>9}  path"
    )
    for name, (rate, latencies, errors, cpu) in results.items():
        p50, p95, p99 = (_percentile(latencies, q) * 1000 for q in (0.50, 0.95, 0.99))
        print(
            f"{name:<10}{rate:>9.1f}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}{errors:>8}{cpu * 1000:>9.1f}"
            f"  {targets[name]}"
        )
    bare, bare_cpu = results["bare"][0], results["bare"][3]
    for name in ("list", "filtered", "detail"):
        print(
            f"ratio {name}/bare: {results[name][0] / bare:.2f} "
            f"(server CPU per request: {bare_cpu / results[name][3]:.2f})"
        )
    print(f"mean list latency {statistics.mean(results['list'][1]) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
