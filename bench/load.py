"""Load benchmark: a mixed read workload while an editor writes (a measurement, not a test).

    .venv/bin/python bench/load.py [--seconds 300] [--rate R | --start-rate 5 --step-seconds 30]
                                     [--holds 3] [--workers 2]

Serves the app with gunicorn (2 workers by default) on 127.0.0.1 against the PostgreSQL registry
of 20,000 synthetic missions that bench/api.py builds (BENCH_DATABASE_URL), with a Celery worker
refreshing statistics, and sends a mix of the pages and endpoints people use most, in equal
shares: the search page, a mission page, the API list, a filtered API list and a statistics
series. Meanwhile one editor changes a mission through the API every half second.

The load is an open loop: requests are sent at a fixed rate whether or not the server keeps
up, and latencies count from when each request was due. Without --rate, the rate rises by a
quarter per step (--step-seconds each) from --start-rate until a step has p99 over 300 ms or 1 %
of errors; the last rate that passed is then held for --seconds. A short step is a weak
forecast of a long run, so when the held run fails, the rate steps down a quarter and is held
again (at most --holds runs): the figures reported are of the highest rate that held for the
whole run, or of the last one tried. It prints throughput, latency percentiles and errors per
kind of request, and for the whole mix.
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
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api import DEFAULT_DB, PORT, SERVER_ENV, _percentile, _serve, prepare  # noqa: E402

BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")
MAX_P99 = 0.300  # seconds: the target for every read of the mix
MAX_ERROR_RATE = 0.01
EDIT_INTERVAL = 0.5  # seconds between two edits through the API


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
        self.failures = Counter()  # status code or exception name -> how many

    def _exchange(self, method: str, path: str, **kwargs) -> int:
        self.connection.request(method, path, **kwargs)
        response = self.connection.getresponse()
        response.read()
        return response.status

    def send(self, method: str, path: str, **kwargs) -> tuple[bool, float]:
        """Send one request; return whether it got a 200 and how long it took.

        As browsers and urllib3 do, a request on an idle connection that the server had
        closed (gunicorn drops keep-alive connections after a few seconds) is sent again once
        on a new connection; any other failure counts.
        """
        began = time.perf_counter()
        try:
            try:
                status = self._exchange(method, path, **kwargs)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.connection.close()
                status = self._exchange(method, path, **kwargs)
        except OSError as error:
            status = type(error).__name__
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        if status != 200:
            self.failures[status] += 1
        return status == 200, time.perf_counter() - began


class Step:
    """The outcome of sending the mix at one rate: latencies and errors by kind of request."""

    def __init__(self, rate: float, seconds: float, kinds):
        self.rate, self.seconds = rate, seconds
        self.latencies = {kind: [] for kind in kinds}
        self.errors = {kind: 0 for kind in kinds}
        self.writes = {"ok": 0, "failed": 0, "latencies": []}
        self.failures = Counter()  # what the failed reads got: status code or exception

    @property
    def everything(self) -> list[float]:
        return [took for latencies in self.latencies.values() for took in latencies]

    @property
    def error_rate(self) -> float:
        return sum(self.errors.values()) / max(1, len(self.everything))

    def p99(self) -> float:
        return _percentile(self.everything, 0.99)

    def passes(self) -> bool:
        return self.error_rate < MAX_ERROR_RATE and self.p99() < MAX_P99


def run(paths, token, edited, rate: float, seconds: float, senders: int = 64) -> Step:
    """Send the mix at `rate` requests per second for `seconds` (an open loop).

    Request i is due at i / rate seconds; a pool of `senders` keep-alive clients takes the
    requests in order. A latency counts from when the request was due, not from when a client
    was free to send it, so a server that falls behind shows it in the figures (no coordinated
    omission). Kinds of request come in equal shares, shuffled.
    """
    step = Step(rate, seconds, paths)
    kinds = list(paths)
    rng = random.Random(int(rate * 1000))
    total = int(rate * seconds)
    mix = [kinds[i % len(kinds)] for i in range(total)]
    rng.shuffle(mix)
    schedule = [(i / rate, kind) for i, kind in enumerate(mix)]
    order = iter(range(total))
    lock = threading.Lock()
    began = time.perf_counter()
    stop = began + seconds

    def sender(seed):
        local = random.Random(seed)
        client = Client()
        while True:
            with lock:
                index = next(order, None)
            if index is None:
                step.failures.update(client.failures)
                return
            due, kind = schedule[index]
            wait = began + due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            ok, _took = client.send("GET", local.choice(paths[kind]))
            late = time.perf_counter() - (began + due)
            with lock:
                step.latencies[kind].append(late)
                step.errors[kind] += not ok

    def editor():
        client = Client()
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        n = 0
        while time.perf_counter() < stop:
            n += 1
            body = json.dumps({"notes": f"Edited by the load benchmark ({n})."})
            ok, took = client.send(
                "PATCH", f"/api/v1/missions/{edited}/", body=body, headers=headers
            )
            step.writes["latencies"].append(took)
            step.writes["ok" if ok else "failed"] += 1
            time.sleep(EDIT_INTERVAL)

    threads = [threading.Thread(target=sender, args=(i,)) for i in range(senders)]
    threads.append(threading.Thread(target=editor))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return step


def attempt(paths, token, edited, rate: float, seconds: float) -> Step:
    """Send the mix at `rate` for `seconds` and print whether it met the targets."""
    step = run(paths, token, edited, rate, seconds)
    verdict = "passes" if step.passes() else "fails"
    print(
        f"  {rate:6.1f} req/s for {seconds:g} s: p99 {step.p99() * 1000:7.1f} ms, "
        f"errors {100 * step.error_rate:.2f} % {dict(step.failures) or ''} -> {verdict}",
        flush=True,
    )
    return step


def find_rate(paths, token, edited, start: float, seconds: float) -> float:
    """Raise the rate by a quarter per step until a step fails; return the last that passed."""
    rate, best = start, 0.0
    while attempt(paths, token, edited, rate, seconds).passes():
        best, rate = rate, round(rate * 1.25, 1)
    return best


def hold(paths, token, edited, rate: float, seconds: float, holds: int) -> Step:
    """Hold `rate` for `seconds`; while that fails, step down a quarter and hold again."""
    print(f"holding for {seconds:g} s:", flush=True)
    for _ in range(holds):
        step = attempt(paths, token, edited, rate, seconds)
        if step.passes():
            break
        rate = round(rate / 1.25, 1)
    return step


def report(step: Step, workers: int) -> None:
    print(
        f"\nmixed load: gunicorn {workers} workers x 2 threads, {step.rate:g} req/s offered "
        f"for {step.seconds:g} s, one editor writing every {EDIT_INTERVAL:g} s, "
        f"{os.cpu_count()} CPUs"
    )
    print(
        f"{'kind':<14}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
        f"{'errors':>8}"
    )
    rows = [*step.latencies.items(), ("all reads", step.everything)]
    for kind, latencies in rows:
        errors = sum(step.errors.values()) if kind == "all reads" else step.errors[kind]
        p50, p95, p99 = (_percentile(latencies, q) * 1000 for q in (0.5, 0.95, 0.99))
        print(
            f"{kind:<14}{len(latencies):>9}{len(latencies) / step.seconds:>8.1f}{p50:>8.1f}"
            f"{p95:>8.1f}{p99:>8.1f}{errors:>8}"
        )
    writes = step.writes
    if step.failures:
        print(f"failed reads got: {dict(step.failures)}")
    print(
        f"error rate {100 * step.error_rate:.2f} % (target < {100 * MAX_ERROR_RATE:g} %), "
        f"p99 {step.p99() * 1000:.1f} ms (target < {MAX_P99 * 1000:g} ms): "
        f"{'met' if step.passes() else 'not met'}; editor writes: {writes['ok']} ok, "
        f"{writes['failed']} failed, p99 {_percentile(writes['latencies'], 0.99) * 1000:.1f} ms"
    )


def ready_for_search() -> None:
    """Compute what the search reads (bulk-loaded rows have no search document and no area
    holdings) and refresh the planner's statistics, as `search_index_rebuild` and autovacuum
    would after a bulk load."""
    from django.db import connection

    from mandates.models import AreaHolding
    from missions.models import Mission
    from missions.search import search_index_refresh

    if (
        Mission.objects.filter(search_document__isnull=True).exists()
        or not AreaHolding.objects.exists()
    ):
        print("computing search documents and area holdings ...", flush=True)
        search_index_refresh(mission_ids=None)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300, help="length of the measured run")
    parser.add_argument("--rate", type=float, help="requests per second (default: find it)")
    parser.add_argument("--start-rate", type=float, default=5.0, help="first rate tried")
    parser.add_argument("--step-seconds", type=float, default=30.0, help="length of each try")
    parser.add_argument("--holds", type=int, default=3, help="most runs of --seconds")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    # As in production: edits enqueue the statistics refresh on Redis, one worker runs it, and
    # reads serve the stored (possibly stale) snapshots; pages use collected static files.
    os.environ["CELERY_BROKER_URL"] = BROKER
    prepare(url)
    ready_for_search()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    paths, token, edited = workload()
    worker = subprocess.Popen(
        [str(ROOT / "bin" / "entrypoint"), "worker", "--concurrency", "1"],
        cwd=ROOT,
        env={
            **os.environ,
            **SERVER_ENV,
            "DATABASE_URL": url,
            "CELERY_BROKER_URL": BROKER,
            "PYTHON": sys.executable,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = _serve(url, args.workers)
    try:
        run(paths, token, edited, args.start_rate, 5)  # warm-up, not counted
        rate = args.rate
        if rate is None:
            print(
                f"finding the highest rate with p99 < {MAX_P99 * 1000:g} ms and errors < "
                f"{100 * MAX_ERROR_RATE:g} % ({args.step_seconds:g} s a step):",
                flush=True,
            )
            rate = find_rate(paths, token, edited, args.start_rate, args.step_seconds)
            if not rate:
                raise SystemExit(f"even {args.start_rate:g} req/s fails: try a lower --start-rate")
        step = hold(paths, token, edited, rate, args.seconds, 1 if args.rate else args.holds)
    finally:
        server.terminate()
        worker.terminate()
        server.wait(timeout=30)
        worker.wait(timeout=30)
    report(step, args.workers)


if __name__ == "__main__":
    main()
