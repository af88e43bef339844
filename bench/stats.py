"""Benchmark the statistics refresh against a straightforward per-mission Python computation.

    createdb -h 127.0.0.1 -U postgres spm_stats_bench   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/spm_stats_bench .venv/bin/python bench/stats.py

Builds a synthetic registry (20,000 missions over 1946-2025, 200,000 mandate-area assignments,
heads of mission), times a full refresh of every default statistics series (the SQL in
reports/aggregations.py), then computes the very same series with a plain Python loop over the
missions, checks that both give identical results, and prints both times and their ratio.
Targets (issue 4): refresh under 5 s, at least 20x faster than the loop. Figures are printed,
never asserted. The database is emptied first, so its name must end in "_bench".
"""

import argparse
import os
import random
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 60)
os.environ.setdefault("ALLOWED_HOSTS", "localhost")

import django  # noqa: E402

from bench.api import ensure_database  # noqa: E402

if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    ensure_database(os.environ["DATABASE_URL"])  # created if missing, as bench/api.py does
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from mandates.models import Mandate, MandateArea  # noqa: E402
from missions.models import Appointment, Cluster, Mission, Person, Region  # noqa: E402
from reports.metrics import compute, parse_params  # noqa: E402
from reports.models import StatisticSnapshot  # noqa: E402
from reports.services import DEFAULT_SERIES, statistics_refresh_all  # noqa: E402

AREA_SLUGS = ["human-rights", "security-sector-reform", "rule-of-law"] + [
    f"synthetic-area-{n:02d}" for n in range(26)
]


# -- the synthetic registry -------------------------------------------------------------------


def build(missions: int, assignments: int, seed: int, people: int = 8000) -> None:
    """Replace the registry with a synthetic one (bulk inserts: no signals, no refresh)."""
    rng = random.Random(seed)
    with transaction.atomic():
        for model in (StatisticSnapshot, Appointment, Person, Mandate, Mission, MandateArea):
            model.objects.all().delete()
        areas = MandateArea.objects.bulk_create(
            MandateArea(slug=slug, name=slug.replace("-", " ")) for slug in AREA_SLUGS
        )
        clusters = {c.slug: c for c in Cluster.objects.all()}
        regions = list(Region.objects.all())
        kinds = {"field_mission": "country", "envoy": "special_envoy",
                 "sanctions_panel": "panel_of_experts", "other_presence": "peacekeeping"}
        rows = []
        for number in range(missions):
            start = date(1946, 1, 1) + timedelta(days=rng.randrange(80 * 365))
            precision = rng.choice(["day", "day", "day", "month", "year"])
            if precision == "month":
                start = start.replace(day=1)
            elif precision == "year":
                start = start.replace(month=1, day=1)
            end, end_unknown = None, False
            roll = rng.random()
            if roll < 0.03:
                end_unknown = True
            elif roll < 0.8:
                end = min(start + timedelta(days=rng.randrange(30, 15 * 365)), date(2025, 12, 31))
            pko = rng.random() < 0.15
            slug = "other_presence" if pko else rng.choice(["field_mission", "envoy",
                                                            "sanctions_panel"])
            rows.append(Mission(
                acronym=f"SYN{number:05d}", name=f"Synthetic mission {number}",
                cluster=clusters[slug], kind=kinds[slug],
                category="peacekeeping_operation" if pko else "special_political_mission",
                mandating_body=rng.choice(["security_council", "general_assembly", ""]),
                region=rng.choice(regions), start_date=start, start_precision=precision,
                end_date=end, end_unknown=end_unknown,
            ))
        created = Mission.objects.bulk_create(rows, batch_size=5000)
        mandates = []
        for mission in created:
            if rng.random() < 0.1:
                continue  # nothing recorded: unknown, not zero
            last = mission.end_date or date(2025, 12, 31)
            first = mission.start_date
            cuts = sorted({first + timedelta(days=rng.randrange(max(1, (last - first).days)))
                           for _ in range(rng.randrange(0, 3))} - {first})
            bounds = [first, *cuts]
            for index, begin in enumerate(bounds):
                finish = bounds[index + 1] - timedelta(days=1) if index + 1 < len(bounds) else (
                    mission.end_date)
                mandates.append(Mandate(mission=mission, start_date=begin, end_date=finish))
        # Some records are partial (their own generator, so the rest of the world is unchanged).
        partial = random.Random(seed + 1)
        for mandate in mandates:
            if partial.random() < 0.08:
                mandate.completeness = "partial"
        mandates = Mandate.objects.bulk_create(mandates, batch_size=5000)
        through = Mandate.mandate_areas.through
        base, extra = divmod(assignments, len(mandates))
        links = []
        for index, mandate in enumerate(mandates):
            for area in rng.sample(areas, min(len(areas), base + (index < extra))):
                links.append(through(mandate_id=mandate.pk, mandatearea_id=area.pk))
        through.objects.bulk_create(links, batch_size=10000)
        people = Person.objects.bulk_create(
            Person(name=f"Synthetic person {n}", gender=rng.choice(["female", "male", "male", ""]))
            for n in range(people)
        )
        heads = []
        for mission in created:
            if rng.random() < 0.5:
                end = mission.end_date
                heads.append(Appointment(mission=mission, person=rng.choice(people),
                                         start_date=mission.start_date, end_date=end))
        Appointment.objects.bulk_create(heads, batch_size=5000)
    # What autovacuum does soon after a bulk load (PostgreSQL 13+ vacuums after inserts):
    # statistics for the planner, and a visibility map for index-only scans. (Not inside a
    # transaction, such as a test's, where VACUUM cannot run.)
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


