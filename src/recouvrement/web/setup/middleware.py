"""A database without a company leads to « Première installation » (PRODUCT §9 O1).

Every page of the app asks for a login; on a database without a company the login page they
all lead to shows « Première installation »: where to find the one-time link that
`recouvrement serve` printed, or `recouvrement init`. The first-run page itself asks for that
token (web.setup.views): nobody who merely reaches the port can claim the install. Once a
company exists, this costs nothing but the login page's one `EXISTS` query.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from recouvrement.services.companies import first_run_pending

LOGIN_TEMPLATE = "setup/login.html"


class FirstRunMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_template_response(self, request: HttpRequest, response):
        """The login page, on a database without a company, with the first-run notice."""
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "login" and first_run_pending():
            response.template_name = LOGIN_TEMPLATE
        return response
