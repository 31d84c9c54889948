"""The demo company of `recouvrement demo`: a Lyon collection department, months into its work.

Reference data (company, users, lists, scenarios, customers, échéances) is written directly
(`company`); each dossier's dates are chosen first (`plans`), then every dossier is opened and
worked through the real services with a moving `today` (`history`), as the collectors would
have done over the past months. The same `today` always gives the same data: one
`random.Random(SEED)` drives every choice and the clock is never read. `data` holds the raw
tables, `fec` the sample accounting file written next to the demo database.
"""

import random
from datetime import date

from django.db import transaction

from recouvrement.db import models as db
from recouvrement.demo import data
from recouvrement.demo.company import Demo, customers, lists, scenarios, staff
from recouvrement.demo.history import receivables, run
from recouvrement.demo.plans import plans_for
from recouvrement.services.companies import create_company
from recouvrement.services.priority import refresh_priorities

DEMO_TODAY = date(2026, 11, 27)
SEED = 2026


class DemoDatabaseNotEmpty(RuntimeError):
    """The demo only fills an empty database: it never mixes with real data."""


def build_demo(today: date = DEMO_TODAY) -> dict:
    """Fill an empty, migrated database with the demo company; return what was created."""
    if db.Company.objects.exists():
        raise DemoDatabaseNotEmpty(
            "La base contient déjà une société : la démonstration ne se crée que dans une "
            "base vide (choisissez un autre fichier de base de données)."
        )
    with transaction.atomic():
        company = create_company(**data.COMPANY)
        demo = Demo(random.Random(SEED), today, *staff(company), *lists(company))
        by_segment = scenarios(company)
        clients = customers(demo, company)
        plans = plans_for(demo, clients, by_segment)
        receivables(demo, company, clients, plans)
        for plan in sorted(plans, key=lambda p: (p.start, p.client.customer.code)):
            run(demo, plan)
        # As the last `prepare` left them: the lists sort by « Suggérée » from the start.
        refresh_priorities(company, today=today)
    return demo_summary()


def demo_summary() -> dict:
    """What the demo database holds, and its users' logins (printed by `recouvrement demo`)."""
    counted = (db.Customer, db.Contact, db.Receivable, db.Scenario, db.Dossier, db.Intervention)
    return {
        "company": db.Company.objects.count(),
        **{f"{model._meta.model_name}s": model.objects.count() for model in counted},
        "users": [
            {
                "username": username,
                "password": data.DEMO_PASSWORD,
                "role": role,
                "collaborator": f"{first} {last}" if linked else None,
            }
            for username, first, last, _, role, linked, _ in data.STAFF
        ],
    }
