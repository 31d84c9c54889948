"""The raw tables of the demo company (`recouvrement.demo`): names, places, scenarios, wording,
and the fictitious identities drawn from them (pure Python: no database, no clock).

Everything here is fictitious; SIREN and IBAN carry valid check digits so that letters look real.
"""

import random
import unicodedata
from collections.abc import Iterator
from decimal import Decimal

from recouvrement.domain.customers import CustomerKind
from recouvrement.domain.default_scenarios import CONSUMERS, KEY_ACCOUNTS, STANDARD
from recouvrement.domain.identity import luhn_ok
from recouvrement.domain.statuses import ActionType, InterventionKind


def _rows(text: str) -> tuple[tuple[str, ...], ...]:
    """A table typed as lines of `|`-separated cells."""
    return tuple(
        tuple(cell.strip() for cell in line.split("|")) for line in text.strip().splitlines()
    )


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


COMPANY = {
    "name": "Lumière Distribution SAS",
    "address": "48 rue de la République",
    "postal_code": "69002",
    "city": "Lyon",
    "siren": "512846379",
    "iban": "FR21 3000 2005 5000 0015 7841 64",
    "bic": "CRLYFRPP",
    "email": "recouvrement@lumiere-distribution.fr",
    "phone": "04 78 42 17 30",
    "signatory_name": "Nathalie Garnier",
    "signatory_function": "Responsable recouvrement",
    "minimum_balance": Decimal("50.00"),
}

# One readable password for every demo login (≥ 12 characters, not a common password).
DEMO_PASSWORD = "Lyon-Recouvre-2026"

# username, first name, last name, function, role, collaborator? , collector?
STAFF = (
    ("responsable", "Nathalie", "Garnier", "Responsable recouvrement", "manager", True, False),
    ("sophie.martin", "Sophie", "Martin", "Chargée de recouvrement", "collector", True, True),
    ("karim.benali", "Karim", "Benali", "Chargé de recouvrement", "collector", True, True),
    ("julie.roux", "Julie", "Roux", "Chargée de recouvrement", "collector", True, True),
    ("consultation", "Marc", "Lemaire", "Expert-comptable", "read_only", False, False),
)

# Who follows the dossiers of each segment, in turn (grands comptes: their default collector).
COLLECTORS_BY_SEGMENT = {
    "grand": ("sophie.martin",),
    "pme": ("karim.benali", "julie.roux", "sophie.martin"),
    "b2c": ("julie.roux", "karim.benali"),
}

DISPUTE_REASONS = ("Litige qualité", "Litige prix", "Marchandise non reçue", "Facture contestée")
RESOLUTIONS = (
    "Payé",
    "Échéancier respecté",
    "Abandon de créance",
    "Transmis à l'huissier",
    "Accord amiable",
)

P, T = ActionType.PHONE, ActionType.TASK
REGISTERED_MAIL = Decimal("15.00")  # fee charged for a mise en demeure sent by registered mail
# The demo runs a new company's default scenarios (domain.default_scenarios), one per customer
# segment; its mises en demeure to professionals charge the registered letter.
SCENARIO_SEGMENTS = {STANDARD: "pme", KEY_ACCOUNTS: "grand", CONSUMERS: "b2c"}
REGISTERED_MAIL_SCENARIOS = (STANDARD, KEY_ACCOUNTS)

# stage: how many dossiers per segment (see demo.plans for what each stage means)
STAGES = {
    "new": {"pme": 3, "grand": 1, "b2c": 1},
    "mid": {"pme": 4, "grand": 1, "b2c": 2},
    "due": {"pme": 6, "grand": 3, "b2c": 3},
    "promise": {"pme": 2, "b2c": 1},
    "alert": {"pme": 2, "grand": 1},
    "litigation": {"grand": 2},
    "finished": {"pme": 1, "b2c": 1},
    "manual": {"pme": 1},
    "closed": {"pme": 4, "grand": 1, "b2c": 2},
}
CLOSINGS = (
    ("Payé", "Réglé intégralement par virement"),
    ("Payé", "Réglé par chèque après la relance téléphonique"),
    ("Échéancier respecté", "Échéancier en deux versements respecté"),
    ("Payé", "Réglé par virement après la mise en demeure"),
    ("Accord amiable", "Remise des frais accordée contre règlement immédiat"),
    ("Abandon de créance", "Solde résiduel abandonné, inférieur au coût d'une procédure"),
    ("Transmis à l'huissier", "Dossier confié à Maître Rivière, commissaire de justice"),
)

