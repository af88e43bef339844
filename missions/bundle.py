"""Import and export of registry bundles: a folder of CSV files in the layout of the reference data.

One import is one transaction. Every row is checked; any bad row aborts the whole import and is
reported as `file:line: column: message`. Natural keys (acronym, slug, symbol, ...) make a second
run of the same bundle change nothing.
"""

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch

from mandates.choices import MandateCompleteness
from mandates.models import AreaAttestation, Mandate, MandateArea, MandatedTask

from .choices import (
    KINDS_BY_CLUSTER,
    Confidence,
    DocumentKind,
    EnvoySeat,
    Expertise,
    Gender,
    MandatingBody,
    MissionCategory,
    MissionKind,
    PanelBase,
    PartnershipKind,
    TransitionKind,
)
from .dates import format_partial_date, parse_partial_date
from .models import (
    Appointment,
    Cluster,
    Country,
    Document,
    Envoy,
    Mission,
    Organization,
    Partnership,
    Person,
    Region,
    SanctionsPanel,
    Transition,
    guess_document,
)

__all__ = [
    "FILES",
    "BundleError",
    "ImportReport",
    "export_rows",
    "registry_export",
    "registry_import",
    "registry_import_rows",
]

# Files in the order they are read; only missions.csv is required.
FILES = {
    "mandate_areas.csv": ["slug", "name", "description", "example_tasks", "source"],
    "documents.csv": ["symbol", "kind", "body", "date", "title"],
    "missions.csv": [
        "acronym", "name", "cluster", "kind", "is_spm", "host_countries", "region", "base",
        "start_date", "end_date", "mandating_body", "founding_document", "in_2013_annex",
        "in_2024_page", "source", "confidence", "notes", "category", "end_unknown",
        "envoy_seat", "joint_with", "sanctions_committee", "regime_document", "experts",
        "expertise", "panel_base",
    ],
    "transitions.csv": [
        "from_acronym", "to_acronym", "date", "kind", "country", "document", "source",
        "confidence", "notes",
    ],
    "mandates.csv": [
        "acronym", "document", "in_force_from", "in_force_until", "mandate_areas", "tasks",
        "completeness", "source", "confidence", "notes",
    ],
    "appointments.csv": [
        "acronym", "person", "title", "gender", "start_date", "end_date", "end_unknown",
        "source", "confidence", "notes",
    ],
    "partnerships.csv": [
        "acronym", "organization", "organization_name", "kind", "start_date", "end_date",
        "source", "confidence", "notes",
    ],
    "mission_mandate_areas.csv": ["acronym", "mandate_area_slug", "from_year", "to_year", "source"],
}
REQUIRED = {"missions.csv"}
# The reference data marks undated ends in the notes (see seed/README.md).
END_UNKNOWN_MARKS = ("[CLOSED; END DATE UNCONFIRMED]", "[ENDED; END DATE UNCONFIRMED]")


class BundleError(Exception):
    """The bundle could not be imported; `errors` lists every bad row."""

    def __init__(self, errors: list[str], report: "ImportReport | None" = None):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors
        # What the good rows would have done (the admin's preview shows it beside the errors).
        self.report = report


@dataclass
class ImportReport:
    """What an import created, updated and left unchanged, by file."""

    counts: dict[str, Counter] = field(default_factory=dict)
    dry_run: bool = False
    # file -> line -> (outcome, names of the fields that change)
    rows: dict[str, dict[int, tuple[str, list[str]]]] = field(default_factory=dict)

    def add(self, file: str, outcome: str, line: int | None = None, fields=()) -> None:
        self.counts.setdefault(file, Counter())[outcome] += 1
        if line is not None:
            self.rows.setdefault(file, {})[line] = (outcome, list(fields))

    @property
    def changed(self) -> int:
        return sum(c["created"] + c["updated"] for c in self.counts.values())

    def lines(self) -> list[str]:
        return [
            f"{file}: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged"
            for file, c in self.counts.items()
        ]


