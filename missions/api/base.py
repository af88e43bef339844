"""The registry's viewset bases and shared serializer fields (config/api.py holds the plumbing)."""

import copy

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_flex_fields.serializers import FlexFieldsSerializerMixin
from rest_framework import (
    mixins,
    parsers,
    permissions,
    renderers,
    serializers,
    status,
    viewsets,
)
from rest_framework.response import Response

from config.api import (
    ConditionalRequestMixin,
    CSVRenderer,
    ErrorSerializer,
    FilterBackend,
    JSONParser,
    JSONRenderer,
    StrictParametersMixin,
    parse_flag,
    prepared_statements,
    stable_order,
)

from ..compiled import CompiledQuery
from ..dates import format_partial_date, parse_partial_date

__all__ = [
    "ClosePermission",
    "BriefRelatedField",
    "FlexModelSerializer",
    "ChangePermission",
    "KeyRelatedField",
    "LinkField",
    "ModelSerializer",
    "PartialDateField",
    "ReadOnlyRegistryViewSet",
    "RegistrySchema",
    "RegistryViewSet",
    "raise_as_api_errors",
]

PARTIAL_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


# -- fields -----------------------------------------------------------------------------------


@extend_schema_field(
    {
        "type": "string",
        "nullable": True,
        "pattern": PARTIAL_DATE_PATTERN,
        "description": "YYYY, YYYY-MM or YYYY-MM-DD: the date at the precision a source gives.",
    }
)
class PartialDateField(serializers.Field):
    """A date at its precision ("2009", "2009-03", "2009-03-15") over a date and precision pair."""

    def __init__(self, field: str, bound: str, **kwargs):
        # start_date goes with start_precision, date with date_precision.
        self.date_field, self.bound = field, bound
        self.precision_field = f"{field.removesuffix('_date')}_precision"
        kwargs.setdefault("source", "*")
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_representation(self, instance):
        day = getattr(instance, self.date_field)
        return format_partial_date(day, getattr(instance, self.precision_field)) or None

    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError(_("A date is written YYYY, YYYY-MM or YYYY-MM-DD."))
        try:
            day, precision = parse_partial_date(data, self.bound)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None
        return {self.date_field: day, self.precision_field: precision}

    def validate_empty_values(self, data):
        if data is None or data == "":
            if self.read_only:
                return True, data
            if not self.allow_null:
                self.fail("null")
            # An empty bound is a value here (no end: still in force), not a missing field.
            return True, {self.date_field: None, self.precision_field: "day"}
        return super().validate_empty_values(data)


_LINK_SENTINEL = 987654321
_link_paths: dict = {}


def link_template(view_name: str, request) -> str:
    """Return the absolute URL of `view_name`'s detail with `{}` where the pk goes.

    Relative to the site when there is no request, as DRF's hyperlinks are.
    """
    # A detail path differs only by its pk: reverse once per view name and script prefix.
    key = (view_name, get_script_prefix())
    path = _link_paths.get(key)
    if path is None:
        path = _escape_braces(reverse(view_name, kwargs={"pk": _LINK_SENTINEL}))
        path = _link_paths[key] = path.replace(str(_LINK_SENTINEL), "{}")
    if request is None:
        return path
    # Built once per request: most rows of a page carry several links.
    root = getattr(request, "_api_link_root", None)
    if root is None:
        root = request._api_link_root = _escape_braces(request.build_absolute_uri("/")[:-1])
    return root + path


def _escape_braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


class LinkField(serializers.HyperlinkedIdentityField):
    """The absolute URL of a row's detail; canonical (no ?format=), and cheap to build."""

    def get_url(self, obj, view_name, request, format):
        if obj.pk is None:
            return None
        return link_template(view_name, request).format(obj.pk)


class KeyRelatedField(serializers.SlugRelatedField):
    """A reference by natural key (slug, ISO code, symbol); text no key holds is refused first.

    PostgreSQL rejects a NUL character in a query outright, so it never reaches the database.
    """

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


class BriefRelatedField(serializers.RelatedField):
    """A reference read as the row's brief form and written as its id or natural key."""

    default_error_messages = {
        "does_not_exist": _("Nothing matches {value}."),
        "incorrect_type": _("Give an id or a {name}."),
    }

    def __init__(self, brief, key: str | None = None, **kwargs):
        self.brief, self.key = brief, key
        super().__init__(**kwargs)

    def use_pk_only_optimization(self):
        return False

    def to_representation(self, value):
        return self.brief(value, context=self.context).data

    def to_internal_value(self, data):
        if isinstance(data, dict):
            data = data.get("id")
        if isinstance(data, str) and data.strip().isdigit():
            data = int(data.strip())
        lookup = None
        if isinstance(data, int) and not isinstance(data, bool):
            # Beyond a 64-bit key nothing can match (and PostgreSQL would refuse the query).
            lookup = {"pk": data} if abs(data) < 2**63 else None
            if lookup is None:
                self.fail("does_not_exist", value=data)
        elif isinstance(data, str) and data.strip() and self.key and "\x00" not in data:
            lookup = {self.key: data.strip()}
        if lookup is None:
            self.fail("incorrect_type", name=self.key or "id")
        try:
            return self.get_queryset().get(**lookup)
        except ObjectDoesNotExist:
            self.fail("does_not_exist", value=data)


