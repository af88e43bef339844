"""Plumbing every API endpoint shares: paging, CSV, errors, conditional requests, throttles.

Set once in settings.REST_FRAMEWORK (pagination, exception handler, throttles) or mixed into
views (missions/api/base.py assembles the registry's viewsets). Other endpoints import
`LimitOffsetPagination`, `CSVRenderer`, `ErrorSerializer` and `QueryParameterError` from here,
so every error has one shape:

    {"detail": "Invalid query parameter.", "code": "invalid",
     "errors": {"active_on": ["Enter a valid date."]}}
"""

import contextlib
import csv
import functools
import hashlib
import io
import json

import orjson
from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import Count, ProtectedError, RestrictedError, Window
from django.http import Http404, HttpResponseNotModified
from django.utils.http import http_date, parse_etags, quote_etag
from django.utils.translation import gettext_lazy as _
from django_filters import utils as filter_utils
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, pagination, parsers, renderers, serializers, status
from rest_framework.fields import get_error_detail
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from missions.tables import neutralise

__all__ = [
    "AnonThrottle",
    "CSVRenderer",
    "ErrorSerializer",
    "FilterBackend",
    "FullCleanMixin",
    "JSONParser",
    "JSONRenderer",
    "LimitOffsetPagination",
    "PreconditionFailed",
    "QueryParameterError",
    "ConditionalRequestMixin",
    "StrictParametersMixin",
    "UserThrottle",
    "api_exception_handler",
    "parse_flag",
    "stable_order",
]

MAX_PAGE_SIZE = 500
CONTROL_PARAMETERS = {"format", "fields", "omit", "brief"}


# -- errors -----------------------------------------------------------------------------------


class QueryParameterError(exceptions.ValidationError):
    """A query parameter the endpoint does not accept, or one with a malformed value."""

    default_detail = _("Invalid query parameter.")


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The resource has changed since you read it (If-Match does not match).")
    default_code = "precondition_failed"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("Other records still refer to this one.")
    default_code = "protected"


class ErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages per parameter or field.",
    )


def _first_code(codes) -> str:
    while isinstance(codes, dict | list) and codes:
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return codes if isinstance(codes, str) else "invalid"


