"""The API's errors: always JSON `{"detail": <French message>, "code": <code|null>,
"errors": [{"field": …, "message": …}, …]}`, with the services' own French messages.

ValidationError → 400, PermissionDenied → 403, Http404/ObjectDoesNotExist → 404
(« Introuvable. »), a request that does not match the schema → 422, no or bad token → 401,
too many calls → 429 with Retry-After.
"""

import logging

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError

from recouvrement.services.api_tokens import RateLimited

logger = logging.getLogger("django.request")
NOT_FOUND = "Introuvable."
UNAUTHENTICATED = (
    "Jeton d'API absent, inconnu ou révoqué : envoyez l'en-tête « Authorization: Bearer "
    "<jeton> » avec un jeton valide (« Mon compte › Jetons d'API »)."
)
REQUEST_INVALID = "Requête invalide : voir les champs en erreur."
TOO_LARGE = "Nombre trop grand pour un identifiant."
SERVER_ERROR = "Erreur interne du serveur : l'incident est consigné dans le journal du serveur."
UNREADABLE = (
    "Corps de la requête illisible : envoyez un objet JSON (Content-Type: application/json)."
)
# Pydantic's error types, in French (else its English text is kept).
PYDANTIC_MESSAGES = {
    "missing": "Champ obligatoire.",
    "int_parsing": "Nombre entier attendu.",
    "int_type": "Nombre entier attendu.",
    "float_parsing": "Nombre attendu.",
    "decimal_parsing": "Montant attendu (ex. : 1234.56).",
    "decimal_type": "Montant attendu (ex. : 1234.56).",
    "decimal_max_places": "Au plus deux décimales.",
    "decimal_max_digits": "Montant trop grand.",
    "date_parsing": "Date attendue au format AAAA-MM-JJ.",
    "date_from_datetime_parsing": "Date attendue au format AAAA-MM-JJ.",
    "date_type": "Date attendue au format AAAA-MM-JJ.",
    "bool_parsing": "Booléen attendu (true ou false).",
    "string_type": "Texte attendu.",
    "string_too_long": "Texte trop long.",
    "string_too_short": "Texte trop court.",
    "greater_than_equal": "Valeur trop petite.",
    "less_than_equal": "Valeur trop grande.",
    "greater_than": "Valeur trop petite.",
    "less_than": "Valeur trop grande.",
    "list_type": "Liste attendue.",
    "too_long": "Liste trop longue.",
    "too_short": "Liste trop courte.",
    "enum": "Valeur non reconnue.",
    "literal_error": "Valeur non reconnue.",
    "extra_forbidden": "Champ inconnu.",
    "json_invalid": "JSON invalide.",
    "finite_number": "Nombre fini attendu.",
    "nul_character": "Caractère nul (U+0000) interdit.",
    "int_from_float": "Nombre entier attendu.",
    "url_parsing": "Adresse invalide.",
    "model_attributes_type": "Objet attendu.",
    "dict_type": "Objet attendu.",
}


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    code: str | None = None
    errors: list[FieldError] = []


def error_body(detail: str, code: str | None = None, errors: list | None = None) -> dict:
    return {"detail": detail, "code": code, "errors": errors or []}


def _validation_body(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        errors = [
            {"field": field, "message": message}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
        first = errors[0]["message"] if errors else REQUEST_INVALID
        codes = [e.code for items in error.error_dict.values() for e in items if e.code]
        detail = first if len(errors) == 1 else f"{first} ({len(errors)} erreurs)"
        return error_body(detail, codes[0] if codes else None, errors)
    messages = error.messages
    code = getattr(error, "code", None)
    if code is None and hasattr(error, "error_list"):
        code = next((e.code for e in error.error_list if e.code), None)
    return error_body(" ".join(messages) or REQUEST_INVALID, code)


def _location(loc) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in ("body", "query", "path", "form", "header", "cookie", "file"):
        parts = parts[1:]
    if parts and parts[0] == "payload":  # ninja's name of a body parameter
        parts = parts[1:]
    return ".".join(parts) or "corps"


def _message(item: dict) -> str:
    """Pydantic's error in French; a validator's own (French) message kept as written."""
    kind, text = item.get("type", ""), str(item.get("msg", ""))
    if kind == "value_error":
        return text.removeprefix("Value error, ")
    return PYDANTIC_MESSAGES.get(kind, text)


def _request_body(error: RequestValidationError) -> dict:
    errors = [
        {
            "field": _location(item.get("loc", ())),
            "message": _message(item),
        }
        for item in error.errors
    ]
    detail = REQUEST_INVALID
    if errors:
        detail = f"Requête invalide : {errors[0]['field']} : {errors[0]['message']}"
    return error_body(detail, "invalid_request", errors)


def install(api: NinjaAPI) -> None:
    """Register the handlers on `api` (the most specific exception class wins)."""

    def respond(request: HttpRequest, body: dict, status: int) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(ValidationError)
    def invalid(request, error: ValidationError):
        return respond(request, _validation_body(error), 400)

    @api.exception_handler(PermissionDenied)
    def denied(request, error: PermissionDenied):
        message = str(error) or "Accès refusé."
        return respond(request, error_body(message, "forbidden"), 403)

    @api.exception_handler(Http404)
    def not_found(request, error):
        return respond(request, error_body(NOT_FOUND, "not_found"), 404)

    @api.exception_handler(ObjectDoesNotExist)
    def does_not_exist(request, error):
        return respond(request, error_body(NOT_FOUND, "not_found"), 404)

    @api.exception_handler(RequestValidationError)
    def request_invalid(request, error: RequestValidationError):
        return respond(request, _request_body(error), 422)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, error):
        return respond(request, error_body(UNAUTHENTICATED, "unauthenticated"), 401)

    @api.exception_handler(RateLimited)
    def rate_limited(request, error: RateLimited):
        response = respond(request, error_body(str(error), "rate_limited"), 429)
        response["Retry-After"] = str(error.retry_after)
        return response

    @api.exception_handler(Exception)
    def server_error(request, error: Exception):  # logged with its traceback; JSON to the caller
        logger.error("API : erreur sur %s %s", request.method, request.path, exc_info=error)
        return respond(request, error_body(SERVER_ERROR, "server_error"), 500)

    @api.exception_handler(OverflowError)
    def overflow(request, error):  # an id past the database's integers: nothing has it
        return respond(request, error_body(TOO_LARGE, "too_large"), 400)

    @api.exception_handler(HttpError)
    def http_error(request, error: HttpError):
        cause = error.__cause__
        if isinstance(cause, RequestValidationError):  # the parser's refusal (api/parser.py)
            return respond(request, _request_body(cause), 422)
        if error.message.startswith("Cannot parse request body"):
            return respond(request, error_body(UNREADABLE, "unreadable_body"), 400)
        return respond(request, error_body(error.message, None), error.status_code)
