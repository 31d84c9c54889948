"""The interactive page of the API (/api/v1/docs): Swagger UI from django-ninja's own static
files (ninja/static/ninja), through our template: no CDN, no inline script (the settings are
a JSON data block read by ninja's swagger-ui-init.js), under the app's CSP.

One exception, for this page only (`docs_csp`): Swagger UI's stylesheet draws its icons (the
arrows of the lists, the lock of « Authorize ») as SVG images written in `data:` URLs, which
`img-src 'self'` blocks; `data:` images carry no script (an SVG shown as an image never runs
one), so the page allows them rather than showing broken controls. Scripts, styles and
connections stay 'self'.
"""

from csp.decorators import csp_update
from ninja.openapi.docs import Swagger

docs_csp = csp_update({"img-src": ["data:"]})


class LocalSwagger(Swagger):
    template = "api/docs.html"
