"""The error answers of API v1 in its OpenAPI document, so every status code it returns is documented.

Errors are answered by the exception handlers of ``api/errors.py`` (and by the input gate, the
Idempotency-Key middleware, the lockout and the rate limits), not by the operations' own response
schemas; this adds them to every operation, with the one JSON shape they share.
"""

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "machine-readable, e.g. validation_error"},
        "message": {"type": "string", "description": "for people, in the caller's language"},
        "details": {"type": "object"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["code", "message"],
}

ERRORS = {
    "400": "A NUL byte or a lone surrogate in the request (`invalid_characters`), or a malformed "
           "`Idempotency-Key` (`bad_idempotency_key`).",
    "401": "No token or an unknown one (`unauthorized`).",
    "403": "The token may not do this (`forbidden`).",
    "404": "Not found, or not yours (`not_found`).",
    "409": "A rule of the ticket domain refuses the change (`transition_not_allowed`, "
           "`invalid_operation`, e.g. an undo too late), or the ticket changed since the "
           "version the caller saw (`stale_ticket`).",
    "413": "The request body is too large.",
    "422": "Invalid data: unknown fields, wrong types, values too long or out of range, refused "
           "files (`validation_error`), a cancelling without a reason (`reason_required`), or an "
           "`Idempotency-Key` reused for another request.",
    "429": "Too many requests or sign-in failures; see `Retry-After` (`rate_limited`, `locked`).",
}


def add_error_responses(schema: dict) -> dict:
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                responses.setdefault(status, {"description": description, "content": content})
    return schema
