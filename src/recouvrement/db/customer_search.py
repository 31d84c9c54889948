"""The client picker's search (« Nouveau dossier »): by code or name, accents and case ignored."""

from django.db.models import Q, QuerySet

from recouvrement.db.functions import SearchKey
from recouvrement.db.models import Company, Customer
from recouvrement.domain.text import search_key

MAX_MATCHES = 20


def customer_matches(company: Company, text: str, limit: int = MAX_MATCHES) -> QuerySet[Customer]:
    """The company's clients followed in collection whose code or name holds `text`
    (« eclairage » finds « Éclairage Cœur »), by code; none for an empty text."""
    # A control character (NUL: PostgreSQL refuses it in a parameter) matches no name.
    text = "".join(c for c in text if c.isprintable()).strip()
    if not text:
        return Customer.objects.none()
    return (
        Customer.objects.filter(company=company, excluded_from_collection=False)
        .alias(name_key=SearchKey("name"), code_key=SearchKey("code"))
        .filter(Q(code_key__contains=search_key(text)) | Q(name_key__contains=search_key(text)))
        .order_by("code")[:limit]
    )