# segment (grand = grand compte, pme = other professional) | name | the customer's own collector
B2B_CUSTOMERS = _rows("""
    grand | Batiroc Construction SA                | sophie.martin
    grand | Groupe Hôtelier des Alpes SAS          | sophie.martin
    grand | Rhône-Alpes Logistique SA              | sophie.martin
    grand | Clinique du Parc Saint-Jean SAS        | sophie.martin
    grand | Alpes Immobilier Gestion SA            | sophie.martin
    grand | Electra Industrie SAS                  | sophie.martin
    grand | Supermarchés Vallée du Rhône SA        | sophie.martin
    grand | Compagnie Lyonnaise de Maintenance SAS | sophie.martin
    grand | Foncière Saône-Rhône SA                | sophie.martin
    pme   | Électricité Dupuis SARL                | karim.benali
    pme   | Martin et Fils Bâtiment SARL           |
    pme   | Lumen Design SAS                       |
    pme   | Atelier Ferraz SARL                    |
    pme   | Boulangerie Moreau SARL                |
    pme   | Garage Fontaine SARL                   |
    pme   | Hôtel du Vieux Port SARL               | julie.roux
    pme   | Le Gourmet Lyonnais SARL               |
    pme   | Chauffage Sanitaire Girard SARL        |
    pme   | Domotique Services SAS                 |
    pme   | Menuiserie Perrin SARL                 |
    pme   | Blanc et Associés Architectes SARL     |
    pme   | Agence Immobilière Lambert SAS         |
    pme   | Imprimerie Rousseau SAS                |
    pme   | Transports Mercier SARL                |
    pme   | Éclairage Sud Provence SAS             |
    pme   | Thermique Leroy Ingénierie SARL        |
    pme   | Camping Les Pins SARL                  |
    pme   | Paysages et Jardins Bonnet SARL        |
    pme   | Le Comptoir Savoyard SAS               |
    pme   | Électro Services Nantais SARL          |
    pme   | Cave des Coteaux SARL                  |
    pme   | Énergie Fitness SAS                    |
    pme   | Plâtrerie Guerin SARL                  |
""")
B2C_CUSTOMERS = _rows("""
    Monsieur | Jean     | Dupont
    Madame   | Claire   | Lefèvre
    Monsieur | Mohamed  | Haddad
    Madame   | Isabelle | Faure
    Monsieur | Thomas   | Chevalier
    Madame   | Nathalie | Bernard
    Monsieur | Antoine  | Rey
    Madame   | Fatima   | Zerrouki
    Monsieur | Pierre   | Vidal
    Madame   | Sandrine | Morel
    Monsieur | Nicolas  | Gauthier
    Madame   | Émilie   | Caron
    Monsieur | Laurent  | Marchand
""")
# Placed in receivership: kept out of collection (the claim is declared to the administrator).
EXCLUDED = ("Imprimerie Rousseau SAS", "Laurent Marchand")

