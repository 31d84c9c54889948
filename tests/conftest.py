"""Fixtures shared by every test folder: a company and its personas by role (PRODUCT §1)."""

import os
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from recouvrement.db.models import Collaborator, Company
from recouvrement.db.models.rates import seed_published_rates
from recouvrement.domain.statuses import Role
from tests.builders import a_collector, a_company, a_user


def pytest_collection_modifyitems(config, items):
    """The PostgreSQL run leaves out the tests marked `sqlite_files`: they run commands on
    their own SQLite files, so they would only repeat the SQLite run (minutes of CI)."""
    if not os.environ.get("RECOUVREMENT_DATABASE_URL", "").startswith("postgres"):
        return
    kept = [item for item in items if item.get_closest_marker("sqlite_files") is None]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


# Real hashing costs ~0.3 s per user; tests check logins, not the hash's strength.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Team:
    company: Company
    manager: User
    collector_user: User
    collector: Collaborator
    other_collector_user: User
    other_collector: Collaborator
    reader: User


@pytest.fixture
def team(db) -> Team:
    company = a_company()
    collector_user = a_user(company, Role.COLLECTOR, "sophie")
    other_user = a_user(company, Role.COLLECTOR, "karim")
    return Team(
        company=company,
        manager=a_user(company, Role.MANAGER, "responsable"),
        collector_user=collector_user,
        collector=a_collector(company, collector_user, "Martin"),
        other_collector_user=other_user,
        other_collector=a_collector(company, other_user, "Benali"),
        reader=a_user(company, Role.READ_ONLY, "lecture"),
    )


@pytest.fixture(autouse=True)
def _published_rates(request):
    """A transactional test starts after another one's `flush`, which wiped what the
    migrations seeded: put the published rates back (the other tests see them anyway)."""
    marker = request.node.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        seed_published_rates()
