"""The SQL of every series equals bench/stats.py's row-by-row Python loop on a synthetic world."""

import contextlib
import importlib.util
import random
from datetime import timedelta
from pathlib import Path

import pytest

from mandates.models import Mandate, MandateArea
from reports.aggregations import computed_once
from reports.metrics import compute, expect, parse_params
from reports.services import DEFAULT_SERIES

pytestmark = pytest.mark.django_db

BENCH = Path(__file__).resolve().parents[2] / "bench" / "stats.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_stats", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def synthetic(db):
    bench = load_bench()
    bench.build(missions=250, assignments=1500, seed=7, people=120)
    # Mandates that share a reference day with the one before (handover on 1 July, or the
    # same imprecise month), so that the merging of overlapping ranges is exercised.
    rng = random.Random(7)
    areas = list(MandateArea.objects.all())
    for mandate in Mandate.objects.filter(end_date__isnull=False).order_by("pk")[:40]:
        extra = Mandate.objects.create(
            mission=mandate.mission,
            start_date=mandate.end_date - timedelta(days=rng.choice([0, 0, 200])),
            end_date=mandate.end_date + timedelta(days=rng.randrange(0, 900)),
        )
        extra.mandate_areas.set(rng.sample(areas, 4))
    return bench.PythonLoop()


SERIES = [
    *DEFAULT_SERIES,
    ("active_missions", {"reference": "any", "split": "region"}),
    ("mean_mandate_areas", {"reference": "any", "split": "cluster"}),
    ("mean_mandate_areas", {"reference": "12-31", "category": "all"}),
    ("mandate_area_share", {"reference": "any", "split": "mandating_body"}),
    ("mandate_area_share", {"mandate_area": "human-rights,rule-of-law", "reference": "03-15"}),
    ("mean_duration_years", {"reference": "any", "split": "cluster"}),
    ("women_heads_share", {"reference": "any", "split": "region"}),
    ("established", {"split": "mandating_body", "category": "all"}),
    ("closed", {"split": "region"}),
    # Every population filter (reports.aggregations writes them in SQL of its own).
    ("active_missions", {"region": "africa,asia", "mandating_body": "security_council"}),
    ("mean_mandate_areas", {"cluster": "envoy,field_mission", "region": "africa"}),
    ("women_heads_share", {"category": "all", "mandating_body": "general_assembly"}),
    # People are not additive: per cluster, and over two clusters (not the sum of each).
    ("women_heads_share", {"reference": "any", "split": "cluster"}),
    ("women_heads_share", {"cluster": "envoy,field_mission"}),
    ("mean_duration_years", {"cluster": "envoy", "split": "cluster"}),
]


@pytest.mark.parametrize(
    "shared", [False, True, "expected"], ids=["one-by-one", "computed-once", "expected"]
)
def test_sql_equals_the_python_loop_for_every_series(synthetic, shared):
    # computed_once() is how a refresh computes: series read off one computation per population
    # (and, with what is expected said first, the parts of a population off one statement).
    differing = []
    with computed_once() if shared else contextlib.nullcontext():
        if shared == "expected":
            for metric, raw in SERIES:
                expect(metric, parse_params(metric, raw))
        for metric, raw in SERIES:
            params = parse_params(metric, raw)
            if compute(metric, params) != compute(metric, params, source=synthetic):
                differing.append((metric, raw))
    assert differing == []