class BriefRelatedFieldExtension(OpenApiSerializerFieldExtension):
    target_class = BriefRelatedField

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            key = self.target.key or "id"
            return {
                "oneOf": [{"type": "integer"}, {"type": "string"}],
                "description": f"The id, or the {key}.",
            }
        return auto_schema.resolve_serializer(self.target.brief, direction).ref


# -- serializer bases -------------------------------------------------------------------------


class ModelFieldsOnceMixin:
    """Build a ModelSerializer's fields from its model once per class, not once per instance.

    DRF introspects the model again for every serializer instance, and a mission detail holds a
    dozen nested ones. What it builds depends on the class alone, so each instance gets a deep
    copy of the first build, as DRF already copies declared fields.
    """

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = cls._built_fields = super().get_fields()
        return copy.deepcopy(built)


class ModelSerializer(ModelFieldsOnceMixin, serializers.ModelSerializer):
    """DRF's ModelSerializer, its fields built once per class."""


class FlexModelSerializer(FlexFieldsSerializerMixin, ModelSerializer):
    """drf-flex-fields' serializer (`?fields=`, `?omit=`), its fields built once per class."""


# -- reading ----------------------------------------------------------------------------------


class CompiledValues:
    """A `.values()` query the ORM writes once per connection; each call binds its own keys.

    The small queries of a detail page cost the ORM more to write than the database to answer.
    `build(*keys)` returns the queryset; it is compiled with stand-in keys (CompiledQuery), and
    each call puts the real keys in their places. Rows come back as `.values()` gives them,
    through the same converters.
    """

    STAND_IN = 8_070_450_532_247_928_832  # 2**63 - 2**60: no key reaches it; key n is + n

    def __init__(self, build):
        self.build = build
        self._queries: dict[int, CompiledQuery] = {}  # by the number of keys

    def __call__(self, *keys: int, using: str = DEFAULT_DB_ALIAS) -> list[dict]:
        compiled = self._queries.get(len(keys))
        if compiled is None:
            compiled = self._queries[len(keys)] = CompiledQuery(
                lambda given: self.build(*(given[n] for n in range(len(keys)))),
                {n: self.STAND_IN + n for n in range(len(keys))},
            )
        connection = connections[using]
        query, compiler, _, _, _ = compiled.compiled(connection)
        sql, params = compiled.bind(connection, keys)  # key n in the place of stand-in n
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        # As ValuesIterable names them.
        columns = list(query.selected or ())
        columns = columns or [*query.extra_select, *query.values_select, *query.annotation_select]
        return [dict(zip(columns, row, strict=True)) for row in compiler.results_iter([rows])]


# -- permissions ------------------------------------------------------------------------------


class ChangePermission(permissions.DjangoModelPermissions):
    """For a POST action that changes a row (close, renew): the change permission, not add."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "POST": ["%(app_label)s.change_%(model_name)s"],
    }


class ClosePermission(ChangePermission):
    """Closing a mission writes mandates, tenures, partnerships and a transition too."""

    def has_permission(self, request, view) -> bool:
        from ..services import MISSION_CLOSE_PERMISSIONS

        return super().has_permission(request, view) and (
            request.method in permissions.SAFE_METHODS
            or request.user.has_perms(MISSION_CLOSE_PERMISSIONS)
        )


def raise_as_api_errors(exc: DjangoValidationError, renames: dict[str, str]):
    """Raise a service's ValidationError as a 400 naming the API's fields."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    raise serializers.ValidationError(
        {renames.get(name, name): messages for name, messages in errors.items()}
    ) from None


# -- schema -----------------------------------------------------------------------------------


class RegistrySchema(AutoSchema):
    """Document what the registry viewsets add: brief/fields/omit, error bodies, write bodies.

    settings.REST_FRAMEWORK makes it every view's schema, so every error is documented alike.
    """

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        view = self.view
        if (
            self.method == "GET"
            and getattr(view, "brief_serializer_class", None)
            and getattr(view, "action", None) in ("list", "retrieve")
        ):
            parameters += [
                OpenApiParameter("brief", OpenApiTypes.BOOL, description="Short form only."),
                OpenApiParameter("fields", str, description="Comma-separated fields to keep."),
                OpenApiParameter("omit", str, description="Comma-separated fields to drop."),
            ]
        return parameters

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "response" and isinstance(serializer, FlexFieldsSerializerMixin):
            # ?fields=, ?omit= and ?brief=1 may leave any field out of a response.
            schema.pop("required", None)
        return schema

    def get_response_serializers(self):
        if self.method in ("POST", "PUT", "PATCH") and hasattr(
            self.view, "get_detail_serializer_class"
        ):
            return self.view.get_detail_serializer_class()
        return super().get_response_serializers()

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["400", "429"]
        if self.method == "GET" and isinstance(self.view, ConditionalRequestMixin):
            responses.setdefault("304", {"description": _("Not modified (If-None-Match).")})
        if "{" in self.path:
            codes.append("404")
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            codes += ["401", "403"]
            if self.method in ("PUT", "PATCH", "DELETE") or "{" in self.path:
                codes.append("412")
            if self.method == "DELETE":
                codes.append("409")
        for code in codes:
            responses.setdefault(code, self._get_response_for_code(ErrorSerializer, code))
        return responses


