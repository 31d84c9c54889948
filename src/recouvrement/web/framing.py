"""The responses our own pages show in a frame (PRODUCT §9 O4).

Every page is DENY / frame-ancestors 'none' (settings); the PDFs of the print window
(`intervention_letter`, `intervention_preview`) and the letter template's « Aperçu » (the
`apercu` frame) may be framed by our own pages only: X-Frame-Options SAMEORIGIN and
frame-ancestors 'self'.
"""

from collections.abc import Callable

from csp.decorators import csp_replace
from django.views.decorators.clickjacking import xframe_options_sameorigin


def framed_by_our_pages(view: Callable) -> Callable:
    return xframe_options_sameorigin(csp_replace({"frame-ancestors": "'self'"})(view))