def api_exception_handler(exc, context):
    """Return DRF's error response reshaped to `ErrorSerializer`; map model errors to 400/409."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=_django_errors(exc))
    elif isinstance(exc, ProtectedError | RestrictedError):
        exc = Conflict()
    elif isinstance(exc, Http404):  # DRF converts these too, but only inside its own handler
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    from rest_framework.views import exception_handler

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        summary = (
            QueryParameterError.default_detail
            if isinstance(exc, QueryParameterError)
            else _("Invalid data.")
        )
        response.data = {"detail": summary, "code": "invalid", "errors": errors}
    else:
        detail = getattr(exc, "detail", "")
        code = _first_code(exc.get_codes()) if hasattr(exc, "get_codes") else "error"
        response.data = {"detail": str(detail), "code": code}
    return response


def _django_errors(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if name == "__all__" else name): get_error_detail(
                DjangoValidationError(messages)
            )
            for name, messages in exc.error_dict.items()
        }
    return {"non_field_errors": get_error_detail(exc)}


def parse_flag(request, name: str) -> bool:
    """Return a yes/no query parameter; raise QueryParameterError on anything but a boolean."""
    value = request.query_params.get(name)
    if value is None or value.strip() == "":
        return False
    text = value.strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise QueryParameterError({name: [_("Use 1 or 0 (true or false).")]})


# -- database -----------------------------------------------------------------------------------


@contextlib.contextmanager
def prepared_statements(using: str = DEFAULT_DB_ALIAS):
    """Within: PostgreSQL binds the parameters, and a query repeated on the connection
    (settings.DB_PREPARE_THRESHOLD times) becomes a prepared statement, parsed and planned once.

    Django binds parameters in psycopg by default, so PostgreSQL parses and plans every query
    anew; the API's reads are the same few queries again and again (bench/api.py: a mission
    page's database time 5.7 -> 1.7 ms). Only around reads: a statement bound by the server
    holds at most 65,535 parameters, which a bulk write can pass.
    """
    connection = connections[using]
    threshold = settings.DB_PREPARE_THRESHOLD
    if connection.vendor != "postgresql" or threshold <= 0:
        yield
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    raw = connection.connection
    before = raw.cursor_factory, raw.prepare_threshold
    raw.cursor_factory, raw.prepare_threshold = ServerBindingCursor, threshold
    try:
        yield
    finally:
        # The prepared statements stay with the connection for the next read.
        raw.cursor_factory, raw.prepare_threshold = before


# -- filtering --------------------------------------------------------------------------------


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend; filtering binds only the filters the request names.

    A filter the query does not name filters nothing, yet a FilterSet copies every filter and
    builds its form field on each request (17 for missions: most of a filtered list's Python
    time). The browsable API's form and the OpenAPI schema still see every filter.
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        named = frozenset(request.query_params).intersection(filterset_class.base_filters)
        kwargs = self.get_filterset_kwargs(request, queryset, view)
        filterset = _with_filters(filterset_class, named)(**kwargs)
        if not filterset.is_valid() and self.raise_exception:
            raise filter_utils.translate_validation(filterset.errors)
        return filterset.qs


@functools.lru_cache(maxsize=256)
def _with_filters(filterset_class, names: frozenset):
    """Return `filterset_class` narrowed to the filters in `names` (its form and checks kept)."""
    narrowed = type(filterset_class.__name__, (filterset_class,), {})
    narrowed.__module__ = filterset_class.__module__
    narrowed.base_filters = {
        name: filter_ for name, filter_ in filterset_class.base_filters.items() if name in names
    }
    return narrowed


# -- paging -----------------------------------------------------------------------------------


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """limit/offset paging with a maximum; bad values are errors; order always ends on pk.

    A CSV download without an explicit `limit` holds every row the filters select.
    """

    max_limit = MAX_PAGE_SIZE

    @property
    def default_limit(self):
        return api_settings.PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        """Return the page's rows; a list view's `list_rows(queryset)` may say how to read them."""
        if isinstance(queryset, models.QuerySet):
            queryset = stable_order(queryset)
        if _wants_csv(request) and "limit" not in request.query_params:
            return None
        self.request = request
        self.limit = self.get_limit(request)
        self.offset = self.get_offset(request)
        read = getattr(view, "list_rows", None) if getattr(view, "action", None) == "list" else None
        if read is not None and getattr(view, "page_by_keys", False) and _by_keys(queryset):
            return self._read_by_keys(queryset, read)
        self.count = self.get_count(queryset)
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        if self.count == 0 or self.offset > self.count:
            return []
        page = queryset[self.offset : self.offset + self.limit]
        # The count runs on the filtered queryset, before any joins that reading the rows adds.
        return list(read(page) if read else page)

    def _read_by_keys(self, queryset, read) -> list:
        """Return a filtered page read by its keys (a deferred join), counting as it goes.

        One statement picks the page's keys in order and counts every match (COUNT(*) OVER
        (), one pass over the matches where a COUNT and a page each made theirs); a covering
        index may answer it alone. The page's columns are then read for those rows only: read
        whole, bench/api.py's filtered page read 2,067 rows from the table to keep 50.
        """
        keyed = queryset.annotate(page_total=Window(Count("*"))).values_list("pk", "page_total")
        pairs = list(keyed[self.offset : self.offset + self.limit])
        # Past the last match no row says how many there are.
        self.count = pairs[0][1] if pairs else self.get_count(queryset) if self.offset else 0
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        if not pairs:
            return []
        keys = [key for key, _ in pairs]
        rows = read(queryset.model._base_manager.filter(pk__in=keys).order_by())
        found = {row["id"] if isinstance(row, dict) else row.pk: row for row in rows}
        return [found[key] for key in keys if key in found]  # one deleted since: left out

    def get_limit(self, request):
        return self._integer(request, self.limit_query_param, self.default_limit, 1, self.max_limit)

    def get_offset(self, request):
        # Bounded, as SQLite's OFFSET is a 64-bit integer.
        return self._integer(request, self.offset_query_param, 0, 0, 2**62)

    def _integer(self, request, name, default, low, high):
        raw = request.query_params.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            raise QueryParameterError({name: [_("A whole number is required.")]}) from None
        if value < low or (high is not None and value > high):
            bounds = f"{low}-{high}"
            raise QueryParameterError({name: [_("Must be %(bounds)s.") % {"bounds": bounds}]})
        return value

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"].update(
                    minimum=1, maximum=self.max_limit, default=self.default_limit
                )
            elif parameter["name"] == self.offset_query_param:
                parameter["schema"].update(minimum=0, maximum=2**62, default=0)
        return parameters


def _by_keys(queryset) -> bool:
    """Whether a list's page is better read by its keys: filtered, and ordered by columns."""
    if not isinstance(queryset, models.QuerySet):
        return False
    query = queryset.query
    return bool(
        query.where
        and not query.distinct
        and all(
            isinstance(key, str) and key.lstrip("-") not in query.annotations
            for key in query.order_by
        )
    )