# -- viewsets ---------------------------------------------------------------------------------


class RegistryMixin(ConditionalRequestMixin, StrictParametersMixin):
    """A model's endpoints: brief/full/detail forms, strict parameters, ETags, CSV.

    Set `queryset` (for lists), `serializer_class` (lists and writes) and optionally
    `detail_queryset` and `detail_serializer_class` (the detail, and a write's response body)
    and `brief_serializer_class` (`?brief=1`).
    """

    detail_queryset = None
    detail_serializer_class = None
    brief_serializer_class = None
    renderer_classes = [JSONRenderer, renderers.BrowsableAPIRenderer, CSVRenderer]
    filter_backends = [FilterBackend]
    parser_classes = [JSONParser, parsers.FormParser, parsers.MultiPartParser]
    schema = RegistrySchema()

    def dispatch(self, request, *args, **kwargs):
        if request.method in ("GET", "HEAD"):
            with prepared_statements():
                return super().dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        if self.detail_queryset is not None and self.action != "list":
            return self.detail_queryset.all()
        return super().get_queryset()

    def get_serializer_class(self):
        if self.brief_serializer_class and self._brief():
            return self.brief_serializer_class
        if self.action == "retrieve":
            return self.get_detail_serializer_class()
        return self.serializer_class

    def get_detail_serializer_class(self):
        return self.detail_serializer_class or self.serializer_class

    def _brief(self) -> bool:
        request = getattr(self, "request", None)
        return bool(
            request is not None
            and request.method == "GET"
            and hasattr(request, "query_params")
            and parse_flag(request, "brief")
        )

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        trimmed = "fields" in request.query_params or "omit" in request.query_params
        if request.method == "GET" and trimmed:
            self._check_field_names(request)

    def _check_field_names(self, request) -> None:
        from config.api import QueryParameterError

        known = set(self.get_serializer_class()().fields)
        for name in ("fields", "omit"):
            wanted = {
                part.split(".")[0].strip()
                for value in request.query_params.getlist(name)
                for part in value.split(",")
                if part.strip()
            }
            if wrong := sorted(wanted - known):
                raise QueryParameterError(
                    {name: [_("Unknown field: %(names)s.") % {"names": ", ".join(wrong)}]}
                )

    # -- reading (Last-Modified comes from the rows read)

    def last_modified_of(self, rows):
        stamps = [
            stamp
            for row in rows
            if (
                stamp := row.get("updated_at")
                if isinstance(row, dict)
                else getattr(row, "updated_at", None)
            )
        ]
        return max(stamps) if stamps else None

    def related_for_last_modified(self, obj) -> list:
        """Return the related rows a detail shows (already prefetched), for Last-Modified."""
        return []

    def list(self, request, *args, **kwargs):
        queryset = stable_order(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(self.list_rows(queryset))
        self._last_modified = self.last_modified_of(rows)
        data = self.represent(rows)
        return self.get_paginated_response(data) if page is not None else Response(data)

    def list_rows(self, queryset):
        """Return what a list page reads: model instances here; a fast path may read values."""
        return queryset

    def represent(self, rows) -> list:
        """Return the representation of a list page's `rows`."""
        return self.get_serializer(rows, many=True).data

    def get_object(self):
        obj = super().get_object()
        self._last_modified = self.last_modified_of([obj, *self.related_for_last_modified(obj)])
        return obj

    def detail_data(self, instance) -> dict:
        """Return what GET on the detail URL gives for `instance` now."""
        instance = self.get_queryset().get(pk=instance.pk)
        serializer_class = self.get_detail_serializer_class()
        return serializer_class(instance, context=self.get_serializer_context()).data

    def current_etag(self, instance) -> str:
        return self.etag_for(self.detail_data(instance))


class ReadOnlyRegistryViewSet(
    RegistryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """List and detail of a model, with everything RegistryMixin adds."""


class RegistryViewSet(RegistryMixin, viewsets.ModelViewSet):
    """List, detail and writes; writes validate with full_clean() and honour If-Match."""

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            self.perform_create(serializer)
        return self._written(serializer.instance, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            self.lock(self.get_object())
            instance = self.get_object()  # read again, now that no one else can write it
            self.check_if_match(instance)
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            self.perform_update(serializer)
        return self._written(serializer.instance, status.HTTP_200_OK)

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self.get_object()
            self.lock(instance)
            self.check_if_match(instance)
            self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _written(self, instance, code: int) -> Response:
        data = self.detail_data(instance)
        headers = {"ETag": self.etag_for(data)}
        if data.get("url"):
            headers["Location"] = str(data["url"])
        return Response(data, status=code, headers=headers)