# -- the per-mission Python computation (the baseline) -----------------------------------------


class PythonLoop:
    """The aggregations of reports/aggregations.py, computed by looping over missions in Python.

    Same functions, same rows; `reports.metrics.compute(..., source=PythonLoop(...))` turns
    them into results exactly as it does the SQL rows.
    """

    def __init__(self):
        slugs = dict(Cluster.objects.values_list("pk", "slug"))
        region_slugs = dict(Region.objects.values_list("pk", "slug"))
        self.missions = [
            {**row, "cluster": slugs[row["cluster_id"]],
             "region": region_slugs.get(row["region_id"])}
            for row in Mission.objects.values(
                "pk", "start_date", "end_date", "end_unknown", "category", "cluster_id",
                "region_id", "mandating_body")
        ]
        area_slugs = dict(MandateArea.objects.values_list("pk", "slug"))
        areas_of = defaultdict(set)
        for mandate_id, area_id in Mandate.mandate_areas.through.objects.values_list(
                "mandate_id", "mandatearea_id"):
            areas_of[mandate_id].add(area_slugs[area_id])
        self.mandates = defaultdict(list)
        # Only complete records say which areas a mission held: a partial one leaves it unknown.
        for row in Mandate.objects.filter(completeness="complete").values(
                "pk", "mission_id", "start_date", "end_date", "end_unknown"):
            row["areas"] = areas_of[row["pk"]]
            self.mandates[row["mission_id"]].append(row)
        genders = dict(Person.objects.values_list("pk", "gender"))
        self.heads = defaultdict(list)
        for row in Appointment.objects.values("mission_id", "person_id", "start_date",
                                              "end_date", "end_unknown"):
            row["gender"] = genders[row["person_id"]]
            self.heads[row["mission_id"]].append(row)
        self.area_slugs = sorted(area_slugs.values())

    @staticmethod
    def _active(row, window) -> bool:
        return (row["start_date"] is not None and row["start_date"] <= window.ref_end
                and not row["end_unknown"]
                and (row["end_date"] is None or row["end_date"] >= window.ref_start))

    def _population(self, population):
        for m in self.missions:
            if population.categories and m["category"] not in population.categories:
                continue
            if population.clusters and m["cluster"] not in population.clusters:
                continue
            if population.regions and m["region"] not in population.regions:
                continue
            if population.mandating_bodies and m["mandating_body"] not in (
                    population.mandating_bodies):
                continue
            yield m

    @staticmethod
    def _group(mission, split):
        return (mission[split] or None) if split else None

    def first_year(self, population):
        starts = [m["start_date"] for m in self._population(population) if m["start_date"]]
        return min(starts).year if starts else None

    def mandate_area_slugs(self):
        return self.area_slugs

    def active_missions(self, windows, population, split=None):
        counts = defaultdict(int)
        for m in self._population(population):
            for w in windows:
                if self._active(m, w):
                    counts[w.year, self._group(m, split)] += 1
        return [{"year": y, "group": g, "count": c} for (y, g), c in counts.items()]

    def _dated(self, field, windows, population, split):
        counts = defaultdict(int)
        for m in self._population(population):
            for w in windows:
                if m[field] is not None and w.first_day <= m[field] <= w.last_day:
                    counts[w.year, self._group(m, split)] += 1
        return [{"year": y, "group": g, "count": c} for (y, g), c in counts.items()]

    def established(self, windows, population, split=None):
        return self._dated("start_date", windows, population, split)

    def closed(self, windows, population, split=None):
        return self._dated("end_date", windows, population, split)

    def _areas_in_force(self, mission, window):
        mandates = [d for d in self.mandates[mission["pk"]] if self._active(d, window)]
        return (set().union(*(d["areas"] for d in mandates)) if mandates else None)

    def mean_mandate_areas(self, windows, population, split=None):
        rows = {}
        for m in self._population(population):
            for w in windows:
                if not self._active(m, w):
                    continue
                row = rows.setdefault((w.year, self._group(m, split)),
                                      {"active": 0, "recorded": 0, "areas": 0})
                row["active"] += 1
                areas = self._areas_in_force(m, w)
                if areas is not None:
                    row["recorded"] += 1
                    row["areas"] += len(areas)
        return [{"year": y, "group": g, **row} for (y, g), row in rows.items()]

    def mandate_area_share(self, windows, population, split=None, *, areas=None, any_of=False):
        wanted = set(areas) if areas is not None else None
        recorded, holding = defaultdict(int), defaultdict(int)
        for m in self._population(population):
            for w in windows:
                if not self._active(m, w):
                    continue
                held = self._areas_in_force(m, w)
                if held is None:
                    continue
                group = self._group(m, split)
                recorded[w.year, group] += 1
                if wanted is not None:
                    held = held & wanted
                for key in (["*"] if held else []) if any_of else held:
                    holding[w.year, group, key] += 1
        return [{"year": y, "group": g, "area": None, "recorded": c}
                for (y, g), c in recorded.items()] + [
                {"year": y, "group": g, "area": a, "holding": c}
                for (y, g, a), c in holding.items()]

    def mean_duration_years(self, windows, population, split=None):
        rows = {}
        for m in self._population(population):
            for w in windows:
                if not self._active(m, w):
                    continue
                point = m["end_date"] if m["end_date"] and m["end_date"] < w.ref_end else w.ref_end
                row = rows.setdefault((w.year, self._group(m, split)), {"count": 0, "days": 0})
                row["count"] += 1
                row["days"] += (point - m["start_date"]).days
        return [{"year": y, "group": g, **row} for (y, g), row in rows.items()]

    def women_heads_share(self, windows, population, split=None):
        people = defaultdict(dict)
        for m in self._population(population):
            for w in windows:
                for head in self.heads[m["pk"]]:
                    if self._active(head, w):
                        people[w.year, self._group(m, split)][head["person_id"]] = head["gender"]
        return [
            {"year": y, "group": g, "heads": len(found),
             "stated": sum(1 for v in found.values() if v in ("female", "male")),
             "women": sum(1 for v in found.values() if v == "female")}
            for (y, g), found in people.items()
        ]


