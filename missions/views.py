"""The analyst UI: home, search, mission and country pages (server-rendered, htmx-enhanced)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django_htmx.http import push_url

from mandates.models import Mandate, MandateArea
from missions.api.filters import MissionFilterSet
from missions.choices import MandatingBody, MissionKind
from missions.models import Appointment, Cluster, Country, Mission, Region, Transition

from .facets import facet_counts, shared_facet_counts
from .forms import SearchForm
from .search import search_terms, text_search
from .tables import table_response

# -- timelines (server-drawn SVG: readable without JavaScript, no inline styles) -------------

TIMELINE_WIDTH = 1000
TIMELINE_LABEL = 190
TIMELINE_ROW = 24
TIMELINE_TOP = 22


@dataclass
class Bar:
    start: date
    end: date | None
    css: str
    title: str
    url: str = ""


@dataclass
class Row:
    label: str
    bars: list[Bar] = field(default_factory=list)
    url: str = ""
    head: bool = False


def _year_ticks(first: date, last: date) -> list[int]:
    span = max(1, last.year - first.year)
    step = next(s for s in (1, 2, 5, 10, 20, 50) if span / s <= 12)
    start = first.year + (-first.year % step)
    return list(range(start, last.year + 1, step))


def build_timeline(rows: list[Row], today: date | None = None) -> dict | None:
    """Lay rows of dated bars out on one shared time axis, in SVG user units."""
    today = today or timezone.localdate()
    starts = [bar.start for row in rows for bar in row.bars if bar.start]
    if not starts:
        return None
    ends = [bar.end or today for row in rows for bar in row.bars if bar.start]
    first = date(min(starts).year, 1, 1)
    last = date(max(max(ends), min(starts)).year, 12, 31)
    span = (last - first).days or 1
    plot = TIMELINE_WIDTH - TIMELINE_LABEL - 10

    def x(day: date) -> float:
        return round(TIMELINE_LABEL + (day - first).days / span * plot, 1)

    laid = []
    for index, row in enumerate(rows):
        y = TIMELINE_TOP + index * TIMELINE_ROW
        bars = []
        for bar in row.bars:
            if not bar.start:
                continue
            end = bar.end or today
            left = x(bar.start)
            bars.append(
                {
                    "x": left,
                    "w": max(2.0, round(x(end) - left, 1)),
                    "css": bar.css + ("" if bar.end else " open-end"),
                    "title": bar.title,
                    "url": bar.url,
                }
            )
        laid.append(
            {
                "label": row.label,
                "url": row.url,
                "head": row.head,
                "y": y,
                "bars": bars,
                "text_y": y + 15,
                "bar_y": y + 4,
            }
        )
    height = TIMELINE_TOP + len(rows) * TIMELINE_ROW + 8
    ticks = [{"year": year, "x": x(date(year, 1, 1))} for year in _year_ticks(first, last)]
    today_x = x(today) if first <= today <= last else None
    return {
        "width": TIMELINE_WIDTH,
        "height": height,
        "rows": laid,
        "ticks": ticks,
        "today_x": today_x,
        "label_x": 4,
        "axis_bottom": height - 4,
        # Bars that are links make the chart interactive: a group, not one image.
        "linked": any(bar["url"] for row in laid for bar in row["bars"]),
    }


def _period_title(label: str, obj) -> str:
    end = obj.end or (_("ended, date unknown") if obj.end_unknown else _("present"))
    return f"{label}: {obj.start or '?'} – {end}"


def mission_timeline(mission: Mission, mandates: list[Mandate], appointments) -> dict | None:
    """Return the timeline of a mission: its life, heads, mandate periods and each area's span."""
    rows = [
        Row(
            _("Mission"),
            [
                Bar(
                    mission.start_date,
                    mission.end_date,
                    "life",
                    _period_title(mission.acronym, mission),
                )
            ],
            head=True,
        )
    ]
    if appointments:
        rows.append(
            Row(
                _("Heads of mission"),
                [
                    Bar(a.start_date, a.end_date, "head", _period_title(a.person.name, a))
                    for a in appointments
                ],
            )
        )
    if mandates:
        rows.append(
            Row(
                _("Mandate periods"),
                [
                    Bar(
                        m.start_date,
                        m.end_date,
                        "mandate" + (" alt" if i % 2 else ""),
                        _period_title(m.document.symbol if m.document else _("Mandate"), m),
                    )
                    for i, m in enumerate(mandates)
                ],
                head=True,
            )
        )
        # One row per mandate area, in the order areas first appear.
        spans: dict[str, list[Bar]] = {}
        for mandate in mandates:
            for area in mandate.mandate_areas.all():
                spans.setdefault(area.name, []).append(
                    Bar(
                        mandate.start_date,
                        mandate.end_date,
                        "area",
                        _period_title(area.name, mandate),
                    )
                )
        rows.extend(Row(name, bars) for name, bars in spans.items())
    return build_timeline(rows)


