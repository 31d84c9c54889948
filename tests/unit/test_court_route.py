from decimal import Decimal

from recouvrement.domain.court_route import RouteKind, propose_route


def test_3000_b2b_small_claims_with_commerce_injunction_as_fallback():
    route = propose_route(Decimal("3000"), b2b=True)
    assert route.kind is RouteKind.SMALL_CLAIMS
    assert "commissaire de justice" in route.authority.lower()
    assert "L125-1" in route.legal_basis
    assert route.alternative.kind is RouteKind.INJUNCTION_COMMERCE


def test_12000_b2b_injunction_at_the_tribunal_de_commerce():
    route = propose_route(Decimal("12000"), b2b=True)
    assert route.kind is RouteKind.INJUNCTION_COMMERCE
    assert "tribunal de commerce" in route.authority
    assert "1405" in route.legal_basis
    assert "12946" in route.form
    assert any("décompte" in line for line in route.requete_contents)


def test_800_b2c_small_claims_with_judiciaire_injunction_as_fallback():
    route = propose_route(Decimal("800"), b2b=False)
    assert route.kind is RouteKind.SMALL_CLAIMS
    assert route.alternative.kind is RouteKind.INJUNCTION_JUDICIAIRE
    assert "Tribunal judiciaire" in route.alternative.authority


def test_limits():
    assert propose_route(Decimal("5000.00"), b2b=True).kind is RouteKind.SMALL_CLAIMS
    assert propose_route(Decimal("5000.01"), b2b=True).kind is RouteKind.INJUNCTION_COMMERCE
    assert propose_route(Decimal("5000.01"), b2b=False).kind is RouteKind.INJUNCTION_JUDICIAIRE
    assert propose_route(Decimal("20000"), b2b=False).form.startswith("Cerfa 12948")
