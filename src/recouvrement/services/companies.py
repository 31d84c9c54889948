"""A company and what it starts with (M1, PRODUCT §9 O1): the letter templates of LETTERS.md,
the default scenarios that send them, and — for one's own company — its first manager.

Defaults are created with the company, never by a read: composing or previewing a letter
only reads the company's « Modèles de courrier ».

First run: `recouvrement init` (the command line, trusted: it holds the database) and the web
« Première installation » both call `set_up_company`. The web page asks for a one-time token
that `recouvrement serve` prints on start while no company exists (`open_first_run`), as
notebook servers do, so that nobody who merely reaches the port can claim the install. The
token is kept as its SHA-256 in a table (`FirstRunToken`), not in a file: every process
serving the same database sees it, whatever its working folder or data folder. The first
company's creation deletes every token. The first manager is a user (« Responsable
recouvrement »), not a collaborator: as in Sage, the collaborators who follow the dossiers
are created in « Structure › Collaborateurs » and linked to a login when one exists.
"""

import hashlib
import secrets
from dataclasses import dataclass, fields
from datetime import datetime

from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from recouvrement.db.models import (
    Company,
    FirstRunToken,
    JournalHead,
    LetterTemplate,
    Scenario,
    Step,
)
from recouvrement.domain.default_letters import DEFAULT_TEMPLATES
from recouvrement.domain.default_scenarios import DEFAULT_SCENARIOS, DefaultScenario
from recouvrement.domain.identity import (
    format_siren,
    normalize_bic,
    normalize_iban,
    normalize_siren,
)
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import ActionType, Role
from recouvrement.services.actors import SYSTEM
from recouvrement.services.journal import company_entry
from recouvrement.services.use_case import use_case
from recouvrement.services.users import create_user

# --- What every company starts with --------------------------------------------------------


def default_template_rows(company_id: int, model=LetterTemplate) -> list:
    """The company's copy of LETTERS.md, as unsaved rows (`model`: a migration's model)."""
    return [
        model(
            company_id=company_id,
            code=code,
            name=default.name,
            action_type=(
                ActionType.FORMAL_NOTICE if default.is_formal_notice else ActionType.LETTER
            ).value,
            subject=default.subject,
            body=default.body,
        )
        for code, default in DEFAULT_TEMPLATES.items()
    ]


def create_default_scenarios(
    company: Company, scenarios: tuple[DefaultScenario, ...] = DEFAULT_SCENARIOS
) -> dict[str, Scenario]:
    """The default scenarios (domain.default_scenarios), each letter step naming its template;
    by name. Called inside a use case (or the demo's transaction)."""
    templates = {t.code: t for t in LetterTemplate.objects.filter(company=company)}
    created = {}
    for default in scenarios:
        scenario = Scenario.objects.create(
            company=company, name=default.name, is_default=default.is_default
        )
        Step.objects.bulk_create(
            Step(
                scenario=scenario,
                order=order,
                label=step.label,
                delay_days=step.delay_days,
                action_type=step.action_type,
                letter_template=templates.get(step.letter_code) if step.letter_code else None,
                compute_penalties=step.compute_penalties,
                fee_amount=step.fee_amount,
                sets_dossier_status=step.sets_dossier_status or "",
            )
            for order, step in enumerate(default.steps, start=1)
        )
        created[default.name] = scenario
    return created


@use_case
def create_company(**fields) -> Company:
    """A new company with its default letter templates and its journal's chain head (O6)."""
    company = Company.objects.create(**fields)
    JournalHead.objects.create(company=company)
    LetterTemplate.objects.bulk_create(default_template_rows(company.pk))
    return company


# --- One's own company: `recouvrement init` and the web « Première installation » -----------


@dataclass(frozen=True)
class CompanyIdentity:
    """What the first run asks about the company; the rest is « Structure › Société »."""

    name: str
    siren: str
    city: str
    address: str = ""
    postal_code: str = ""
    iban: str = ""
    bic: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class FirstManager:
    """The first « Responsable recouvrement »; `password` None: not checked yet (the command
    line checks the rest before asking for it)."""

    username: str
    email: str = ""
    password: str | None = None