def presences_timeline(missions: list[Mission]) -> dict | None:
    """Return one bar per presence, coloured by cluster, each linking to its page."""
    rows = [
        Row(
            m.acronym,
            [
                Bar(
                    m.start_date,
                    m.end_date,
                    f"cluster-{m.cluster.slug}",
                    _period_title(f"{m.acronym} ({m.name})", m),
                    m.get_absolute_url(),
                )
            ],
            url=m.get_absolute_url(),
        )
        for m in missions
        if m.start_date
    ]
    return build_timeline(rows)


# -- lineage ---------------------------------------------------------------------------------


def _succession_order(members: list[Mission], by_pair: dict) -> list[Mission]:
    """Order presences so that every predecessor comes before its successor (then by start)."""
    key = lambda m: (m.start_date or date.max, m.acronym)  # noqa: E731
    pks = {m.pk for m in members}
    incoming = {m.pk: {a for (a, b) in by_pair if b == m.pk and a in pks} for m in members}
    ordered, placed = [], set()
    remaining = sorted(members, key=key)
    while remaining:
        ready = [m for m in remaining if incoming[m.pk] <= placed] or remaining[:1]
        nxt = ready[0]
        ordered.append(nxt)
        placed.add(nxt.pk)
        remaining.remove(nxt)
    return ordered


def lineage_chains(seeds: list[Mission], transitions: list[Transition]) -> list[list[dict]]:
    """Return the chains of presences linked by transitions that contain any of `seeds`.

    Each chain is ordered by start date; each step carries the transition that leads to it
    from the step before, when there is one.
    """
    neighbours = defaultdict(set)
    by_pair = {}
    missions = {}
    for t in transitions:
        neighbours[t.predecessor_id].add(t.successor_id)
        neighbours[t.successor_id].add(t.predecessor_id)
        by_pair[(t.predecessor_id, t.successor_id)] = t
        missions[t.predecessor_id] = t.predecessor
        missions[t.successor_id] = t.successor
    chains, seen = [], set()
    for seed in seeds:
        if seed.pk in seen or seed.pk not in neighbours:
            continue
        component, stack = set(), [seed.pk]
        while stack:
            pk = stack.pop()
            if pk in component:
                continue
            component.add(pk)
            stack.extend(neighbours[pk] - component)
        seen |= component
        ordered = _succession_order([missions[pk] for pk in component], by_pair)
        steps = []
        for index, mission in enumerate(ordered):
            incoming = [
                by_pair[(prev.pk, mission.pk)]
                for prev in ordered[:index]
                if (prev.pk, mission.pk) in by_pair
            ]
            steps.append({"mission": mission, "incoming": incoming})
        chains.append(steps)
    return chains


def lineage_transitions(ids, within: Q | None = None) -> list[Transition]:
    """Return the transitions of every lineage through the missions `ids` (within `within`).

    Walks the graph breadth-first, one query per step away from `ids`, so a page reads its
    own lineages and never the whole table.
    """
    links = Transition.objects.filter(within or Q())
    found, seen, frontier = set(), set(ids), set(ids)
    while frontier:
        step = links.filter(Q(predecessor__in=frontier) | Q(successor__in=frontier))
        frontier = set()
        for pk, predecessor, successor in step.values_list("pk", "predecessor", "successor"):
            found.add(pk)
            frontier |= {predecessor, successor} - seen
        seen |= frontier
    if not found:
        return []
    return list(
        Transition.objects.filter(pk__in=found).select_related(
            "predecessor__cluster", "successor__cluster", "country", "document"
        )
    )


# -- search ----------------------------------------------------------------------------------

SEARCH_PAGE_SIZE = 25
# Facets that take several values (repeat the parameter) and the one-value ones.
MULTI_FACETS = ("cluster", "kind", "region", "mandating_body")
SINGLE_FACETS = ("country", "mandate_area", "is_active")
FACETS = MULTI_FACETS + SINGLE_FACETS
# Parameters the page reads itself; everything else goes to MissionFilterSet unchanged.
PAGE_PARAMS = {"q", "sort", "page", "year_from", "year_to"}