def stable_order(queryset):
    """Return `queryset` ordered as before with pk as the last key, so pages never overlap."""
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering or [])
    if not any(key.lstrip("-") in {"pk", "id"} for key in ordering if isinstance(key, str)):
        ordering.append("pk")
    return queryset.order_by(*ordering)


# -- CSV --------------------------------------------------------------------------------------


def _wants_csv(request) -> bool:
    renderer = getattr(request, "accepted_renderer", None)
    return getattr(renderer, "format", None) == "csv"


def _label(value) -> str:
    if isinstance(value, dict):
        for key in ("acronym", "slug", "iso3", "symbol", "name", "id"):
            if value.get(key) not in (None, ""):
                return str(value[key])
        return json.dumps(value, cls=DjangoJSONEncoder)
    return "" if value is None else str(value)


def _flatten(value, prefix: str, row: dict) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else key, row)
    elif isinstance(value, list):
        row[prefix] = " | ".join(_label(item) for item in value)
    elif isinstance(value, bool):
        row[prefix] = "true" if value else "false"
    else:
        row[prefix] = "" if value is None else value


class CSVRenderer(renderers.BaseRenderer):
    """Render a list as CSV: nested objects become dotted columns, lists join with ' | '."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if isinstance(data, dict) and "results" in data:
            data = data["results"]
        if isinstance(data, dict):
            data = [data]
        rows, columns = [], {}
        for item in data:
            row: dict = {}
            _flatten(item, "", row)
            rows.append(row)
            columns.update(dict.fromkeys(row))
        if not rows:
            columns = dict.fromkeys(self._empty_columns(renderer_context))
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: neutralise(value) for key, value in row.items()})
        response = (renderer_context or {}).get("response")
        view = (renderer_context or {}).get("view")
        if response is not None and response.status_code < 400 and view is not None:
            name = getattr(view, "basename", None) or "export"
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return out.getvalue().encode(self.charset)

    def _empty_columns(self, renderer_context) -> list[str]:
        view = (renderer_context or {}).get("view")
        try:
            return list(view.get_serializer().fields)
        except Exception:  # noqa: BLE001 - a header is a courtesy, not a requirement
            return []


# -- JSON -------------------------------------------------------------------------------------


class JSONRenderer(renderers.JSONRenderer):
    """DRF's compact JSON, written by orjson (several times faster on a page of 100 rows).

    Types orjson does not know (lazy strings, Decimal, dates, sets) go through DRF's encoder,
    so the bytes are DRF's; indented or ASCII-only JSON (settings, the browsable API) is left
    to DRF.
    """

    options = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        indent = self.get_indent(accepted_media_type, renderer_context or {})
        if indent is not None or self.ensure_ascii or not self.compact:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            content = orjson.dumps(data, default=self.encoder_class().default, option=self.options)
        except orjson.JSONEncodeError:  # an integer beyond 64 bits, say: DRF's json writes it
            return super().render(data, accepted_media_type, renderer_context)
        # As DRF does: these two are valid JSON but end a line in JavaScript.
        return content.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")


# -- parsing --------------------------------------------------------------------------------


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with a body nested too deep for Python refused as a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("JSON parse error: nested too deep.")) from None


# -- throttles --------------------------------------------------------------------------------


class _SettingsRate:
    # DRF binds THROTTLE_RATES when the module is imported; read it per request instead, so a
    # changed setting (a test's override) applies at once.
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_SettingsRate, AnonRateThrottle):
    """Throttle anonymous clients at REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"]."""


class UserThrottle(_SettingsRate, UserRateThrottle):
    """Throttle signed-in clients at REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["user"].

    DRF's UserRateThrottle counts anonymous clients too, by address; they have AnonThrottle.
    """

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None  # not throttled here
        return super().get_cache_key(request, view)


# -- serializers ------------------------------------------------------------------------------


class FullCleanMixin:
    """Validate a write with the model's full_clean(): the rules the admin applies, as 400s.

    `clean()` may normalise values (widening an imprecise date); those are written back.
    """

    # Model field -> the serializer field a client wrote it through.
    error_field_names = {
        "start_date": "start",
        "start_precision": "start",
        "end_date": "end",
        "end_precision": "end",
    }

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        concrete = {field.name for field in model._meta.concrete_fields}
        plain = {key: value for key, value in attrs.items() if key in concrete}
        if self.instance is not None:
            candidate = model.objects.get(pk=self.instance.pk)
            for key, value in plain.items():
                setattr(candidate, key, value)
        else:
            candidate = model(**plain)
        try:
            candidate.full_clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(self._rename(_django_errors(exc))) from None
        for key in plain:
            attrs[key] = getattr(candidate, key)
        return attrs

    def _rename(self, errors: dict) -> dict:
        writable = {key for key, field in self.fields.items() if not field.read_only}
        sources = {field.source: key for key, field in self.fields.items() if key in writable}
        renamed: dict = {}
        for name, messages in errors.items():
            if name not in writable:
                name = self.error_field_names.get(name, name)
            if name not in writable and name != "non_field_errors":
                name = sources.get(name, "non_field_errors")
            renamed.setdefault(name, []).extend(messages)
        return renamed