@dataclass(frozen=True)
class SetUp:
    company: Company
    manager: User
    scenarios: tuple[Scenario, ...]

    def as_json(self) -> dict:
        company = self.company
        return {
            "company": {
                "id": company.pk,
                "name": company.name,
                "siren": company.siren,
                "city": company.city,
                "iban": company.iban,
                "scenarios": [s.name for s in self.scenarios],
                "letter_templates": sorted(DEFAULT_TEMPLATES),
            },
            "manager": {
                "id": self.manager.pk,
                "username": self.manager.username,
                "email": self.manager.email,
                "role": Role.MANAGER.value,
            },
        }


# Field → (French name, longest value); the names match the first-run form's fields.
_LIMITS = {
    "name": ("La raison sociale", 100),
    "siren": ("Le SIREN", 0),
    "address": ("L'adresse", 200),
    "postal_code": ("Le code postal", 10),
    "city": ("La ville", 60),
    "phone": ("Le téléphone", 21),
}
_REQUIRED = ("name", "siren", "city")
IBAN_MAX = 34  # Company.iban: the grouped form when it fits


def _new_siren(text: str) -> str:
    """The SIREN checked (9 digits, Luhn key) and used by no other company."""
    siren = normalize_siren(text)
    taken = Company.objects.filter(siren=siren).values_list("name", flat=True).first()
    if taken is not None:
        raise RuleViolation(
            f"Une société de SIREN {format_siren(siren)} existe déjà (« {taken} ») : "
            "une seule société par SIREN.",
            "siren_taken",
        )
    return siren


def _normalize_iban(text: str) -> str:
    iban = normalize_iban(text)
    return iban if len(iban) <= IBAN_MAX else iban.replace(" ", "")


def _normalize_email(text: str) -> str:
    if text:
        validate_email(text)
    return text


_NORMALIZE = {
    "siren": _new_siren,
    "iban": _normalize_iban,
    "bic": normalize_bic,
    "email": _normalize_email,
}


def _identity_errors(identity: CompanyIdentity) -> tuple[dict, dict]:
    """The company's fields as stored, and every field at fault with its French message."""
    cleaned, errors = {}, {}
    for field in fields(CompanyIdentity):
        value = " ".join(str(getattr(identity, field.name) or "").split())
        label, longest = _LIMITS.get(field.name, ("", 0))
        try:
            if field.name in _REQUIRED and not value:
                raise RuleViolation(f"{label} est obligatoire.", "required")
            if longest and len(value) > longest:
                raise RuleViolation(f"{label} fait au plus {longest} caractères.", "too_long")
            cleaned[field.name] = _NORMALIZE.get(field.name, str)(value)
        except RuleViolation as violation:
            errors[field.name] = [ValidationError(violation.message, code=violation.code)]
        except ValidationError as error:
            errors[field.name] = error.error_list
    return cleaned, errors


def _manager_errors(manager: FirstManager) -> dict:
    """The first manager's login: Django's rules for a username (free, whatever the case),
    the e-mail, and Django's password validators (settings.AUTH_PASSWORD_VALIDATORS)."""
    errors = {}
    username = manager.username.strip()
    try:
        if not username:
            raise ValidationError("L'identifiant du responsable est obligatoire.", "required")
        if len(username) > 150:
            raise ValidationError("L'identifiant fait au plus 150 caractères.", "too_long")
        UnicodeUsernameValidator()(username)
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(
                f"L'identifiant « {username} » est déjà pris : choisissez-en un autre.",
                "username_taken",
            )
    except ValidationError as error:
        errors["manager"] = error.error_list
    try:
        _normalize_email(manager.email.strip())
    except ValidationError as error:
        errors["manager_email"] = error.error_list
    if manager.password is not None:
        account = User(username=username, email=manager.email.strip())
        try:
            password_validation.validate_password(manager.password, account)
        except ValidationError as error:
            errors["password"] = error.error_list
    return errors


def check_first_manager(manager: FirstManager) -> None:
    """ValidationError naming the first manager's fields at fault (login, e-mail, password)."""
    if errors := _manager_errors(manager):
        raise ValidationError(errors)