def _facet_options() -> dict[str, list[tuple[str, str]]]:
    """Return the known values of each facet with their labels (four small queries)."""
    return {
        "cluster": [(c.slug, str(c)) for c in Cluster.objects.all()],
        "kind": [(value, str(label)) for value, label in MissionKind.choices],
        "region": list(Region.objects.values_list("slug", "name")),
        "mandating_body": [(value, str(label)) for value, label in MandatingBody.choices],
        "country": list(
            Country.objects.filter(
                Exists(Mission.host_countries.through.objects.filter(country=OuterRef("pk")))
            ).values_list("iso3", "name")
        ),
        "mandate_area": list(MandateArea.objects.values_list("slug", "name")),
        "is_active": [("true", _("Active today")), ("false", _("Not active today"))],
    }


FACET_LABELS = {
    "cluster": gettext_lazy("Cluster"),
    "kind": gettext_lazy("Kind"),
    "region": gettext_lazy("Region"),
    "mandating_body": gettext_lazy("Mandating body"),
    "country": gettext_lazy("Host country"),
    "mandate_area": gettext_lazy("Mandate area"),
    "is_active": gettext_lazy("Status"),
}


def _clean_facets(query, options) -> tuple[QueryDict, list[dict]]:
    """Keep the known facet values of `query`; return them and a note per unknown value."""
    data = QueryDict(mutable=True)
    notes = []
    for name in FACETS:
        known = {value.lower(): value for value, _label in options[name]}
        values = query.getlist(name) if name in MULTI_FACETS else query.getlist(name)[:1]
        for raw in values:
            raw = raw.strip()
            if not raw:
                continue
            value = known.get(raw.lower())
            if value is None:
                notes.append({"facet": FACET_LABELS[name], "value": raw})
            elif value not in data.getlist(name):
                data.appendlist(name, value)
    return data, notes


def _year(query, name: str, notes: list) -> int | None:
    raw = (query.get(name) or "").strip()
    if not raw:
        return None
    if raw.isdigit() and 1900 <= int(raw) <= 2100:
        return int(raw)
    notes.append({"facet": _("Year"), "value": raw})
    return None


SORT_ORDERS = {
    "relevance": ("-score", "acronym"),
    "acronym": ("acronym",),
    "name": ("name",),
    "start": (F("start_date").asc(nulls_last=True), "acronym"),
    "-start": (F("start_date").desc(nulls_last=True), "acronym"),
}


def _snippet(text: str, terms: list[str], width: int = 90) -> str:
    """Return the part of `text` around the first matched term, or ''."""
    lowered = (text or "").lower()
    hits = [lowered.find(term.lower()) for term in terms if term and term.lower() in lowered]
    if not hits:
        return ""
    first = min(hits)
    start, end = max(0, first - width), min(len(text), first + width)
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")


