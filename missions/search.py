"""Full-text search over missions: the stored search document and the query that reads it.

On PostgreSQL each mission keeps a weighted `search_document` (acronym and name A, mandate
area names B, notes C), served by a GIN index (migration 0004) and kept fresh by
missions.signals. Elsewhere (SQLite) the column stays NULL and the search matches substrings.
On every database the areas each mission's mandates held are kept as one row a pair
(mandates.models.AreaHolding), which the search page's area facet counts, and as one row a
mandate and area with the mandate's period (mandates.models.AreaPeriod), which the filter
"holding an area on a date" reads (missions.querysets).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import (
    Case,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from mandates.models import AreaAttestation, AreaHolding, AreaPeriod, Mandate, MandateArea
from missions.models import Document, Mission

__all__ = [
    "area_holdings_refresh",
    "area_periods_refresh",
    "search_document_refresh",
    "search_index_refresh",
    "search_terms",
    "text_search",
]

_TERM = re.compile(r'"([^"]+)"|(\S+)')
# Acronyms and document symbols ("S/RES/1829 (2008)") are matched as substrings: the text
# parser splits symbols into numbers and letters, so full-text search would miss them.
SYMBOL_FIELDS = ("acronym", "founding_document__symbol", "mandates__document__symbol")


def search_terms(q: str) -> list[str]:
    """Split a query into words and "quoted phrases"."""
    return [phrase or word for phrase, word in _TERM.findall(q or "")][:12]


def _every_term(terms: list[str], fields: tuple[str, ...]) -> Q:
    """Return a condition: every term appears (case-insensitively) in one of `fields`."""
    condition = Q()
    for term in terms:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": term})
        condition &= any_field
    return condition


def _symbol_matches(terms: list[str]) -> QuerySet:
    """Return the ids of missions whose acronym or a document symbol contains every term.

    Each term is looked up in the small documents table first and reaches the missions through
    their indexed foreign keys: joining every mandate to its document and filtering after the
    join read every mandate of the registry for every search.
    """
    missions = Mission.objects.all()
    for term in terms:
        symbols = Document.objects.filter(symbol__icontains=term).values("pk")
        mandated = Mandate.objects.filter(document__in=symbols).values("mission_id")
        missions = missions.filter(
            Q(acronym__icontains=term) | Q(founding_document__in=symbols) | Q(pk__in=mandated)
        )
    return missions.values("pk")


def _search_vector():
    """Return the weighted tsvector of a mission row (PostgreSQL only)."""
    from django.contrib.postgres.aggregates import StringAgg
    from django.contrib.postgres.search import SearchVector

    # The names of every area the mission's mandates hold or a source attests, in one string;
    # ordered so that the same data always gives the same document.
    # Two indexed id subqueries, not `mandates__mission=... OR attestations__mission=...`: that
    # OR over two outer joins made PostgreSQL scan every area assignment for every mission.
    held = Mandate.mandate_areas.through.objects.filter(
        mandate__mission=OuterRef(OuterRef("pk"))
    ).values("mandatearea_id")
    attested = AreaAttestation.objects.filter(mission=OuterRef(OuterRef("pk"))).values(
        "mandate_area_id"
    )
    areas = (
        MandateArea.objects.filter(Q(pk__in=held) | Q(pk__in=attested))
        .order_by()
        .values(group=Value(1))
        .annotate(text=StringAgg("name", delimiter=" ", distinct=True, order_by="name"))
        .values("text")
    )
    return (
        SearchVector("acronym", weight="A", config="simple")
        + SearchVector("name", weight="A", config="english")
        + SearchVector(
            Coalesce(Subquery(areas), Value(""), output_field=TextField()),
            weight="B",
            config="english",
        )
        + SearchVector("notes", weight="C", config="english")
    )


def search_document_refresh(*, mission_ids: Iterable[int] | None) -> int:
    """Recompute the search document of the missions `mission_ids` (None: of every mission).

    One UPDATE on PostgreSQL; nothing elsewhere. Return the number of missions updated.
    """
    if connection.vendor != "postgresql":
        return 0
    missions = Mission.objects.all()
    if mission_ids is not None:
        mission_ids = sorted(set(mission_ids))
        if not mission_ids:
            return 0
        missions = missions.filter(pk__in=mission_ids)
    # A queryset update: no save(), so no signal, no history record and no new updated_at.
    return missions.update(search_document=_search_vector())


def area_holdings_refresh(*, mission_ids: Iterable[int] | None) -> None:
    """Recompute which areas the mandates of `mission_ids` (None: of every mission) held."""
    holdings = AreaHolding.objects.all()
    links = Mandate.mandate_areas.through.objects.all()
    if mission_ids is not None:
        mission_ids = sorted(set(mission_ids))
        holdings = holdings.filter(mission__in=mission_ids)
        links = links.filter(mandate__mission__in=mission_ids)
    pairs = links.values_list("mandate__mission_id", "mandatearea_id").distinct().order_by()
    with transaction.atomic():  # readers see the old rows or the new ones, never neither
        holdings.delete()
        AreaHolding.objects.bulk_create(
            [AreaHolding(mission_id=mission, mandate_area_id=area) for mission, area in pairs],
            batch_size=5000,
        )


def area_periods_refresh(*, mandate_ids: Iterable[int] | None) -> None:
    """Recompute the AreaPeriod rows of the mandates `mandate_ids` (None: of every mandate).

    Each link of a mandate to an area is copied with the mandate's mission and period: one
    DELETE and one INSERT ... SELECT, whatever the number of mandates.
    """
    periods = AreaPeriod.objects.all()
    where, params = "", []
    if mandate_ids is not None:
        mandate_ids = sorted({pk for pk in mandate_ids if pk is not None})
        if not mandate_ids:
            return
        periods = periods.filter(mandate__in=mandate_ids)
        where, params = f" WHERE d.id IN ({', '.join(['%s'] * len(mandate_ids))})", mandate_ids
    name = connection.ops.quote_name
    with transaction.atomic():
        periods.delete()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {name(AreaPeriod._meta.db_table)} (mandate_id, mission_id,"  # noqa: S608 (names are ours; values are parameters)
                " mandate_area_id, start_date, end_date, end_unknown)"
                " SELECT d.id, d.mission_id, l.mandatearea_id, d.start_date, d.end_date,"
                f" d.end_unknown FROM {name(Mandate.mandate_areas.through._meta.db_table)} l"
                f" JOIN {name(Mandate._meta.db_table)} d ON d.id = l.mandate_id{where}",
                params,
            )


def search_index_refresh(*, mission_ids: Iterable[int] | None) -> None:
    """Recompute what the search reads of `mission_ids` (None: of every mission): the search
    documents (PostgreSQL) and the areas each mission's mandates held (the area facet).

    With None, also every mandate's AreaPeriod rows; edits keep those in step as they are
    made, within their transaction (missions.signals)."""
    search_document_refresh(mission_ids=mission_ids)
    area_holdings_refresh(mission_ids=mission_ids)
    if mission_ids is None:
        area_periods_refresh(mandate_ids=None)


def text_search(queryset: QuerySet, q: str) -> QuerySet:
    """Return the rows of `queryset` matching `q`, annotated with a `score` (higher is better).

    PostgreSQL: full-text search of the stored search document, ranked with ts_rank, plus a
    substring match on acronyms and document symbols. Elsewhere (SQLite): every word must
    appear somewhere, as a substring.
    """
    terms = search_terms(q)
    if not terms:
        return queryset.annotate(score=Value(0.0, output_field=FloatField()))
    exact = Case(
        When(acronym__iexact=q.strip(), then=Value(10.0)),
        When(acronym__istartswith=terms[0], then=Value(2.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        symbol_ids = _symbol_matches(terms)
        query = SearchQuery(q, search_type="websearch", config="english")
        # Two id subqueries rather than `search_document @@ query OR ...`: an OR with the
        # symbol subquery could not use the GIN index, this inner query can.
        text_ids = Mission.objects.filter(search_document=query).values("pk")
        return queryset.filter(Q(pk__in=text_ids) | Q(pk__in=symbol_ids)).annotate(
            # A document not yet computed (NULL) ranks as an empty one.
            score=Coalesce(SearchRank(F("search_document"), query), Value(0.0)) + exact
        )
    text_fields = (
        *SYMBOL_FIELDS,
        "name",
        "notes",
        "mandates__mandate_areas__name",
        "area_attestations__mandate_area__name",
    )
    ids = Mission.objects.filter(_every_term(terms, text_fields)).values("pk")
    in_name = Case(
        When(name__icontains=terms[0], then=Value(1.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    return queryset.filter(pk__in=ids).annotate(score=exact + in_name)