def check_set_up(identity: CompanyIdentity, manager: FirstManager | None = None) -> dict:
    """The company's fields as stored; ValidationError naming every field at fault (SIREN
    key, SIREN already used, IBAN key, BIC, e-mail, the manager's login and password)."""
    cleaned, errors = _identity_errors(identity)
    if manager is not None:
        errors |= _manager_errors(manager)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _create_manager(company: Company, manager: FirstManager) -> User:
    """The first « Responsable recouvrement », through the users' own use case (journaled)."""
    try:
        return create_user(
            company,
            username=manager.username.strip(),
            password=manager.password or "",
            email=manager.email.strip(),
            role=Role.MANAGER,
            user=SYSTEM,
        )
    except ValidationError as error:  # the users page's field names → the first run's
        names = {"username": "manager", "email": "manager_email"}
        errors = getattr(error, "error_dict", {NON_FIELD_ERRORS: error.error_list})
        raise ValidationError({names.get(k, k): v for k, v in errors.items()}) from error


@use_case
def set_up_company(identity: CompanyIdentity, manager: FirstManager) -> SetUp:
    """One's own company (O1): its identity checked (SIREN and IBAN keys, one company per
    SIREN), its letter templates and default scenarios, and its first manager, whose password
    passes Django's validators. Ends any pending web first run (its tokens are deleted)."""
    if manager.password is None:
        raise ValueError("set_up_company needs the manager's password")
    cleaned = check_set_up(identity, manager)
    company = create_company(**cleaned)
    scenarios = tuple(create_default_scenarios(company).values())
    account = _create_manager(company, manager)
    FirstRunToken.objects.all().delete()
    siren = f" (SIREN {format_siren(company.siren)})" if company.siren else ""
    company_entry(
        company,
        "company_set_up",
        f"Société « {company.name} »{siren} créée avec {len(scenarios)} scénarios, "
        f"{len(DEFAULT_TEMPLATES)} modèles de courrier et son responsable « {account.username} ».",
        user=SYSTEM,
        after={"company": cleaned, "manager": account.username},
    )
    return SetUp(company, account, scenarios)


# --- The web first run's one-time token -----------------------------------------------------

TOKEN_REFUSED = (
    "Lien de première installation absent ou erroné : ouvrez l'adresse complète que "
    "« recouvrement serve » a affichée au démarrage (elle se termine par ?jeton=…), ou créez "
    "la société sur le serveur avec « recouvrement init »."
)
ALREADY_SET_UP = (
    "La première installation est faite : la société existe déjà. Connectez-vous avec votre "
    "identifiant ; un responsable recouvrement crée les autres comptes."
)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@use_case
def open_first_run(*, now: datetime | None = None) -> str | None:
    """A new one-time token for the web first run while no company exists (printed by
    `recouvrement serve`; only its digest is kept); None once a company exists."""
    if Company.objects.exists():
        FirstRunToken.objects.all().delete()
        return None
    token = secrets.token_urlsafe(32)
    FirstRunToken.objects.create(digest=_digest(token), created_at=now or timezone.now())
    return token


def first_run_pending() -> bool:
    """Whether the database still waits for its first company."""
    return not Company.objects.exists()


def check_first_run_token(token: str | None) -> None:
    """PermissionDenied (French) unless `token` opens the first run: no company yet, and a
    token `recouvrement serve` printed and nobody used."""
    if Company.objects.exists():
        raise PermissionDenied(ALREADY_SET_UP)
    if not token or not FirstRunToken.objects.filter(digest=_digest(token)).exists():
        raise PermissionDenied(TOKEN_REFUSED)


@use_case
def install_first_company(
    token: str | None, identity: CompanyIdentity, manager: FirstManager
) -> SetUp:
    """The web « Première installation »: the token is checked and used up in the same
    transaction as the company's creation (two visitors with tokens create one company)."""
    pending = {t.digest for t in FirstRunToken.objects.select_for_update()}  # one at a time
    if Company.objects.exists():
        raise PermissionDenied(ALREADY_SET_UP)
    if not token or _digest(token) not in pending:
        raise PermissionDenied(TOKEN_REFUSED)
    return set_up_company(identity, manager)