# -- view mixins (plain classes: this module is imported by DRF's settings, so no views here) --


class StrictParametersMixin:
    """Refuse query parameters the endpoint does not know, and report filter errors as such."""

    def allowed_query_parameters(self) -> set[str]:
        allowed = set(CONTROL_PARAMETERS)
        if getattr(self, "action", None) == "list":
            paginator = getattr(self, "paginator", None)
            if paginator is not None:
                allowed |= {paginator.limit_query_param, paginator.offset_query_param}
            filterset_class = getattr(self, "filterset_class", None)
            if filterset_class is not None:
                allowed |= set(filterset_class.base_filters)
        return allowed

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        unknown = sorted(set(request.query_params) - self.allowed_query_parameters())
        if unknown:
            raise QueryParameterError({name: [_("Unknown parameter.")] for name in unknown})

    def filter_queryset(self, queryset):
        filterset_class = getattr(self, "filterset_class", None)
        only_filtersets = all(
            issubclass(backend, DjangoFilterBackend) for backend in self.filter_backends
        )
        if (
            filterset_class is not None
            and only_filtersets
            and not set(self.request.query_params) & set(filterset_class.base_filters)
        ):
            # Nothing to filter by: skip building the FilterSet and its form (the hot path).
            return queryset
        try:
            return super().filter_queryset(queryset)
        except exceptions.ValidationError as exc:
            if isinstance(exc, QueryParameterError):
                raise
            raise QueryParameterError(exc.detail) from None


def _etag(format_: str, content: bytes) -> str:
    digest = hashlib.blake2b(format_.encode(), digest_size=16)
    digest.update(content)
    return quote_etag(digest.hexdigest())


def _weak_etags(header: str) -> list[str]:
    # If-None-Match compares weakly: W/"x" matches "x".
    return [tag[2:] if tag.startswith("W/") else tag for tag in parse_etags(header)]


class ConditionalRequestMixin:
    """ETag and Last-Modified on reads, 304 on If-None-Match, 412 on a stale If-Match.

    The ETag hashes the rendered response and its format, so it changes whenever what a client
    sees changes (nested rows included); If-Match compares with the JSON form. A view sets
    `self._last_modified` while reading.
    """

    def etag_for(self, data) -> str:
        """Return the ETag of `data` as a JSON GET renders it (for a write's response)."""
        content = JSONRenderer().render(data, "application/json")
        return _etag("json", content)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code >= 400 and _wants_csv(request):
            # Errors stay JSON, whatever format the rows were asked in.
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = "application/json"
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and isinstance(response, Response)
            and response.data is not None
        ):
            # Render now (Django will not render twice) and hash what the client receives.
            response.render()
            renderer = getattr(response, "accepted_renderer", None)
            etag = _etag(getattr(renderer, "format", ""), response.content)
            response["ETag"] = etag
            last_modified = getattr(self, "_last_modified", None)
            if last_modified is not None:
                response["Last-Modified"] = http_date(last_modified.timestamp())
            wanted = request.META.get("HTTP_IF_NONE_MATCH")
            if wanted and (wanted.strip() == "*" or etag in _weak_etags(wanted)):
                not_modified = HttpResponseNotModified()
                for header in ("ETag", "Last-Modified", "Vary", "Cache-Control"):
                    if header in response:
                        not_modified[header] = response[header]
                return not_modified
        return response

    def current_etag(self, instance) -> str:
        """Return the ETag a GET of `instance`'s detail URL gives now."""
        raise NotImplementedError

    def check_if_match(self, instance) -> None:
        """Raise PreconditionFailed unless If-Match names the current representation.

        Call inside the write's transaction, after `lock()`.
        """
        wanted = self.request.META.get("HTTP_IF_MATCH")
        if not wanted or wanted.strip() == "*":
            return
        if self.current_etag(instance) not in parse_etags(wanted):
            raise PreconditionFailed()

    def lock(self, instance) -> None:
        """Hold `instance`'s row until the transaction ends, so two writers cannot both pass."""
        type(instance)._default_manager.select_for_update().filter(pk=instance.pk).exists()