def run_search(query, *, paginate: bool = True) -> dict:
    """Run a search from a query string: filters, facets with counts, order and page.

    The facets and time filters are MissionFilterSet's (the API's); a facet's counts are taken
    with every other filter applied, so picking a value shows what the others would give.
    Queries, whatever the data: 4 for the facet vocabularies, 1 for the total and the facets
    with no value chosen (missions.facets), 1 per facet with a value chosen, 2 for the page
    (its ids, then its rows) and 1 host-country prefetch.
    """
    form = SearchForm(query)
    page_args = form.cleaned()
    q, sort = page_args["q"], page_args["sort"]
    options = _facet_options()
    facet_data, notes = _clean_facets(query, options)
    year_from, year_to = _year(query, "year_from", notes), _year(query, "year_to", notes)
    if year_from and year_to and year_from > year_to:
        year_from, year_to = year_to, year_from
    data = QueryDict(mutable=True)
    for key in query:
        if key not in PAGE_PARAMS and key not in FACETS and key != "ordering":
            data.setlist(key, query.getlist(key))
    data.update(facet_data)
    if year_from:
        data["active_from"] = date(year_from, 1, 1).isoformat()
    if year_to:
        data["active_to"] = date(year_to, 12, 31).isoformat()
    base = Mission.objects.select_related("cluster", "region")

    # Validate once; each facet's counts re-apply the same cleaned filters but its own.
    filterset = MissionFilterSet(data, queryset=base)
    filterset.is_valid()  # an invalid value drops out of cleaned_data; noted below
    cleaned = filterset.form.cleaned_data

    def filtered(without: str | None = None):
        queryset = base.all()
        for name, value in cleaned.items():
            if name != without:
                queryset = filterset.filters[name].filter(queryset, value)
        return text_search(queryset, q)

    missions = filtered()
    for name, errors in filterset.errors.items():
        if name in FACETS:
            continue
        notes.append({"facet": name, "value": ", ".join(query.getlist(name)), "errors": errors})
    missions = missions.order_by(*SORT_ORDERS.get(sort, SORT_ORDERS["acronym"]))
    missions = missions.prefetch_related("host_countries")
    if not paginate:
        return {"missions": missions, "q": q}

    today = timezone.localdate()
    facets = []
    # A facet with no value chosen counts the same missions as the results: those are counted
    # together, with the total, in one statement.
    shared = [name for name in FACETS if not facet_data.getlist(name)]
    total, counted = shared_facet_counts(shared, filtered().order_by().values("pk"), today)
    for name in FACETS:
        selected = facet_data.getlist(name)
        if name in counted:
            counts = counted[name]
        else:
            counts = facet_counts(name, filtered(without=name).order_by().values("pk"), today)
        values = [
            {
                "value": value,
                "label": label,
                "count": counts.get(value, 0),
                "selected": value in selected,
            }
            for value, label in options[name]
        ]
        if name in ("country", "mandate_area"):
            values = [v for v in values if v["count"] or v["selected"]]
        facets.append(
            {
                "name": name,
                "label": FACET_LABELS[name],
                "values": values,
                "multiple": name in MULTI_FACETS,
                "selected": selected,
            }
        )

    # The page's ids first, in order, from a narrow query; then those rows in full. Sorting
    # thousands of matches as whole rows joined to their cluster and region cost more.
    paginator = Paginator(missions.values_list("pk", flat=True), SEARCH_PAGE_SIZE)
    paginator.count = total  # counted above: no second COUNT of the same search
    page = paginator.get_page(page_args["page"])
    rows = base.prefetch_related("host_countries").in_bulk(list(page.object_list))
    # A mission deleted between the two queries drops out rather than failing the page.
    page.object_list = [rows[pk] for pk in page.object_list if pk in rows]
    terms = search_terms(q)
    for mission in page.object_list:
        mission.snippet = (
            _snippet(mission.notes, terms)
            if terms
            and not any(t.lower() in f"{mission.acronym} {mission.name}".lower() for t in terms)
            else ""
        )
        mission.status = mission.status_on(today)
    return {
        "q": q,
        "terms": terms,
        "sort": page_args["sort_choice"],
        "sorts": SearchForm.base_fields["sort"].choices,
        "page": page,
        # The first and last pages and two either side of this one: not 800 links.
        "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2)),
        "count": paginator.count,
        "facets": facets,
        "notes": notes,
        "year_from": year_from,
        "year_to": year_to,
        "query_string": query.urlencode(),
    }


# -- pages -----------------------------------------------------------------------------------


@require_safe
def home(request):
    """Show the search box, today's landscape in figures, and the ways in."""
    from reports.views import landscape_today

    context = {"landscape": landscape_today(), "today": timezone.localdate()}
    return render(request, "missions/home.html", context)


@require_safe
def mission_detail(request, acronym: str):
    """Show one mission: summary with sources, timeline, heads, partners, benchmarks, lineage."""
    mission = (
        Mission.objects.select_related("cluster", "region", "founding_document")
        .prefetch_related("host_countries")
        .filter(acronym__iexact=acronym)
        .first()
    )
    if mission is None:
        raise Http404(_("No mission with the acronym %(acronym)s.") % {"acronym": acronym})
    mandates = list(
        mission.mandates.select_related("document")
        .prefetch_related("mandate_areas")
        .order_by("start_date")
    )
    appointments = list(
        Appointment.objects.filter(mission=mission).select_related("person").order_by("start_date")
    )
    partnerships = list(mission.partnerships.select_related("organization").order_by("start_date"))
    benchmarks = list(mission.benchmarks.select_related("document"))
    attestations = list(mission.area_attestations.select_related("mandate_area"))
    transitions = lineage_transitions([mission.pk])
    chains = lineage_chains([mission], transitions)
    context = {
        "mission": mission,
        "status": mission.status_on(timezone.localdate()),
        "mandates": mandates,
        "appointments": appointments,
        "partnerships": partnerships,
        "benchmarks": benchmarks,
        "attestations": attestations,
        "chain": chains[0] if chains else [],
        "transitions_in": [t for t in transitions if t.successor_id == mission.pk],
        "transitions_out": [t for t in transitions if t.predecessor_id == mission.pk],
        "timeline": mission_timeline(mission, mandates, appointments),
        "envoy": getattr(mission, "envoy", None) if hasattr(mission, "envoy") else None,
        "panel": getattr(mission, "sanctions_panel", None)
        if hasattr(mission, "sanctions_panel")
        else None,
    }
    return render(request, "missions/mission_detail.html", context)


