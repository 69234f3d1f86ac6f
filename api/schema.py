"""How drf-spectacular describes our key authentication (imported in ApiConfig.ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key nlk_…` — the key as shown once when it was issued.",
        }


PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details; `errors` names the fields of a 400.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["type", "title", "status"],
}
_DESCRIPTIONS = {
    "400": "Invalid input (the fields are named in `errors`)",
    "401": "No key, or a key that is unknown, expired, revoked or of a deactivated client",
    "404": "Not found or not allowed (the same answer)",
    "409": "A request with this Idempotency-Key is still running",
    "412": "If-Match names a version that is no longer current",
    "413": "The body is too large",
    "415": "The body is not JSON",
    "422": "This Idempotency-Key was used for another request",
    "428": "If-Match is required for this change",
    "429": "Too many requests (see Retry-After)",
}


def _problems_for(method: str, operation: dict) -> list[str]:
    codes = ["400", "401", "404", "429"]
    if method in ("post", "patch", "put"):
        codes += ["409", "413", "415", "422"]
    headers = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "header"}
    if "If-Match" in headers:
        codes += ["412", "428"] if method == "patch" else ["412"]
    return codes


def add_problem_responses(result, generator, request, public):
    """A postprocessing hook of drf-spectacular: every operation documents its problem answers,
    so a partner's client (and the schema fuzzing) knows every status it can get."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            responses = operation.setdefault("responses", {})
            for code in _problems_for(method, operation):
                responses.setdefault(
                    code,
                    {
                        "description": _DESCRIPTIONS[code],
                        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
                    },
                )
    return result
