"""The search page's facet counts: how many of the found missions take each value of a facet.

A facet with no value chosen counts the same missions as the results (the search with every
filter); those are counted, with the total, in one statement that evaluates the search once.
A facet with a value chosen counts the missions every other filter leaves: one query each.
Each count reads only the table that holds the facet's values; mandate areas are counted
from the derived table of the areas each mission's mandates held (mandates.AreaHolding).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db import connection
from django.db.models import Case, CharField, Count, QuerySet, Value, When

from mandates.models import AreaHolding
from missions.models import Mission
from missions.querysets import active_on_q

__all__ = ["MANY_VALUED", "ONE_VALUED", "facet_counts", "shared_facet_counts"]

# The facets that take one value per mission, by the field (or annotation) that holds it.
ONE_VALUED = {
    "cluster": "cluster__slug",
    "kind": "kind",
    "region": "region__slug",
    "mandating_body": "mandating_body",
    "is_active": "active",
}
# The facets a mission may take several values of: the table linking missions to the values,
# its foreign key to the value, and the value's field shown.
MANY_VALUED = {
    "country": (Mission.host_countries.through, "country", "iso3"),
    "mandate_area": (AreaHolding, "mandate_area", "slug"),  # one row a mission and area held
}
HITS = "search_hits"  # the name the shared statement gives the found missions' ids


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _found(ids, today: date) -> QuerySet:
    """Return the missions `ids` (each once, whatever joins `ids` made) with `active` today."""
    active = Case(
        When(active_on_q(today), then=Value("true")),
        default=Value("false"),
        output_field=CharField(),
    )
    return Mission.objects.filter(pk__in=ids).order_by().annotate(active=active)


def shared_facet_counts(names: list[str], ids: QuerySet, today: date) -> tuple[int, dict]:
    """Count the missions `ids` (a query of ids), and them by each facet of `names`.

    One statement: the found missions, with their one-valued facets' values, are a common
    table expression that every count reads, so that a text search matching thousands of
    missions runs once, not once per facet. Return the number of missions and, for each facet,
    a Counter of its values.
    """
    one_valued = [name for name in names if name in ONE_VALUED]
    width = max(1, len(one_valued))  # value columns of a result row: (label, value..., n)
    found = _found(ids, today).values_list("pk", *(ONE_VALUED[name] for name in one_valued))
    found_sql, params = found.query.sql_with_params()
    # The names below are ours; values travel as parameters of the compiled query.
    columns = ", ".join(["id", *one_valued])
    padding = ", NULL" * (width - 1)
    rows = [f"SELECT 'total', NULL{padding}, COUNT(*) FROM {HITS}"]  # noqa: S608
    if one_valued:
        values = ", ".join(one_valued)
        rows.append(f"SELECT 'groups', {values}, COUNT(*) FROM {HITS} GROUP BY {values}")  # noqa: S608
    for name in names:
        if name in MANY_VALUED:
            link, foreign_key, value = MANY_VALUED[name]
            key = link._meta.get_field(foreign_key)
            model, key = key.related_model, key.column
            # Grouped by id first, then named: the names join a few hundred rows, not 75,000.
            # A join, not `IN (SELECT id FROM hits)`: PostgreSQL guesses 200 distinct ids for
            # that and probes the index once per match, where a hash join of thousands of
            # matches is faster; the join's estimate follows the search's own.
            rows.append(
                f"SELECT '{name}', v.{value}{padding}, g.n FROM "  # noqa: S608
                f"(SELECT l.{key} AS id, COUNT(*) AS n FROM {HITS} h "
                f"JOIN {_table(link)} l ON l.mission_id = h.id GROUP BY l.{key}) g "
                f"JOIN {_table(model)} v ON v.id = g.id"
            )
    # PostgreSQL computes a table expression that is read more than once only once.
    sql = f"WITH {HITS}({columns}) AS ({found_sql}) {' UNION ALL '.join(rows)}"
    total, counts = 0, {name: Counter() for name in names}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for label, *values, n in cursor.fetchall():
            if label == "total":
                total = n
            elif label == "groups":
                for name, value in zip(one_valued, values, strict=True):
                    counts[name][value] += n
            else:
                counts[label][values[0]] += n
    return total, counts


def facet_counts(name: str, ids, today: date) -> dict[str, int]:
    """Count the missions `ids` (a query of ids) by the values of facet `name`: one query.

    The missions are picked by id (a semi-join) so that joins of the search and filters never
    repeat a mission.
    """
    if name in ONE_VALUED:
        rows = _found(ids, today).values_list(ONE_VALUED[name])
    else:
        link, foreign_key, value = MANY_VALUED[name]
        rows = link.objects.filter(mission__in=ids).values_list(f"{foreign_key}__{value}")
    return dict(rows.annotate(n=Count("pk")).order_by())
