"""Checking API responses against the platform's own OpenAPI document."""

from __future__ import annotations

import functools
import json

from django.core.serializers.json import DjangoJSONEncoder
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = "urn:meili-openapi"


@functools.lru_cache(maxsize=1)
def openapi() -> dict:
    from meili.api.router import api

    # as served at /api/openapi.json: JSON keys are strings (ninja keeps status codes as ints)
    return json.loads(json.dumps(api.get_openapi_schema(), cls=DjangoJSONEncoder))


def _rooted(node):
    """Point local ``#/components/...`` references at the OpenAPI document in the registry."""
    if isinstance(node, dict):
        return {k: (ROOT + v if k == "$ref" and v.startswith("#/") else _rooted(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_rooted(v) for v in node]
    return node


def validate_response(method: str, path: str, status: int, body) -> None:
    """Raise ``jsonschema.ValidationError`` if *body* does not match the documented response."""
    spec = openapi()
    operation = spec["paths"][path][method.lower()]
    schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
    registry = Registry().with_resource(ROOT, Resource.from_contents(spec, default_specification=DRAFT202012))
    Draft202012Validator(_rooted(schema), registry=registry).validate(body)
