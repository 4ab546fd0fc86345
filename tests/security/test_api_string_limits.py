"""Every string the API accepts has a documented maximum length (issue 11, finding 4).

Walks /api/v1/openapi.json: each string in a path, a query, or a request body (at any depth,
through references, unions and arrays) declares `maxLength`, unless an enumeration or a date
format bounds it already.
"""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

BOUNDED_FORMATS = {"date", "date-time", "binary"}


def unbounded_strings(document: dict) -> list[str]:
    schemas = document["components"]["schemas"]
    found: list[str] = []

    def resolve(schema: dict) -> dict:
        while "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    def walk(schema: dict, where: str) -> None:
        schema = resolve(schema)
        for key in ("anyOf", "oneOf", "allOf"):
            for part in schema.get(key, []):
                walk(part, where)
        if (schema.get("type") == "string" and "maxLength" not in schema and "enum" not in schema
                and schema.get("format") not in BOUNDED_FORMATS):
            found.append(where)
        if "items" in schema:
            walk(schema["items"], f"{where}[]")
        for name, part in schema.get("properties", {}).items():
            walk(part, f"{where}.{name}")
        if isinstance(schema.get("additionalProperties"), dict):
            walk(schema["additionalProperties"], f"{where}.*")

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                walk(parameter.get("schema", {}),
                     f"{method.upper()} {path} {parameter['in']} {parameter['name']}")
            for media in operation.get("requestBody", {}).get("content", {}).values():
                walk(media["schema"], f"{method.upper()} {path} body")
    return found


def test_every_string_the_api_accepts_has_a_documented_maximum_length():
    document = Client().get("/api/v1/openapi.json").json()
    assert unbounded_strings(document) == []