# postal code | city | phone prefix
CITIES = _rows("""
    69003 | Lyon                   | 04 78
    69007 | Lyon                   | 04 72
    69100 | Villeurbanne           | 04 72
    69200 | Vénissieux             | 04 72
    69400 | Villefranche-sur-Saône | 04 74
    42000 | Saint-Étienne          | 04 77
    38000 | Grenoble               | 04 76
    38200 | Vienne                 | 04 74
    73000 | Chambéry               | 04 79
    74000 | Annecy                 | 04 50
    01000 | Bourg-en-Bresse        | 04 74
    71000 | Mâcon                  | 03 85
    21000 | Dijon                  | 03 80
    63000 | Clermont-Ferrand       | 04 73
    26000 | Valence                | 04 75
    84000 | Avignon                | 04 90
    13006 | Marseille              | 04 91
    06000 | Nice                   | 04 93
    34000 | Montpellier            | 04 67
    31000 | Toulouse               | 05 61
    33000 | Bordeaux               | 05 56
    44000 | Nantes                 | 02 40
    35000 | Rennes                 | 02 99
    75011 | Paris                  | 01 43
    92100 | Boulogne-Billancourt   | 01 46
    59000 | Lille                  | 03 20
    67000 | Strasbourg             | 03 88
    25000 | Besançon               | 03 81
""")
STREETS = tuple(
    f"{kind} {name}"
    for kind, name in _rows("""
    rue       | de la République
    avenue    | Jean Jaurès
    rue       | Victor Hugo
    rue       | Garibaldi
    cours     | Lafayette
    avenue    | du Général Leclerc
    rue       | de la Gare
    chemin    | des Vignes
    rue       | Pasteur
    allée     | des Tilleuls
    rue       | du Commerce
    avenue    | de la Libération
    rue       | des Artisans
    boulevard | Gambetta
    rue       | Paul Bert
    impasse   | des Acacias
    rue       | Jean Moulin
    rue       | Ampère
    boulevard | des Belges
    place     | Bellecour
""")
)
FIRST_NAMES = tuple(
    ("Madame", name)
    for name in _words("Anne Camille Céline Hélène Léa Sarah Valérie Amandine Nadia Christine")
) + tuple(
    ("Monsieur", name)
    for name in _words("Julien François Olivier Stéphane Mathieu Yannick Rachid Bruno Sébastien")
)
LAST_NAMES = _words(
    "Durand Petit Robert Richard Simon Michel Lefebvre Leroy David Bertrand Morin Fournier "
    "Girard Bonnet Lambert Fontaine Rousseau Vincent Muller Mercier Blanc Guerin Boyer Garcia "
    "Perrin Clément Nguyen Meunier Brun Chevallier"
)
FUNCTIONS = (
    "Comptable fournisseurs",
    "Directeur administratif (DAF)",
    "Responsable comptabilité",
    "Gérant",
    "Assistante de direction",
    "Directrice financière",
    "Responsable des achats",
)
CONTACT_FIELDS = _words("civility first_name last_name function email phone")
MAIL_PROVIDERS = ("orange.fr", "free.fr", "laposte.net", "gmail.com", "sfr.fr")

# What the collectors wrote when they completed a step, by action type.
DONE_COMMENTS = {
    ActionType.EMAIL: (
        "E-mail envoyé au service comptabilité fournisseurs",
        "E-mail envoyé avec le relevé de compte en pièce jointe",
        "E-mail envoyé, accusé de lecture reçu",
    ),
    ActionType.PHONE: (
        "Client injoignable, message laissé",
        "Facture non reçue selon le client : duplicata envoyé par e-mail",
        "Le client reconnaît la dette, règlement en attente de signature",
        "Mise en paiement annoncée pour la fin du mois",
        "Interlocuteur absent, message laissé au standard",
        "Le client demande un délai, refusé sans proposition écrite",
        "Bon de commande manquant selon le client, copie transmise",
    ),
    ActionType.LETTER: (
        "Courrier de relance posté",
        "Courrier posté avec la copie des factures",
    ),
    ActionType.FORMAL_NOTICE: (
        "Mise en demeure envoyée en recommandé avec AR",
        "Recommandé AR distribué, avis de réception conservé",
    ),
    ActionType.TASK: ("Dossier transmis au service contentieux avec toutes les pièces",),
}
SKIPPED_COMMENTS = {
    ActionType.EMAIL: "Adresse e-mail rejetée : étape ignorée",
    ActionType.PHONE: "Numéro non attribué : étape ignorée, courrier à suivre",
}
# What the collectors planned on top of the scenario (services.create_intervention's fields).
ALERTS = tuple(
    {"kind": InterventionKind.ALERT, "label": label, "comment": comment, "action_type": P}
    for label, comment in (
        ("Rappeler le client", "Attente du retour de la direction financière"),
        ("Vérifier le virement annoncé", "Virement annoncé par le client"),
        ("Relancer pour le bon de commande", "Bon de commande signé promis par le client"),
    )
)
DECISION = {
    "kind": InterventionKind.ALERT,
    "label": "Décider de la suite du dossier",
    "comment": "Scénario terminé sans règlement : injonction de payer ou huissier ?",
}
MEETING = {
    "kind": InterventionKind.MANUAL,
    "label": "Rendez-vous avec le gérant",
    "comment": "Proposer un règlement en trois mensualités",
    "action_type": T,
}
CALL_BACK = {
    "kind": InterventionKind.MANUAL,
    "label": "Point sur le plan de règlement",
    "action_type": P,
}
DISPUTE_COMMENTS = {
    "Litige qualité": "Le client signale des luminaires défectueux sur une partie de la livraison.",
    "Facture contestée": "Le client conteste le prix unitaire appliqué sur la dernière facture.",
    "Litige prix": "Remise commerciale promise par le commercial non déduite.",
}
# (stage, index of the dossier within its stage) -> motif de litige
DISPUTED = {
    ("mid", 0): "Litige qualité",
    ("alert", 0): "Facture contestée",
    ("closed", 4): "Litige prix",
}
# (lowest, highest) invoice amount in euros, by segment
AMOUNTS = {"grand": (1500, 40000), "pme": (180, 9000), "b2c": (45, 2200)}