# -- the run -----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--missions", type=int, default=20_000)
    parser.add_argument("--assignments", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=20130701)
    parser.add_argument("--reuse", action="store_true", help="Keep the data of a previous run.")
    parser.add_argument("--repeat", type=int, default=3, help="Time the refresh this many times.")
    args = parser.parse_args()
    name = connection.settings_dict["NAME"]
    if not str(name).endswith("_bench"):
        print(f"refusing to empty database {name!r}: its name must end in _bench")
        return 2
    call_command("migrate", verbosity=0)
    if not args.reuse:
        started = time.perf_counter()
        build(args.missions, args.assignments, args.seed)
        print(f"built the registry in {time.perf_counter() - started:.1f} s")
    print(f"{connection.vendor}: {Mission.objects.count()} missions, "
          f"{Mandate.objects.count()} mandates, "
          f"{Mandate.mandate_areas.through.objects.count()} mandate-area assignments, "
          f"{Appointment.objects.count()} heads")

    statistics_refresh_all(force=True)  # warm-up: snapshot rows exist, plans are cached
    timings = []
    for _ in range(args.repeat):
        if connection.vendor == "postgresql":
            # Each refresh rewrites every snapshot row (hundreds of KB of JSON): what autovacuum
            # clears between two refreshes in production. This machine's server runs without
            # autovacuum, so without this each repeat would read the dead rows of the last.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM reports_statisticsnapshot")
        started = time.perf_counter()
        outcome = statistics_refresh_all(force=True)
        timings.append(time.perf_counter() - started)
    sql_seconds = min(timings)
    print(f"SQL refresh of {outcome['snapshots']} series: {sql_seconds:.2f} s "
          f"(best of {args.repeat}: {', '.join(f'{t:.2f}' for t in timings)})")

    started = time.perf_counter()
    loop = PythonLoop()
    python_results = {}
    for metric, raw in DEFAULT_SERIES:
        params = parse_params(metric, raw)
        key = StatisticSnapshot.key_for(metric, params.identity())
        python_results[key] = compute(metric, params, source=loop)
    python_seconds = time.perf_counter() - started
    print(f"Python per-mission loop, same series: {python_seconds:.2f} s")

    stored = {s.key: (s.results, s.first_year) for s in StatisticSnapshot.objects.all()}
    differing = [key for key, value in python_results.items() if stored.get(key) != value]
    print(f"identical results: {'yes' if not differing else f'NO ({len(differing)} differ)'} "
          f"({len(python_results)} series, "
          f"{sum(len(r) for r, _ in python_results.values())} rows)")
    ratio = python_seconds / sql_seconds
    print(f"ratio Python/SQL: {ratio:.1f}x "
          f"(targets: SQL < 5 s: {'met' if sql_seconds < 5 else 'MISSED'}; "
          f">= 20x: {'met' if ratio >= 20 else 'MISSED'})")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
