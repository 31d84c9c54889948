"""« Structure › Société » (PRODUCT §9 O2): a manager sets the company's identity, the legal
mentions its letters print, its bank details, logo, signatory, default payment terms, penalty
rate, the minimum balance to chase, how old the last import may be (B12) and the hour of the
daily run of `recouvrement worker` (issue 16 §3). One journal row names what changed."""

import hashlib
from dataclasses import dataclass, fields
from datetime import date, time
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from recouvrement.db.models import Company, CompanyLogo, LegalRate
from recouvrement.documents import LetterRenderingError, check_image
from recouvrement.domain import audit, identity
from recouvrement.domain.freshness import DEFAULT_MAX_IMPORT_AGE_DAYS, MAX_IMPORT_AGE_DAYS
from recouvrement.domain.letters import Letterhead
from recouvrement.domain.logos import Logo, LogoFormat, check_logo
from recouvrement.domain.money import CENT, check_amount
from recouvrement.domain.penalties import check_contractual_rate
from recouvrement.domain.rules import RuleViolation
from recouvrement.services.actors import require_manager
from recouvrement.services.journal import company_entry, snapshot
from recouvrement.services.use_case import use_case

MAY_CHANGE = "peut modifier les paramètres de la société"
MAX_TERMS = 365
MAX_LETTER_DELAY = 90
RATE_PLACES = Decimal("0.001")

# The journal names each field the way the page labels it.
FIELD_LABELS = {
    "name": "raison sociale",
    "legal_form": "forme juridique",
    "share_capital": "capital social",
    "siren": "SIREN",
    "rcs_city": "ville du greffe (RCS)",
    "vat_number": "n° TVA intracommunautaire",
    "address": "adresse",
    "postal_code": "code postal",
    "city": "ville",
    "phone": "téléphone",
    "email": "e-mail",
    "iban": "IBAN",
    "bic": "BIC",
    "signatory_name": "signataire",
    "signatory_function": "fonction du signataire",
    "default_payment_terms_days": "délai de paiement par défaut",
    "payment_deadline_days": "délai accordé par les courriers",
    "contractual_penalty_rate": "taux de pénalités contractuel",
    "claim_late_paid_penalties": "réclamer les pénalités des factures réglées en retard",
    "minimum_balance": "solde minimum à relancer",
    "max_import_age_days": "âge maximal du dernier import comptable",
    "daily_run_at": "heure de la préparation quotidienne",
    "daily_letters": "imprimer les courriers du jour dans un lot",
    "logo": "logo",
}


@dataclass(frozen=True, kw_only=True)
class CompanySettings:
    """What « Structure › Société » sets, as typed (the service normalizes and checks it)."""

    name: str
    city: str
    legal_form: str = ""
    share_capital: Decimal | None = None
    siren: str = ""
    rcs_city: str = ""
    vat_number: str = ""
    address: str = ""
    postal_code: str = ""
    phone: str = ""
    email: str = ""
    iban: str = ""
    bic: str = ""
    signatory_name: str = ""
    signatory_function: str = ""
    default_payment_terms_days: int = 30
    payment_deadline_days: int = 8
    contractual_penalty_rate: Decimal | None = None
    claim_late_paid_penalties: bool = False
    minimum_balance: Decimal = Decimal("0")
    max_import_age_days: int = DEFAULT_MAX_IMPORT_AGE_DAYS
    daily_run_at: time | None = None  # `recouvrement worker` prepares at this hour (§3)
    daily_letters: bool = False

    @classmethod
    def of(cls, company: Company) -> "CompanySettings":
        return cls(**{f.name: getattr(company, f.name) for f in fields(cls)})


SETTINGS_FIELDS = tuple(f.name for f in fields(CompanySettings))


def _text(value: str) -> str:
    return " ".join((value or "").split())


def _days(value: int | None, label: str, lowest: int, highest: int) -> None:
    if value is None or not lowest <= value <= highest:
        raise RuleViolation(
            f"Le {label} va de {lowest} à {highest} jours.", "company_days_out_of_range"
        )


def _identifier(company: Company, values: dict, name: str, normalize) -> str:
    stored = getattr(company, name)
    if identity.compact(values[name]) == identity.compact(stored):
        return stored
    return normalize(values[name])


def _checked(company: Company, wanted: CompanySettings, today: date) -> dict:
    """The values to store, normalized; a French RuleViolation for the first one refused."""
    values = {name: getattr(wanted, name) for name in SETTINGS_FIELDS}
    for name, value in values.items():
        if isinstance(value, str):
            values[name] = _text(value)
    if not values["name"] or not values["city"]:
        raise RuleViolation(
            "La raison sociale et la ville sont obligatoires.", "company_name_required"
        )
    # An identifier is checked when it changes; one stored before the checks existed stays.
    siren = values["siren"] = _identifier(company, values, "siren", identity.normalize_siren)
    if siren and Company.objects.filter(siren=siren).exclude(pk=company.pk).exists():
        raise RuleViolation(
            f"Une autre société porte déjà le SIREN {identity.format_siren(siren)}.",
            "company_siren_taken",
        )
    if siren != company.siren:  # the VAT number carries the SIREN: checked again
        values["vat_number"] = identity.normalize_vat(values["vat_number"], siren)
    else:
        values["vat_number"] = _identifier(
            company, values, "vat_number", lambda vat: identity.normalize_vat(vat, siren)
        )
    values["iban"] = _identifier(company, values, "iban", identity.normalize_iban)
    values["bic"] = _identifier(company, values, "bic", identity.normalize_bic)
    if values["share_capital"] is not None:
        check_amount(values["share_capital"], "capital social")
        values["share_capital"] = values["share_capital"].quantize(CENT)
    if values["minimum_balance"] is None:
        values["minimum_balance"] = Decimal("0")
    check_amount(values["minimum_balance"], "solde minimum à relancer")
    values["minimum_balance"] = values["minimum_balance"].quantize(CENT)
    _days(values["default_payment_terms_days"], "délai de paiement par défaut", 0, MAX_TERMS)
    _days(values["payment_deadline_days"], "délai accordé par les courriers", 1, MAX_LETTER_DELAY)
    _days(values["max_import_age_days"], "délai depuis le dernier import", 0, MAX_IMPORT_AGE_DAYS)
    if values["daily_run_at"] is not None:  # to the minute, as the page shows it
        values["daily_run_at"] = values["daily_run_at"].replace(second=0, microsecond=0)
    rate = values["contractual_penalty_rate"]
    if rate is not None:
        rate = values["contractual_penalty_rate"] = rate.quantize(RATE_PLACES)
        if rate != company.contractual_penalty_rate:  # an agreed rate stays (the floor moves)
            check_contractual_rate(rate, LegalRate.table(), today)
    return values


