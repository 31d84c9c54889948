"""The API (issue 14 §3, B7): one NinjaAPI mounted at /api/v1/ (web/urls.py).

Its OpenAPI 3 description is /api/v1/openapi.json, derived from the typed endpoints; the
interactive page /api/v1/docs is Swagger UI served from the app's own static files (no CDN,
no inline script: web/api_docs.py). Every endpoint needs a personal token (api/auth.py) and
calls the same services as the UI; errors are JSON with the services' French messages
(api/errors.py); lists page by cursor (api/pagination.py).
"""

from ninja import NinjaAPI

from recouvrement.api import (
    customers,
    dossiers,
    errors,
    imports,
    interventions,
    payments,
    receivables,
    reports,
    worklist,
)
from recouvrement.api.auth import TokenAuth
from recouvrement.api.docs import LocalSwagger, docs_csp
from recouvrement.api.parser import StrictParser

DESCRIPTION = """L'API REST de Recouvrement : les mêmes services, rôles et règles que l'interface.

Authentification : `Authorization: Bearer <jeton>`, un jeton personnel créé dans « Mon compte ›
Jetons d'API » ou par `recouvrement token create UTILISATEUR`. Chaque appel agit avec le profil
et la société de son utilisateur (un jeton « Consultation » ne fait que lire).

Erreurs : JSON `{"detail": "<message>", "code": "<code>", "errors": [{"field", "message"}]}`.
Listes : `{"items": [...], "next_cursor": "..."}` ; passez `cursor=<next_cursor>` pour la page
suivante (`limit` de 1 à 500, 100 par défaut). Débit limité par jeton (429 avec `Retry-After`).
"""

# Any call may answer these (api/errors.py): each operation's description lists them all.
ERROR_ANSWERS = {
    "400": "Données refusées par une règle (message en français)",
    "401": "Jeton absent, inconnu ou révoqué",
    "403": "Refusé à ce profil",
    "404": "Introuvable (ou d'une autre société)",
    "422": "Requête non conforme au schéma",
    "429": "Trop de requêtes pour ce jeton (voir Retry-After)",
}


class RecouvrementApi(NinjaAPI):
    """NinjaAPI whose OpenAPI description gives every operation the JSON error answers."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        # The routes are fixed once the URLconf is loaded: one schema per mount point
        # (~200 ms to derive on the bench machine, each call of openapi.json otherwise).
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        cache = self.__dict__.setdefault("_schemas", {})
        if path_prefix not in cache:
            cache[path_prefix] = self._schema_with_errors(path_prefix)
        return cache[path_prefix]

    def _schema_with_errors(self, path_prefix: str):
        schema = super().get_openapi_schema(path_prefix=path_prefix)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        if "ErrorOut" not in schemas:
            body = errors.ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(body.pop("$defs", {}))
            schemas["ErrorOut"] = body
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                answers = operation.setdefault("responses", {})
                for status, description in ERROR_ANSWERS.items():
                    if status not in answers and int(status) not in answers:  # ninja: int keys
                        answers[int(status)] = {"description": description, "content": error}
        return schema


api = RecouvrementApi(
    title="Recouvrement",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs=LocalSwagger(),
    docs_decorator=docs_csp,
    auth=TokenAuth(),
    parser=StrictParser(),
)
errors.install(api)

api.add_router("/customers/", customers.router)
api.add_router("/receivables/", receivables.router)
api.add_router("/payments/", payments.router)
api.add_router("/dossiers/", dossiers.router)
api.add_router("/interventions/", interventions.router)
api.add_router("/imports/", imports.router)
api.add_router("/reports/", reports.router)
api.add_router("/worklist/", worklist.router)
