"""What every API response promises: JSON without NaN or Infinity, and documented errors.

* :class:`FiniteJSONRenderer`: a float that is not finite (a legacy stored value, a division by zero) is written
  as ``null`` — ``NaN`` and ``Infinity`` are not JSON (RFC 8259 §6) and break strict clients.
* :func:`document_errors`: every operation of the OpenAPI document lists the errors the platform answers with
  (401 not logged in, 403 not permitted, 404 not found, 422 a parameter outside its bounds), each a JSON object
  with ``detail``.
"""

from __future__ import annotations

import json
import math
from typing import Any

from ninja.renderers import JSONRenderer

ERRORS = {
    "401": "未登录 / not authenticated",
    "403": "无权限 / permission denied",
    "404": "不存在 / not found",
    "422": "参数无效或超出范围 / invalid parameter or outside its bounds",
}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"anyOf": [{"type": "string"}, {"type": "array"}, {"type": "object"}]}},
    "required": ["detail"],
}


def finite(data: Any) -> Any:
    """*data* with every non-finite float replaced by None (recursively through dicts, lists and tuples)."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: finite(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [finite(v) for v in data]
    return data


class FiniteJSONRenderer(JSONRenderer):
    """ninja's JSON renderer, refusing NaN and Infinity (written as null)."""

    def render(self, request, data, *, response_status):
        return json.dumps(finite(data), cls=self.encoder_class, allow_nan=False, **self.json_dumps_params)


def document_errors(schema: dict) -> dict:
    """Add the platform's error responses to every operation of an OpenAPI *schema* that lacks them."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status, text in ERRORS.items():
                if status not in responses and int(status) not in responses:
                    responses[status] = {
                        "description": text,
                        "content": {"application/json": {"schema": ERROR_SCHEMA}},
                    }
    return schema