def _snapshot(company: Company) -> dict:
    """The settings as the journal keeps them (an hour as « 07:30 »)."""
    values = snapshot(company, SETTINGS_FIELDS)
    if values["daily_run_at"] is not None:
        values["daily_run_at"] = values["daily_run_at"].strftime("%H:%M")
    return values


def _store_logo(company: Company, logo: bytes | None, remove_logo: bool, at) -> tuple[str, str]:
    """(sha256 before, sha256 after) of the logo; "" when none."""
    current = CompanyLogo.objects.filter(company=company).values_list("sha256", flat=True).first()
    before = current or ""
    if logo is not None:
        checked = check_logo(logo)
        try:
            check_image(checked)
        except LetterRenderingError as error:
            raise RuleViolation(f"Logo refusé : {error}", "logo_not_decoded") from error
        digest = hashlib.sha256(checked.content).hexdigest()
        if digest != before:
            CompanyLogo.objects.update_or_create(
                company=company,
                defaults={
                    "content": checked.content,
                    "format": checked.format.value,
                    "sha256": digest,
                    "uploaded_at": at,
                },
            )
        return before, digest
    if remove_logo and current is not None:
        CompanyLogo.objects.filter(company=company).delete()
        return before, ""
    return before, before


def _message(labels: list[str], limit: int = 255) -> str:
    """« Paramètres de la société modifiés : SIREN, logo. », shortened to fit the journal."""
    start = "Paramètres de la société modifiés : "
    for shown in range(len(labels), 0, -1):
        rest = len(labels) - shown
        more = f" et {rest} autre{'s' if rest > 1 else ''}" if rest else ""
        message = f"{start}{', '.join(labels[:shown])}{more}."
        if len(message) <= limit:
            return message
    return f"{start}{len(labels)} champs."


@use_case
def save_company_settings(
    company: Company,
    wanted: CompanySettings,
    *,
    logo: bytes | None = None,
    remove_logo: bool = False,
    today: date,
    user: AbstractBaseUser | None,
) -> Company:
    """A manager saves the company's settings, all or nothing; `logo`: a new image (PNG, JPEG
    or SVG told by its content), `remove_logo`: none on the letters any more. A company-level
    journal row names the fields changed, with their values before and after."""
    require_manager(user, company.pk, MAY_CHANGE)
    current = Company.objects.select_for_update().get(pk=company.pk)
    values = _checked(current, wanted, today)
    before = _snapshot(current)
    for name, value in values.items():
        setattr(current, name, value)
    current.full_clean(validate_unique=False, validate_constraints=False)
    after = _snapshot(current)
    at = timezone.now()
    old_logo, new_logo = _store_logo(current, logo, remove_logo, at)
    changed = [name for name in SETTINGS_FIELDS if before[name] != after[name]]
    if changed:
        current.save(update_fields=changed)
    if old_logo != new_logo:
        changed.append("logo")
        before["logo"], after["logo"] = old_logo or None, new_logo or None
    if changed:
        company_entry(
            current,
            audit.COMPANY_SETTINGS_CHANGED,
            _message([FIELD_LABELS[name] for name in changed]),
            user=user,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
            at=at,
        )
    for name in SETTINGS_FIELDS:  # the caller's instance shows what was saved
        setattr(company, name, getattr(current, name))
    return current


# --- Reading: what the letters and the page use ---------------------------------------------


def stored_logo(company: Company) -> CompanyLogo | None:
    """The logo's record without its bytes (format, fingerprint, date), for the page."""
    return CompanyLogo.objects.filter(company=company).defer("content").first()


def company_logo(company: Company) -> Logo | None:
    row = CompanyLogo.objects.filter(company=company).values_list("content", "format").first()
    return Logo(bytes(row[0]), LogoFormat(row[1])) if row else None


def letterhead(company: Company) -> Letterhead:
    """The company as its letters print it: header, logo and the footer's legal mentions."""
    return Letterhead(
        name=company.name,
        address_lines=tuple(
            line
            for line in (company.address, f"{company.postal_code} {company.city}".strip())
            if line
        ),
        city=company.city,
        siren=identity.format_siren(company.siren),
        iban=company.iban,
        bic=company.bic,
        phone=company.phone,
        email=company.email,
        legal_form=company.legal_form,
        capital=company.share_capital,
        rcs_city=company.rcs_city,
        vat_number=company.vat_number,
        logo=company_logo(company),
    )