class _RowError(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


def _choice(value: str, choices, column: str, *, blank: bool = True) -> str:
    value = value.strip()
    if not value and blank:
        return ""
    if value not in choices.values:
        raise _RowError(column, f"unknown value {value!r} (one of {', '.join(choices.values)})")
    return value


def _yes_no(value: str, column: str) -> bool:
    value = value.strip().lower()
    if value in ("", "no", "false", "0"):
        return False
    if value in ("yes", "true", "1"):
        return True
    raise _RowError(column, f"{value!r} is not yes or no")


def _date(value: str, column: str, bound: str) -> tuple:
    try:
        return parse_partial_date(value, bound)
    except ValueError as exc:
        raise _RowError(column, str(exc)) from None


def _end_unknown(row: dict) -> bool:
    flagged = _yes_no(row["end_unknown"], "end_unknown")
    return flagged or (not row["end_date"] and any(m in row["notes"] for m in END_UNKNOWN_MARKS))


def _year(value: str, column: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or not 1000 <= int(value) <= 2999:
        raise _RowError(column, f"{value!r} is not a year")
    return int(value)


def _slugs(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _assign(obj, values: dict) -> list[str]:
    """Set the fields of `obj` that differ from `values`; return the names of those that did."""
    changed = []
    for name, value in values.items():
        field = obj._meta.get_field(name)
        if field.is_relation:
            current, new = getattr(obj, field.attname), value.pk if value is not None else None
        else:
            current, new = getattr(obj, name), value
        if current != new:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _message(exc: ValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [(name, " ".join(msgs)) for name, msgs in exc.message_dict.items()]
    return [("", " ".join(exc.messages))]


class _Importer:
    def __init__(self, directory: Path | None, report: ImportReport, sources: dict | None = None):
        self.directory = directory
        # In-memory files (file -> (header, rows)), as an admin upload gives them.
        self.sources = sources
        self.report = report
        self.errors: list[str] = []
        self.clusters = {c.slug: c for c in Cluster.objects.all()}
        self.regions = {r.name.lower(): r for r in Region.objects.all()}
        self.regions.update({r.slug: r for r in Region.objects.all()})
        self.countries = {c.iso3: c for c in Country.objects.all()}
        self.documents: dict[str, Document] = {}
        self.missions: dict[str, Mission] = {}
        self.areas: dict[str, MandateArea] = {}

    # -- plumbing ---------------------------------------------------------------------------

    def error(self, file: str, line: int, column: str, message: str) -> None:
        self.errors.append(f"{file}:{line}: {column or '-'}: {message}")

    def rows(self, file: str):
        if self.sources is not None:
            if file in self.sources:
                header, records = self.sources[file]
                # Line 1 is the header, as in a spreadsheet.
                yield from self._clean_rows(file, header, enumerate(records, start=2))
            return
        path = self.directory / file
        if not path.exists():
            if file in REQUIRED:
                self.error(file, 0, "-", "file is missing")
            return
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            yield from self._clean_rows(
                file, reader.fieldnames, ((reader.line_num, row) for row in reader)
            )

    def _clean_rows(self, file: str, header, numbered_rows):
        known = set(FILES[file])
        key_columns = {"acronym", "slug", "symbol", "from_acronym"} & known
        missing = [c for c in key_columns if c not in (header or [])]
        if missing:
            self.error(file, 1, missing[0], "column is missing from the header")
            return
        for line, row in numbered_rows:
            # Unknown extra columns are ignored; absent optional columns read as empty.
            clean = {name: (row.get(name) or "").strip() for name in known}
            yield line, clean

    def save(self, file: str, line: int, obj, values: dict, *, m2m: dict | None = None) -> None:
        """Apply `values` to `obj`, validate it, and save only if something changed."""
        created = obj._state.adding
        changed = _assign(obj, values) or created
        try:
            obj.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for column, message in _message(exc):
                self.error(file, line, column, message)
            return
        # full_clean may widen dates; compare again after it so that a rerun is a no-op.
        if changed:
            obj.save()
        changed = list(changed) if isinstance(changed, list) else []
        for name, targets in (m2m or {}).items():
            manager = getattr(obj, name)
            if created or set(manager.values_list("pk", flat=True)) != {t.pk for t in targets}:
                manager.set(targets)
                changed.append(name)
        outcome = "created" if created else "updated" if changed else "unchanged"
        self.report.add(file, outcome, line, [] if created else changed)

    def document(self, symbol: str) -> Document | None:
        if not symbol:
            return None
        if symbol not in self.documents:
            document = Document.objects.filter(symbol=symbol).first()
            if document is None:
                guess = guess_document(symbol)
                document = Document.objects.create(
                    symbol=symbol, kind=guess["kind"], body=guess["body"], year=guess["year"]
                )
                self.report.add("documents.csv", "created")
            self.documents[symbol] = document
        return self.documents[symbol]

    def mission(self, acronym: str, column: str) -> Mission:
        mission = self.missions.get(acronym) or Mission.objects.filter(acronym=acronym).first()
        if mission is None:
            raise _RowError(column, f"unknown mission {acronym!r}")
        self.missions[acronym] = mission
        return mission

    def each(self, file: str, handler) -> None:
        for line, row in self.rows(file):
            try:
                handler(file, line, row)
            except _RowError as exc:
                self.error(file, line, exc.column, exc.message)

    # -- files ------------------------------------------------------------------------------

    def mandate_area(self, file, line, row):
        if not row["slug"]:
            raise _RowError("slug", "is empty")
        area = MandateArea.objects.filter(slug=row["slug"]).first() or MandateArea(slug=row["slug"])
        self.save(file, line, area, {
            "name": row["name"] or row["slug"], "description": row["description"],
            "source": row["source"],
        })
        if area.pk:
            self.areas[area.slug] = area
            for task in _slugs(row["example_tasks"]):
                MandatedTask.objects.get_or_create(area=area, name=task[:200])

    def document_row(self, file, line, row):
        if not row["symbol"]:
            raise _RowError("symbol", "is empty")
        guess = guess_document(row["symbol"])
        day, precision = _date(row["date"], "date", "start")
        document = Document.objects.filter(symbol=row["symbol"]).first() or Document(
            symbol=row["symbol"]
        )
        self.save(file, line, document, {
            "kind": _choice(row["kind"], DocumentKind, "kind") or guess["kind"],
            "body": _choice(row["body"], MandatingBody, "body") or guess["body"],
            "date": day, "date_precision": precision,
            "year": day.year if day else guess["year"], "title": row["title"],
        })
        if document.pk:
            self.documents[document.symbol] = document

    def mission_row(self, file, line, row):
        acronym = row["acronym"]
        if not acronym:
            raise _RowError("acronym", "is empty")
        if not row["name"]:
            raise _RowError("name", "is empty")
        cluster = self.clusters.get(row["cluster"])
        if cluster is None:
            raise _RowError("cluster", f"unknown cluster {row['cluster']!r} "
                            f"(one of {', '.join(self.clusters)})")
        kind = _choice(row["kind"], MissionKind, "kind", blank=False)
        if kind not in KINDS_BY_CLUSTER.get(cluster.slug, {kind}):
            raise _RowError("kind", f"{kind!r} is not a kind of {cluster.slug}")
        region = None
        if row["region"]:
            region = self.regions.get(row["region"].lower())
            if region is None:
                raise _RowError("region", f"unknown region {row['region']!r}")
        countries = []
        for code in _slugs(row["host_countries"]):
            if code.upper() not in self.countries:
                raise _RowError("host_countries", f"unknown ISO 3166-1 alpha-3 code {code!r}")
            countries.append(self.countries[code.upper()])
        start, start_precision = _date(row["start_date"], "start_date", "start")
        end, end_precision = _date(row["end_date"], "end_date", "end")
        if start and end and end < start:
            raise _RowError("end_date", "the end is before the start")
        if row["category"]:
            category = _choice(row["category"], MissionCategory, "category")
        elif _yes_no(row["is_spm"], "is_spm") or (not row["is_spm"] and cluster.numeral):
            category = MissionCategory.SPECIAL_POLITICAL_MISSION
        else:
            category = {
                MissionKind.PEACEKEEPING: MissionCategory.PEACEKEEPING_OPERATION,
                MissionKind.COUNTRY_TEAM: MissionCategory.UN_COUNTRY_TEAM,
            }.get(kind, MissionCategory.OTHER)
        mission = self.missions.get(acronym) or Mission.objects.filter(acronym=acronym).first()
        mission = mission or Mission(acronym=acronym)
        self.save(file, line, mission, {
            "name": row["name"], "cluster": cluster, "kind": kind, "category": category,
            "region": region, "base": row["base"],
            "start_date": start, "start_precision": start_precision,
            "end_date": end, "end_precision": end_precision, "end_unknown": _end_unknown(row),
            "mandating_body": _choice(row["mandating_body"], MandatingBody, "mandating_body"),
            "founding_document": self.document(row["founding_document"]),
            "in_2013_annex": _yes_no(row["in_2013_annex"], "in_2013_annex"),
            "in_2024_page": _yes_no(row["in_2024_page"], "in_2024_page"),
            "source": row["source"],
            "confidence": _choice(row["confidence"], Confidence, "confidence"),
            "notes": row["notes"],
        }, m2m={"host_countries": countries})
        if mission.pk is None:
            return
        self.missions[acronym] = mission
        if cluster.slug == "envoy":
            joint = None
            if row["joint_with"]:
                joint, _ = Organization.objects.get_or_create(
                    acronym=row["joint_with"], defaults={"name": row["joint_with"]}
                )
            profile = Envoy.objects.filter(mission=mission).first() or Envoy(mission=mission)
            self._profile(file, line, profile, {
                "seat": _choice(row["envoy_seat"], EnvoySeat, "envoy_seat"), "joint_with": joint,
            })
        elif cluster.slug == "sanctions_panel":
            expertise = _slugs(row["expertise"])
            for slug in expertise:
                _choice(slug, Expertise, "expertise")
            experts = row["experts"]
            if experts and (not experts.isdigit() or int(experts) > 1000):
                raise _RowError("experts", f"{experts!r} is not a number of experts")
            profile = SanctionsPanel.objects.filter(mission=mission).first() or SanctionsPanel(
                mission=mission
            )
            self._profile(file, line, profile, {
                "committee": row["sanctions_committee"],
                "regime_document": self.document(row["regime_document"]),
                "experts": int(experts) if experts else None,
                "expertise": expertise,
                "panel_base": _choice(row["panel_base"], PanelBase, "panel_base"),
            })

    def _profile(self, file, line, profile, values):
        # A profile row is created only when it holds something; the counts stay per mission.
        if profile._state.adding and not any(values.values()):
            return
        changed = _assign(profile, values) or profile._state.adding
        try:
            profile.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for column, message in _message(exc):
                self.error(file, line, column, message)
            return
        if changed:
            profile.save()

    def transition_row(self, file, line, row):
        predecessor = self.mission(row["from_acronym"], "from_acronym")
        successor = self.mission(row["to_acronym"], "to_acronym")
        day, precision = _date(row["date"], "date", "start")
        if day is None:
            raise _RowError("date", "is empty")
        country = None
        if row["country"]:
            country = self.countries.get(row["country"].upper())
            if country is None:
                raise _RowError("country", f"unknown ISO 3166-1 alpha-3 code {row['country']!r}")
        transition = Transition.objects.filter(
            predecessor=predecessor, successor=successor
        ).first() or Transition(predecessor=predecessor, successor=successor)
        self.save(file, line, transition, {
            "date": day, "date_precision": precision,
            "kind": _choice(row["kind"], TransitionKind, "kind", blank=False),
            "country": country, "document": self.document(row["document"]),
            "source": row["source"],
            "confidence": _choice(row["confidence"], Confidence, "confidence"),
            "notes": row["notes"],
        })

    def mandate_row(self, file, line, row):
        mission = self.mission(row["acronym"], "acronym")
        start, start_precision = _date(row["in_force_from"], "in_force_from", "start")
        if start is None:
            raise _RowError("in_force_from", "is empty")
        end, end_precision = _date(row["in_force_until"], "in_force_until", "end")
        if end and end < start:
            raise _RowError("in_force_until", "the end is before the start")
        areas = []
        for slug in _slugs(row["mandate_areas"]):
            area = self.areas.get(slug) or MandateArea.objects.filter(slug=slug).first()
            if area is None:
                raise _RowError("mandate_areas", f"unknown mandate area {slug!r}")
            areas.append(area)
        tasks = []
        for name in _slugs(row["tasks"]):
            task = MandatedTask.objects.filter(name=name, area__in=areas).first()
            if task is None:
                raise _RowError("tasks", f"unknown task {name!r} in this mandate's areas")
            tasks.append(task)
        mandate = Mandate.objects.filter(mission=mission, start_date=start).first() or Mandate(
            mission=mission
        )
        self.save(file, line, mandate, {
            "start_date": start, "start_precision": start_precision,
            "end_date": end, "end_precision": end_precision,
            "document": self.document(row["document"]),
            "completeness": _choice(row["completeness"], MandateCompleteness, "completeness")
            or MandateCompleteness.COMPLETE,
            "source": row["source"],
            "confidence": _choice(row["confidence"], Confidence, "confidence"),
            "notes": row["notes"],
        }, m2m={"mandate_areas": areas, "tasks": tasks})

    def appointment_row(self, file, line, row):
        mission = self.mission(row["acronym"], "acronym")
        if not row["person"]:
            raise _RowError("person", "is empty")
        gender = _choice(row["gender"], Gender, "gender")
        person = Person.objects.filter(name=row["person"]).first()
        if person is None:
            person = Person.objects.create(name=row["person"], gender=gender)
        elif gender and person.gender != gender:
            if person.gender:
                raise _RowError("gender", f"{row['person']} is recorded as {person.gender}")
            person.gender = gender
            person.save()
        start, start_precision = _date(row["start_date"], "start_date", "start")
        end, end_precision = _date(row["end_date"], "end_date", "end")
        if start and end and end < start:
            raise _RowError("end_date", "the end is before the start")
        appointment = Appointment.objects.filter(
            mission=mission, person=person, start_date=start
        ).first() or Appointment(mission=mission, person=person)
        self.save(file, line, appointment, {
            "title": row["title"], "start_date": start, "start_precision": start_precision,
            "end_date": end, "end_precision": end_precision, "end_unknown": _end_unknown(row),
            "source": row["source"],
            "confidence": _choice(row["confidence"], Confidence, "confidence"),
            "notes": row["notes"],
        })

    def partnership_row(self, file, line, row):
        mission = self.mission(row["acronym"], "acronym")
        if not row["organization"]:
            raise _RowError("organization", "is empty")
        organization, _ = Organization.objects.get_or_create(
            acronym=row["organization"],
            defaults={"name": row["organization_name"] or row["organization"]},
        )
        kind = _choice(row["kind"], PartnershipKind, "kind", blank=False)
        start, start_precision = _date(row["start_date"], "start_date", "start")
        end, end_precision = _date(row["end_date"], "end_date", "end")
        partnership = Partnership.objects.filter(
            mission=mission, organization=organization, kind=kind, start_date=start
        ).first() or Partnership(mission=mission, organization=organization, kind=kind)
        self.save(file, line, partnership, {
            "start_date": start, "start_precision": start_precision,
            "end_date": end, "end_precision": end_precision, "source": row["source"],
            "confidence": _choice(row["confidence"], Confidence, "confidence"),
            "notes": row["notes"],
        })

    def attestation_row(self, file, line, row):
        mission = self.mission(row["acronym"], "acronym")
        slug = row["mandate_area_slug"]
        area = self.areas.get(slug) or MandateArea.objects.filter(slug=slug).first()
        if area is None:
            raise _RowError("mandate_area_slug", f"unknown mandate area {slug!r}")
        from_year = _year(row["from_year"], "from_year")
        to_year = _year(row["to_year"], "to_year")
        if from_year and to_year and to_year < from_year:
            raise _RowError("to_year", "the last year is before the first")
        attestation = AreaAttestation.objects.filter(
            mission=mission, mandate_area=area, from_year=from_year, to_year=to_year
        ).first() or AreaAttestation(
            mission=mission, mandate_area=area, from_year=from_year, to_year=to_year
        )
        self.save(file, line, attestation, {"source": row["source"]})

    def run(self) -> None:
        self.each("mandate_areas.csv", self.mandate_area)
        self.each("documents.csv", self.document_row)
        self.each("missions.csv", self.mission_row)
        self.each("transitions.csv", self.transition_row)
        self.each("mandates.csv", self.mandate_row)
        self.each("appointments.csv", self.appointment_row)
        self.each("partnerships.csv", self.partnership_row)
        self.each("mission_mandate_areas.csv", self.attestation_row)


def registry_import(*, directory: Path, dry_run: bool = False) -> ImportReport:
    """Import a bundle in one transaction; raise BundleError (and change nothing) on any bad row."""
    directory = Path(directory)
    if not directory.is_dir():
        raise BundleError([f"{directory}: not a directory"])
    return _import(directory, None, dry_run=dry_run)


def registry_import_rows(
    *, file: str, header: list[str], rows: list[dict], dry_run: bool = False
) -> ImportReport:
    """Import the rows of one bundle file (an admin upload) with the bundle's rules, all or none.

    Rows are numbered from 2, as in a spreadsheet whose first line is the header.
    """
    if file not in FILES:
        raise BundleError([f"{file}: not a file of the bundle"])
    return _import(None, {file: (header, rows)}, dry_run=dry_run)


def _import(directory: Path | None, sources: dict | None, *, dry_run: bool) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic():
        importer = _Importer(directory, report, sources)
        importer.run()
        if importer.errors:
            transaction.set_rollback(True)
            raise BundleError(importer.errors, report)
        if dry_run:
            transaction.set_rollback(True)
    return report


# -- export -----------------------------------------------------------------------------------
# Rows are written in the order they were created, so that importing the bundle into an empty
# registry creates them in the same order again: a restore keeps every id, and API clients' links.


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def export_rows(file: str, only=None):
    """Yield the rows of one bundle file; `only` (a queryset of its model) narrows them."""

    def narrow(queryset):
        return queryset if only is None else queryset.filter(pk__in=only.values("pk"))

    if file == "mandate_areas.csv":
        for area in MandateArea.objects.prefetch_related(
            Prefetch("tasks", queryset=MandatedTask.objects.order_by("pk"))
        ).order_by("pk"):
            yield {
                "slug": area.slug, "name": area.name, "description": area.description,
                "example_tasks": ";".join(t.name for t in area.tasks.all()), "source": area.source,
            }
    elif file == "documents.csv":
        for doc in Document.objects.order_by("pk"):
            yield {
                "symbol": doc.symbol, "kind": doc.kind, "body": doc.body,
                "date": format_partial_date(doc.date, doc.date_precision), "title": doc.title,
            }
    elif file == "missions.csv":
        missions = narrow(Mission.objects).select_related(
            "cluster", "region", "founding_document", "envoy__joint_with",
            "sanctions_panel__regime_document",
        ).prefetch_related("host_countries")
        for m in missions.order_by("pk"):
            envoy = getattr(m, "envoy", None)
            panel = getattr(m, "sanctions_panel", None)
            yield {
                "acronym": m.acronym, "name": m.name, "cluster": m.cluster.slug, "kind": m.kind,
                "is_spm": _yes(m.is_spm),
                "host_countries": ";".join(sorted(c.iso3 for c in m.host_countries.all())),
                "region": m.region.name if m.region else "", "base": m.base,
                "start_date": m.start, "end_date": m.end, "mandating_body": m.mandating_body,
                "founding_document": m.founding_document.symbol if m.founding_document else "",
                "in_2013_annex": _yes(m.in_2013_annex), "in_2024_page": _yes(m.in_2024_page),
                "source": m.source, "confidence": m.confidence, "notes": m.notes,
                "category": m.category, "end_unknown": _yes(m.end_unknown),
                "envoy_seat": envoy.seat if envoy else "",
                "joint_with": envoy.joint_with.acronym if envoy and envoy.joint_with else "",
                "sanctions_committee": panel.committee if panel else "",
                "regime_document": panel.regime_document.symbol
                if panel and panel.regime_document else "",
                "experts": panel.experts if panel and panel.experts is not None else "",
                "expertise": ";".join(panel.expertise) if panel else "",
                "panel_base": panel.panel_base if panel else "",
            }
    elif file == "transitions.csv":
        transitions = narrow(Transition.objects).select_related(
            "predecessor", "successor", "country", "document"
        )
        for t in transitions.order_by("pk"):
            yield {
                "from_acronym": t.predecessor.acronym, "to_acronym": t.successor.acronym,
                "date": t.when, "kind": t.kind, "country": t.country.iso3 if t.country else "",
                "document": t.document.symbol if t.document else "", "source": t.source,
                "confidence": t.confidence, "notes": t.notes,
            }
    elif file == "mandates.csv":
        mandates = narrow(Mandate.objects).select_related("mission", "document").prefetch_related(
            "mandate_areas", "tasks"
        )
        for m in mandates.order_by("pk"):
            yield {
                "acronym": m.mission.acronym, "document": m.document.symbol if m.document else "",
                "in_force_from": m.start, "in_force_until": m.end,
                "mandate_areas": ";".join(sorted(a.slug for a in m.mandate_areas.all())),
                "tasks": ";".join(sorted(t.name for t in m.tasks.all())),
                "completeness": m.completeness, "source": m.source, "confidence": m.confidence,
                "notes": m.notes,
            }
    elif file == "appointments.csv":
        appointments = narrow(Appointment.objects).select_related("mission", "person")
        for a in appointments.order_by("pk"):
            yield {
                "acronym": a.mission.acronym, "person": a.person.name, "title": a.title,
                "gender": a.person.gender, "start_date": a.start, "end_date": a.end,
                "end_unknown": _yes(a.end_unknown), "source": a.source,
                "confidence": a.confidence, "notes": a.notes,
            }
    elif file == "partnerships.csv":
        partnerships = Partnership.objects.select_related("mission", "organization")
        for p in partnerships.order_by("pk"):
            yield {
                "acronym": p.mission.acronym, "organization": p.organization.acronym,
                "organization_name": p.organization.name, "kind": p.kind,
                "start_date": p.start, "end_date": p.end, "source": p.source,
                "confidence": p.confidence, "notes": p.notes,
            }
    elif file == "mission_mandate_areas.csv":
        attestations = AreaAttestation.objects.select_related("mission", "mandate_area")
        for a in attestations.order_by("pk"):
            yield {
                "acronym": a.mission.acronym, "mandate_area_slug": a.mandate_area.slug,
                "from_year": a.from_year or "", "to_year": a.to_year or "", "source": a.source,
            }


def registry_export(*, directory: Path) -> dict[str, int]:
    """Write every file of the bundle layout into `directory`; return the rows per file."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = {}
    for file, columns in FILES.items():
        with (directory / file).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            written[file] = 0
            for row in export_rows(file):
                writer.writerow(row)
                written[file] += 1
    return written

