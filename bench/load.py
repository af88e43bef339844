"""Load benchmark: a mixed read workload while an editor writes (a measurement, not a test).

    .venv/bin/python bench/load.py [--seconds 300] [--concurrency 8] [--workers 2]

Serves the app with gunicorn (2 workers by default) on 127.0.0.1 against the PostgreSQL registry
of 20,000 synthetic missions that bench/api.py builds (BENCH_DATABASE_URL), and for --seconds
sends, from --concurrency client threads, a mix of the pages and endpoints people use most:
the search page, a mission page, the API list, a filtered API list and a statistics series.
Meanwhile one editor changes a mission through the API every half second. It prints throughput,
latency percentiles and errors per kind of request, and for the whole mix.
"""

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api import DEFAULT_DB, PORT, SERVER_ENV, _percentile, _serve, prepare  # noqa: E402

BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")


def workload() -> tuple[dict[str, list[str]], str, int]:
    """Return the read paths by kind, an editor's token and the id of the mission it edits."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from missions.models import Mission

    acronyms = list(Mission.objects.order_by("?").values_list("acronym", flat=True)[:200])
    editor, _ = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_superuser": True, "is_staff": True}
    )
    token, _ = Token.objects.get_or_create(user=editor)
    edited = Mission.objects.order_by("pk").values_list("pk", flat=True).first()
    words = ["office", "mission", "support", "united", "peace", "assistance"]
    paths = {
        "search page": [f"/search/?q={w}" for w in words],
        "mission page": [f"/missions/{a}/" for a in acronyms],
        "api list": [f"/api/v1/missions/?limit=100&offset={o}" for o in range(0, 2000, 100)],
        "api filtered": [
            f"/api/v1/missions/?cluster=field_mission&active_on={y}-07-01&mandate_area=human-rights"
            for y in range(1995, 2025, 5)
        ],
        "stats": [
            "/api/v1/stats/active_missions/?cluster=field_mission&start=1990&end=2025",
            "/api/v1/stats/mean_mandate_areas/?cluster=field_mission&start=1990&end=2025",
        ],
    }
    return paths, token.key, edited


class Client:
    """One keep-alive connection to the server under test, reopened after a failure."""

    def __init__(self):
        self.connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)

    def send(self, method: str, path: str, **kwargs) -> tuple[bool, float]:
        """Send one request; return whether it got a 200 and how long it took."""
        began = time.perf_counter()
        try:
            self.connection.request(method, path, **kwargs)
            response = self.connection.getresponse()
            response.read()
            ok = response.status == 200
        except OSError:
            ok = False
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        return ok, time.perf_counter() - began


def run(paths, token, edited, seconds, concurrency):
    results = {kind: [] for kind in paths}
    errors = {kind: 0 for kind in paths}
    writes = {"ok": 0, "failed": 0, "latencies": []}
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    kinds = list(paths)

    def reader(seed):
        rng = random.Random(seed)
        client = Client()
        mine = {kind: [] for kind in paths}
        failed = {kind: 0 for kind in paths}
        while time.perf_counter() < stop:
            kind = rng.choice(kinds)
            ok, took = client.send("GET", rng.choice(paths[kind]))
            mine[kind].append(took)
            failed[kind] += not ok
        with lock:
            for kind in paths:
                results[kind].extend(mine[kind])
                errors[kind] += failed[kind]

    def editor():
        client = Client()
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        n = 0
        while time.perf_counter() < stop:
            n += 1
            body = json.dumps({"notes": f"Edited by the load benchmark ({n})."})
            ok, took = client.send("PATCH", f"/api/v1/missions/{edited}/", body=body,
                                   headers=headers)
            writes["latencies"].append(took)
            writes["ok" if ok else "failed"] += 1
            time.sleep(0.5)

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(concurrency)]
    threads.append(threading.Thread(target=editor))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors, writes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    # As in production: edits enqueue the statistics refresh on Redis, one worker runs it, and
    # reads serve the stored (possibly stale) snapshots; pages use collected static files.
    os.environ["CELERY_BROKER_URL"] = BROKER
    prepare(url)
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    paths, token, edited = workload()
    worker = subprocess.Popen(
        [str(ROOT / "bin" / "entrypoint"), "worker", "--concurrency", "1"], cwd=ROOT,
        env={**os.environ, **SERVER_ENV, "DATABASE_URL": url, "CELERY_BROKER_URL": BROKER,
             "PYTHON": sys.executable},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    server = _serve(url, args.workers)
    try:
        run(paths, token, edited, 5, args.concurrency)  # warm-up, not counted
        results, errors, writes = run(paths, token, edited, args.seconds, args.concurrency)
    finally:
        server.terminate()
        worker.terminate()
        server.wait(timeout=30)
        worker.wait(timeout=30)

    print(f"\nmixed load: gunicorn {args.workers} workers x 2 threads, {args.concurrency} "
          f"clients, {args.seconds:g} s, one editor writing every 0.5 s, {os.cpu_count()} CPUs")
    print(f"{'kind':<14}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
          f"{'errors':>8}")
    everything = []
    for kind, latencies in results.items():
        everything.extend(latencies)
        p50, p95, p99 = (_percentile(latencies, q) * 1000 for q in (0.5, 0.95, 0.99))
        print(f"{kind:<14}{len(latencies):>9}{len(latencies) / args.seconds:>8.1f}{p50:>8.1f}"
              f"{p95:>8.1f}{p99:>8.1f}{errors[kind]:>8}")
    total_errors = sum(errors.values())
    p50, p95, p99 = (_percentile(everything, q) * 1000 for q in (0.5, 0.95, 0.99))
    print(f"{'all reads':<14}{len(everything):>9}{len(everything) / args.seconds:>8.1f}{p50:>8.1f}"
          f"{p95:>8.1f}{p99:>8.1f}{total_errors:>8}")
    print(f"error rate {100 * total_errors / max(1, len(everything)):.2f} %; "
          f"editor writes: {writes['ok']} ok, {writes['failed']} failed, "
          f"p99 {_percentile(writes['latencies'], 0.99) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