def customer_identities(rng: random.Random) -> Iterator[tuple[str, dict, list[dict], str]]:
    """Each customer's segment, fields, contacts' fields and own collector (or "")."""
    number = 12
    for segment, name, collector in B2B_CUSTOMERS:
        number += rng.randint(1, 9)  # codes were given as customers came: CLI0013, CLI0021…
        domain = ascii_text(name.rsplit(" ", 1)[0]).replace(" ", "-") + ".fr"
        code, email = f"CLI{number:04d}", f"comptabilite@{domain}"
        fields = _identity(rng, code, name, CustomerKind.B2B, email)
        fields["siren"] = demo_siren(number)
        fields["payment_terms_days"] = rng.choice((45, 60) if segment == "grand" else (30, 45, 60))
        contacts = []
        for _ in range(rng.randint(1, 2)):
            (civility, first), last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            email = f"{ascii_text(first)}.{ascii_text(last)}@{domain}"
            phone = f"{fields['phone'][:-2]}{rng.randint(10, 99)}"
            contacts.append(_person(civility, first, last, rng.choice(FUNCTIONS), email, phone))
        yield segment, fields, contacts, collector
    for civility, first, last in B2C_CUSTOMERS:
        name, code = f"{first} {last}", f"411{ascii_text(last).upper()}"
        email = f"{ascii_text(name).replace(' ', '.')}@{rng.choice(MAIL_PROVIDERS)}"
        fields = _identity(rng, code, name, CustomerKind.B2C, email)
        holder = _person(civility, first, last, "Titulaire du compte", email, fields["phone"])
        yield "b2c", fields, [holder], ""


def demo_siren(number: int) -> str:
    """An invented SIREN for the professional customer numbered `number` (« 8 » then the
    number and digits drawn from it, and the Luhn key), drawn without the random generator
    so that the rest of the demo stays as it was. Consumers have none."""
    body = f"8{number:03d}{number * 7919 % 10_000:04d}"
    return next(body + key for key in "0123456789" if luhn_ok(body + key))


def _identity(rng: random.Random, code: str, name: str, kind: CustomerKind, email: str) -> dict:
    postal_code, city, prefix = rng.choice(CITIES)
    if kind is CustomerKind.B2C:  # a mobile phone
        prefix = f"{rng.choice(('06', '07'))} {rng.randint(10, 99)}"
    return {
        "code": code,
        "name": name,
        "kind": kind,
        "address": f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
        "postal_code": postal_code,
        "city": city,
        "email": email,
        "phone": " ".join([prefix, *(str(rng.randint(10, 99)) for _ in range(3))]),
        "excluded_from_collection": name in EXCLUDED,
    }


def _person(civility, first_name, last_name, function, email, phone) -> dict:
    values = (civility, first_name, last_name, function, email, phone)
    return dict(zip(CONTACT_FIELDS, values, strict=True))


def ascii_text(text: str) -> str:
    """« Électricité Dupuis » → « electricite dupuis » (e-mail addresses, domains)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum() or c in " -.").strip()
