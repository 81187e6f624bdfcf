"""The API's contract: how the OpenAPI schema names its components, and the answers every
operation can give besides its own.

ninja builds the schema one model at a time and merges the definitions of each into one
`components` table by their short class name: `PayrollRun.State` and `Competition.State` were
both "State", the last one written won, and a payroll run's "closed" was refused by the schema.
Here a component is named after its class path without the module (`PayrollRunState`,
`CompetitionKind`), and two different definitions under one name stop the schema from being
built at all (tests/api/test_openapi.py builds it).
"""

import re
from typing import Annotated, Any, Union

from django.core.exceptions import ImproperlyConfigured
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.schema import NinjaGenerateJsonSchema
from pydantic import WithJsonSchema
from pydantic.json_schema import DefsRef

from .common import Message


def component_name(core_ref: str) -> str:
    """`residanat.payroll.models.PayrollRun.State:1403` → `PayrollRunState`: the classes of the
    path (capitalised, as every class here is), without the modules and the id."""
    names = []
    for part in re.split(r"([\][,])", core_ref):
        dotted = part.rsplit(":", 1)[0].split(".")
        classes = []
        for segment in reversed(dotted):
            if not segment[:1].isupper():
                break
            classes.insert(0, segment)
        names.append("".join(classes) or dotted[-1])
    return re.sub(r"[^a-zA-Z0-9_\-\[\],]", "_", "".join(names))


class ComponentNames(NinjaGenerateJsonSchema):
    def get_defs_ref(self, core_mode_ref) -> DefsRef:
        defs_ref = super().get_defs_ref(core_mode_ref)
        # Our name first; pydantic keeps its own longer ones for a clash inside one model.
        self._prioritized_defsref_choices[defs_ref].insert(0, DefsRef(component_name(core_mode_ref[0])))
        return defs_ref

    def field_is_required(self, field, total) -> bool:
        # An answer carries every field of its schema (a null is written, never left out), so
        # every field of an answer is required, defaults or not.
        if self.mode == "serialization":
            return field.get("serialization_exclude_if") is None and not field.get("serialization_exclude")
        return super().field_is_required(field, total)


class _Named:
    """A model seen by ninja's OpenAPISchema, whose JSON schema ComponentNames generates."""

    def __init__(self, model):
        self._model = model

    def __getattr__(self, name):
        return getattr(self._model, name)

    def model_json_schema(self, **kwargs):
        return self._model.model_json_schema(**{**kwargs, "schema_generator": ComponentNames})


def _named(model):
    return model if isinstance(model, _Named) else _Named(model)


class ContractSchema(OpenAPISchema):
    def _extract_parameters(self, model):
        return super()._extract_parameters(_named(model))

    def _create_schema_from_model(self, model, *args, **kwargs):
        return super()._create_schema_from_model(_named(model), *args, **kwargs)

    def add_schema_definitions(self, definitions: dict) -> None:
        for name, definition in definitions.items():
            if name in self.schemas and self.schemas[name] != definition:
                raise ImproperlyConfigured(
                    f"Two API schemas are named {name!r}: {self.schemas[name]} and {definition}; rename one.")
        super().add_schema_definitions(definitions)


class ContractAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return ContractSchema(self, path_prefix)


# --- the answers the framework gives to any operation -------------------------------------------

# What ninja answers when a parameter or the body does not validate; PATCH /people/{id} sends
# the form's own messages in the same shape (no "type").
ValidationErrors = Annotated[dict[str, Any], WithJsonSchema({
    "title": "ValidationErrors",
    "type": "object",
    "required": ["detail"],
    "properties": {"detail": {"type": "array", "items": {
        "type": "object",
        "required": ["loc", "msg"],
        "properties": {
            "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
            "msg": {"type": "string"},
            "type": {"type": "string"},
            "ctx": {"type": "object"},
        },
    }}},
})]


def declare_framework_answers(api: NinjaAPI) -> None:
    """Add to every operation of the schema the answers no view writes but every request can get:
    401 without a valid token or session, 403 from a refusal raised below the view (urls.py),
    404 for an id not found or not in the caller's scope (or not an id at all), 422 for a
    parameter or a body that does not validate (ninja's ValidationErrors shape), 400 for a body
    that is not JSON at all or a NUL character anywhere in the request (refusals.py), and for a
    write 409 when a database constraint refuses it (refusals.py). An operation whose own answer
    has that status declares either."""
    for _prefix, router, *_rest in api._router_registrations:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                if not operation.include_in_schema:
                    continue
                sources = {model.__ninja_param_source__ for model in operation.models}
                # Every request may carry a NUL character (path, query name or value, body): 400.
                answers = {400: Message, 401: Message, 403: Message}
                if "{" in path:
                    answers[404] = Message
                if sources:
                    answers[422] = ValidationErrors
                if set(operation.methods) & {"POST", "PUT", "PATCH", "DELETE"}:
                    answers[409] = Message
                for status, model in answers.items():
                    declared = operation.response_models.get(status)
                    if declared is None:
                        operation.response_models[status] = operation._create_response_model(model)
                    elif declared.model_fields["response"].annotation is not model:
                        own = declared.model_fields["response"].annotation
                        operation.response_models[status] = operation._create_response_model(Union[own, model])