@require_safe
def country_detail(request, iso3: str):
    """Show every UN presence in a country over time, as a timeline and as lineage chains."""
    country = get_object_or_404(Country, iso3=iso3.upper())
    hosted = Mission.objects.in_country(country.iso3).values("pk")
    linked = Transition.objects.filter(country=country)
    presences = list(
        Mission.objects.filter(
            Q(pk__in=hosted)
            | Q(pk__in=linked.values("predecessor"))
            | Q(pk__in=linked.values("successor"))
        )
        .select_related("cluster")
        .order_by("start_date", "acronym")
    )
    # The lineages run through this country's transitions and the regional ones (no country).
    transitions = lineage_transitions(
        [m.pk for m in presences], Q(country=country) | Q(country__isnull=True)
    )
    country_transitions = [t for t in transitions if t.country_id == country.pk]
    chains = lineage_chains(presences, transitions)
    chained = {step["mission"].pk for chain in chains for step in chain}
    today = timezone.localdate()
    context = {
        "country": country,
        "presences": presences,
        "active": [m for m in presences if m.is_active_on(today)],
        "chains": chains,
        "unchained": [m for m in presences if m.pk not in chained],
        "transitions": country_transitions,
        "timeline": presences_timeline(presences),
        "clusters": sorted({m.cluster for m in presences}, key=lambda c: c.position),
    }
    return render(request, "missions/country_detail.html", context)


@require_safe
def country_list(request):
    """List the countries that host or hosted a presence, with how many."""

    countries = (
        Country.objects.annotate(n=Count("missions", distinct=True))
        .filter(n__gt=0)
        .order_by("name")
    )
    return render(request, "missions/country_list.html", {"countries": countries})


def _wants_fragment(request) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def shareable_url(request) -> str:
    """Return this page's address without the empty parameters a submitted form carries."""
    query = QueryDict(mutable=True)
    for key in request.GET:
        values = [value for value in request.GET.getlist(key) if value.strip()]
        if values:
            query.setlist(key, values)
    return request.path + (f"?{query.urlencode()}" if query else "")


def render_fragment_or_page(request, fragment: str, page: str, context: dict):
    """Render the fragment for an htmx swap (and push a tidy address), else the whole page."""
    if _wants_fragment(request):
        response = push_url(render(request, fragment, context), shareable_url(request))
    else:
        response = render(request, page, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def mission_list(request):
    """Search missions: full text, facets with counts, sorting, paging; htmx swaps the results."""
    return render_fragment_or_page(
        request,
        "missions/_partials/search_app.html",
        "missions/mission_list.html",
        {"result": run_search(request.GET)},
    )


EXPORT_COLUMNS = [
    ("acronym", "Acronym"),
    ("name", "Name"),
    ("cluster", "Cluster"),
    ("kind", "Kind"),
    ("category", "Category"),
    ("mandating_body", "Mandating body"),
    ("region", "Region"),
    ("host_countries", "Host countries (ISO3)"),
    ("start", "Start"),
    ("end", "End"),
    ("status", "Status"),
    ("url", "Address"),
]


def _export_rows(request, missions):
    today = timezone.localdate()
    for m in missions:
        yield [
            m.acronym,
            m.name,
            m.cluster.slug,
            m.kind,
            m.category,
            m.mandating_body,
            m.region.name if m.region else "",
            ";".join(c.iso3 for c in m.host_countries.all()),
            m.start,
            m.end,
            m.status_on(today),
            request.build_absolute_uri(m.get_absolute_url()),
        ]


@require_safe
def mission_export(request, fmt: str):
    """Download every result of a search (same filters and order as the page) as CSV or .xlsx."""
    result = run_search(request.GET, paginate=False)
    header = [label for _key, label in EXPORT_COLUMNS]
    rows = _export_rows(request, result["missions"])
    stamp = timezone.localdate().isoformat()
    return table_response(fmt, header, rows, filename=f"spm-missions-{stamp}", sheet="missions")
