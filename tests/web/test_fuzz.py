"""No 500 on bad input (issue 12 §6, PRODUCT §8), searched for: every page of the app, as
every role, on the demo company, with absurd ids in the path, random query parameters and
random values posted to every form the page shows (hypothesis, derandomized: the same
requests on every run). Each example runs in a savepoint rolled back afterwards, so that no
example depends on what an earlier one changed.

`-s` prints the number of requests sent (the issue's note asks for it)."""

import contextlib
import copy
import re
import sys
from dataclasses import dataclass
from functools import cache, reduce
from html.parser import HTMLParser
from operator import or_
from urllib.parse import quote, urljoin, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.db import transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Length
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recouvrement import services
from recouvrement.db import models as db
from recouvrement.demo import DEMO_TODAY, build_demo
from recouvrement.domain.statuses import InterventionStatus

pytestmark = pytest.mark.django_db  # the test database exists for the module's fixture

ROLES = {"manager": "responsable", "collector": "sophie.martin", "read_only": "consultation"}
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
FLOOR = 900  # requests: fewer, and the crawl has lost pages or forms
EXAMPLES = 400

# What a user can type or a script can post where a number, a date, an id or a name is
# expected (the list, plus the usual suspects).
ABSURD = [
    "",
    " ",
    "0",
    "-0",
    "-1",
    "1e400",
    "-1e400",
    "NaN",
    "Infinity",
    "-Infinity",
    "sNaN",
    "99999999999",
    "99999999999999999999",
    str(2**63),
    "9" * 400,
    "1,5",
    "1 234,56 €",
    "0x10",
    "²",
    "١٢",
    "abc",
    "31/02/2026",
    "2026-02-31",
    "99999-01-01",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "\x00",
    "a\x00b",
    "\x07\x1b\x7f",
    "x" * 5000,
    "é" * 300,
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🎉",
    "\u202e\u200b",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../../etc/passwd",
    "{{ client.nom }} {% now %} **",
    "[B2B: [B2C: ]]",
    "\r\n\r\n",
    "on",
    "tous",
]
FILES = [
    b"",
    b"\x00\x01\x02" * 100,
    b"%PDF-1.4\n%%EOF\n",
    b"JournalCode\tJournalLib\n",
    "Code client;Nom;Pièce;Date pièce;Échéance;Montant;Reste dû\nC1;\x00;F1;31/02/2026;"
    "99999-01-01;1e400;NaN\n".encode(),
    b"Code;Nom;Type;D\xe9lai\nC1;Dupont;B2B;99999999999\n",
    b"A" * 200_000,  # no line end
]
# A path parameter: an id of the right kind (filled in per URL), then ids no row has.
ABSURD_IDS = ["0", str(2**63 - 1), str(2**63), "9" * 30]
ABSURD_TEXTS = ["abc", "MQ", "é", "x" * 300, "%00"]


@dataclass(frozen=True)
class Form:
    """A form found on a page: where it posts and its fields with what a browser would send."""

    role: str
    method: str
    action: str
    fields: tuple[tuple[str, str, tuple[str, ...]], ...]  # (name, type, values offered)
    multipart: bool = False


class World:
    """The demo company's users and their logged-in browsers, what the crawl found, and the
    count of requests sent and of 500s met."""

    def __init__(self, users: dict[str, User]) -> None:
        self.users = users
        self.clients: dict[str, Client] = {}
        self.cookies: dict = {}
        self.urls: list[tuple[str, str]] = []  # (url name, path)
        self.real_paths: set[str] = set()  # filled with ids of existing rows
        self.forms: list[Form] = []
        self.unique_forms: list[Form] = []
        self.names: list[str] = []  # every field name seen
        self.requests = 0
        self.errors: list[str] = []

    def __repr__(self) -> str:  # hypothesis prints it with a failing example
        return f"World({len(self.unique_forms)} forms, {self.requests} requests)"


class _Forms(HTMLParser):
    """The forms of a page with their controls (also those placed outside with `form="id"`),
    a button's `formaction` as one more form, and htmx's `hx-post` as a form without field."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._by_id: dict[str, dict] = {}
        self._current: dict | None = None
        self._outside: list[tuple[str, tuple]] = []  # (form id, field) seen before their form
        self._select: tuple[dict | None, str, list[str]] | None = None
        self._formactions: list[tuple[dict | None, str]] = []

    def _owner(self, attrs: dict) -> dict | None:
        if attrs.get("form"):
            return self._by_id.get(attrs["form"], {"pending": attrs["form"]})
        return self._current

    def _add(self, owner: dict | None, control: tuple) -> None:
        if owner is None:
            return
        if "pending" in owner:
            self._outside.append((owner["pending"], control))
        else:
            owner["fields"].append(control)

    def handle_starttag(self, tag: str, attrs) -> None:
        attrs = {key: value or "" for key, value in attrs}
        if attrs.get("hx-post"):
            self.forms.append(
                {"attrs": {"method": "post", "action": attrs["hx-post"]}, "fields": []}
            )
        if tag == "form":
            self._current = {"attrs": attrs, "fields": []}
            self.forms.append(self._current)
            if attrs.get("id"):
                self._by_id[attrs["id"]] = self._current
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text").lower()
            if kind == "checkbox" and "checked" in attrs:
                kind = "checkbox-checked"
            value = attrs.get("value", "on" if kind.startswith("checkbox") else "")
            self._add(self._owner(attrs), (attrs["name"], kind, (value,)))
        elif tag == "button":
            if attrs.get("name"):
                control = (attrs["name"], "submit", (attrs.get("value", ""),))
                self._add(self._owner(attrs), control)
            if attrs.get("formaction"):
                self._formactions.append((self._owner(attrs), attrs["formaction"]))
        elif tag == "select" and attrs.get("name"):
            self._select = (self._owner(attrs), attrs["name"], [])
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if "selected" in attrs:  # what the page chose comes first
                self._select[2].insert(0, value)
            else:
                self._select[2].append(value)
        elif tag == "textarea" and attrs.get("name"):
            self._add(self._owner(attrs), (attrs["name"], "textarea", ("",)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None
        elif tag == "select" and self._select is not None:
            owner, name, options = self._select
            self._add(owner, (name, "select", tuple(options) or ("",)))
            self._select = None

    def close(self) -> None:
        super().close()
        for form_id, control in self._outside:
            if form_id in self._by_id:
                self._by_id[form_id]["fields"].append(control)
        for owner, action in self._formactions:
            if owner is not None and "pending" not in owner:
                self.forms.append(
                    {"attrs": {**owner["attrs"], "action": action}, "fields": owner["fields"]}
                )


def _patterns(resolver: URLResolver | None = None, prefix: str = ""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        else:
            yield entry.name or "", prefix + str(entry.pattern)


MODELS = [  # a path parameter's kind, told by the URL's name
    ("intervention", db.Intervention),
    ("dossier", db.Dossier),
    ("import", db.AccountingImport),
    ("scenario", db.Scenario),
    ("letter_template", db.LetterTemplate),
    ("collaborator", db.Collaborator),
    ("customer", db.Customer),
    ("user", User),
    ("batch", db.PrintBatch),
]


def _ids(name: str) -> list[str]:
    """Ids of rows in the states whose pages show the most forms, for a URL of that name."""
    todo = db.Intervention.objects.filter(status=InterventionStatus.TODO, dossier__end_date=None)
    if "intervention" in name:
        rows = [
            todo.filter(action_type="letter").order_by("pk").first(),
            db.Intervention.objects.filter(printed_letter__isnull=False).first(),
            db.Intervention.objects.filter(document__isnull=False).first(),
            db.Intervention.objects.exclude(status=InterventionStatus.TODO).first(),
        ]
        return list(dict.fromkeys(str(row.pk) for row in rows if row is not None))
    if "dossier" in name:
        open_one, closed = todo.order_by("pk").first(), db.Dossier.objects.exclude(end_date=None)
        ids = [
            open_one.dossier_id if open_one else None,
            closed.values_list("pk", flat=True).first(),
        ]
        return list(dict.fromkeys(str(pk) for pk in ids if pk is not None))
    for word, model in MODELS:
        if word in name:
            return [str(pk) for pk in model.objects.order_by("pk").values_list("pk", flat=True)[:2]]
    return ["1"]


def _paths(name: str, route: str) -> tuple[list[str], list[str]]:
    """The route filled with real ids, and with absurd ones."""
    parameter = re.compile(r"<(?:(\w+):)?(\w+)>")
    converters = {converter for converter, _ in parameter.findall(route)}
    if not converters:
        return ["/" + route], []

    def filled(values: list[str]) -> list[str]:
        return ["/" + parameter.sub(lambda _, v=v: quote(v, safe=""), route) for v in values]

    if converters & {"str", "slug", "path"}:
        return [], filled(ABSURD_TEXTS)
    return filled(_ids(name)), filled(ABSURD_IDS)


@cache
def _length_checks() -> tuple:
    """One query per table with text columns: its name when one of them holds a text longer
    than the column, else nothing."""
    checks = []
    for model in [*apps.get_app_config("recouvrement").get_models(), User]:
        limits = [
            (f.attname, f.max_length)
            for f in model._meta.concrete_fields
            if isinstance(f, CharField) and f.max_length
        ]
        if limits:
            lengths = {f"length_of_{name}": Length(name) for name, _ in limits}
            condition = reduce(or_, (Q(**{f"length_of_{name}__gt": n}) for name, n in limits))
            over = model._base_manager.annotate(**lengths).filter(condition).order_by()
            checks.append(
                over.values_list(Value(model.__name__, output_field=CharField()), flat=True)
            )
    return tuple(checks)


def _over_length() -> list[str]:
    """The tables holding a text longer than its column (one query for all)."""
    first, *others = _length_checks()
    return sorted(set(first.union(*others, all=True)))


def _send(world: World, role: str, method: str, path: str, data: dict):
    """One request as `role`, in a savepoint rolled back; the response (a 500 is recorded)."""
    caught: list[BaseException] = []

    def record(sender, request=None, **kwargs):  # the exception behind a 500, for the report
        caught.append(sys.exc_info()[1])

    got_request_exception.connect(record)
    client = world.clients[role]
    client.cookies = copy.deepcopy(world.cookies[role])  # logged in, whatever the last request did
    try:
        with transaction.atomic():
            response = client.get(path, data) if method == "get" else client.post(path, data)
            over = _over_length() if method == "post" and response.status_code < 500 else []
            transaction.set_rollback(True)
    finally:
        got_request_exception.disconnect(record)
    world.requests += 1
    if over:  # stored whole past its column: SQLite keeps it, PostgreSQL refuses it (a 500)
        world.errors.append(f"{role} POST {path} {sorted(data)} stored too long: {over}")
    if response.status_code >= 500:
        shown = {
            k: (v[:60] + "…" if isinstance(v, str) and len(v) > 60 else v) for k, v in data.items()
        }
        world.errors.append(f"{role} {method.upper()} {path} {shown!r} → {caught[-1:]!r}")
    return response


def _forms_of(role: str, page_path: str, html: str) -> list[Form]:
    parser = _Forms()
    parser.feed(html)
    parser.close()
    found = []
    for form in parser.forms:
        attrs = form["attrs"]
        action = urljoin(page_path, attrs.get("action") or page_path)
        if urlsplit(action).netloc:
            continue
        found.append(
            Form(
                role,
                (attrs.get("method") or "get").lower(),
                urlsplit(action).path
                + (f"?{urlsplit(action).query}" if urlsplit(action).query else ""),
                tuple(form["fields"]),
                "multipart" in attrs.get("enctype", ""),
            )
        )
    return found


def _extras(users: dict[str, User]) -> None:
    """What the demo does not hold and some pages show: a printed letter, an attached
    document, an accounting file stored for import, a saved CSV format."""
    manager = users["manager"]
    company = db.Company.objects.get()
    letter = (
        db.Intervention.objects.filter(status=InterventionStatus.TODO, action_type="letter")
        .order_by("pk")
        .first()
    )
    if letter is not None:
        with contextlib.suppress(ValidationError):  # not composed: the pages without it then
            services.print_letters([letter], today=DEMO_TODAY, user=manager)
    todo = db.Intervention.objects.filter(status=InterventionStatus.TODO).order_by("pk").first()
    services.attach_document(
        todo,
        user=manager,
        name="releve.txt",
        content=b"Releve du client\n",
        content_type="text/plain",
    )
    with open(__file__.replace("web/test_fuzz.py", "data/fec_tab.txt"), "rb") as stream:
        services.store_accounting_file(company, manager, stream, name="FEC.txt")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo company (built once for the module, rolled back at its end)."""
    media = tmp_path_factory.mktemp("documents")
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        build_demo()
        users = {role: User.objects.get(username=name) for role, name in ROLES.items()}
        _extras(users)
        world = World(users)
        for role, user in users.items():  # a 500 comes back as a response, not an exception
            world.clients[role] = Client(raise_request_exception=False)
            world.clients[role].force_login(user)
            world.cookies[role] = copy.deepcopy(world.clients[role].cookies)
        yield world
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def crawled(world: World) -> World:
    """Every URL pattern, filled with real and absurd ids, read by every role (GET): no 500,
    and the forms each page shows."""
    patterns = [(name, route) for name, route in _patterns() if name not in ("logout",)]
    assert len(patterns) > 30
    todo = db.Intervention.objects.filter(status=InterventionStatus.TODO, dossier__end_date=None)
    for row in todo.order_by("dossier_id", "pk")[:3]:  # the « ligne de saisie » of each kind
        patterns.append(("dossier_detail", f"dossiers/{row.dossier_id}/?modifier={row.pk}"))
    free = db.Receivable.objects.filter(open_amount__gt=0).exclude(links__is_active=True)
    customer = free.values_list("customer_id", flat=True).order_by("customer_id").first()
    patterns.append(("dossier_create", f"dossiers/nouveau/?customer={customer}"))  # its form
    for name, route in patterns:
        real, absurd = _paths(name, route)
        world.real_paths.update(real)
        for path in real + absurd:
            world.urls.append((name, path))
            for role in ROLES if path in real else ["manager"]:
                response = _send(world, role, "get", path, {})
                if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                    world.forms.extend(_forms_of(role, path, response.content.decode()))
    world.forms = list(dict.fromkeys(world.forms))
    world.names = sorted({name for form in world.forms for name, _, _ in form.fields})
    unique = {}
    for form in world.forms:  # one per action and field names: the manager's first
        key = (
            form.method,
            re.sub(r"/\d+/", "/n/", form.action),
            tuple(n for n, _, _ in form.fields),
        )
        if key not in unique or form.role == "manager" and unique[key].role != "manager":
            unique[key] = form
    posted = {form.action.split("?")[0] for form in unique.values() if form.method == "post"}
    for name, path in world.urls:  # a POST a script may send where no page offers a form
        if path in world.real_paths and path not in posted and name not in ("login", "logout"):
            unique[("post", path, ())] = Form("manager", "post", path, ())
            posted.add(path)
    world.unique_forms = list(unique.values())
    return world


def test_every_page_as_every_role_answers_without_500(crawled: World):
    assert crawled.errors == [], crawled.errors[0]
    assert len(crawled.forms) > 30


def _browser_values(form: Form) -> list[tuple[str, str]]:
    """What a browser sends for the form as shown: values as filled, the first button."""
    values, pressed = [], False
    for name, kind, offered in form.fields:
        if kind == "submit":
            if not pressed:
                values.append((name, offered[0]))
                pressed = True
        elif kind in ("checkbox", "file") or kind == "radio" and name in dict(values):
            continue  # a box not ticked, no file chosen, one radio button per group
        else:
            values.append((name, offered[0]))
    return values


QUERY_VALUES = ["99999999999999999999", "1e400", "-1", "abc", "99999-01-01", "a\x00b", "x" * 5000]


def test_every_query_parameter_of_every_filter_takes_absurd_values(crawled: World):
    """The filters (GET forms), each parameter in turn, the others as the page set them."""
    before, seen = len(crawled.errors), set()
    for form in crawled.forms:
        key = (form.action.split("?")[0], tuple(name for name, _, _ in form.fields))
        if form.method != "get" or key in seen:
            continue
        seen.add(key)
        defaults = _browser_values(form)
        for name, _, _ in form.fields:
            for value in QUERY_VALUES:
                query = [(k, v) for k, v in defaults if k != name] + [(name, value)]
                _send(crawled, form.role, "get", form.action, _multi(query))
    assert crawled.errors[before:] == [], crawled.errors[before:]
    assert seen


TEXT_KINDS = ("text", "textarea", "email", "search", "tel", "url", "hidden", "password")


def test_every_text_field_posted_too_long_is_refused_never_stored(crawled: World):
    """5 000 characters in each text field of each form in turn (the others as the page
    filled them): no 500, and no table holds a text longer than its column afterwards."""
    before = len(crawled.errors)
    for form in crawled.unique_forms:
        if form.method != "post":
            continue
        defaults = _browser_values(form)
        for name, kind, _ in form.fields:
            if kind in TEXT_KINDS and not name.endswith(("TOTAL_FORMS", "csrfmiddlewaretoken")):
                values = [(k, v) for k, v in defaults if k != name] + [(name, "x" * 5000)]
                _send(crawled, form.role, "post", form.action, _multi(values))
    assert crawled.errors[before:] == [], crawled.errors[before:]


def _fuzzed(draw, kind: str, offered: tuple[str, ...]):
    if kind == "file":
        name = draw(st.sampled_from(["FEC.txt", "clients.csv", "x.pdf", "é\x00.txt", "a" * 300]))
        return SimpleUploadedFile(name, draw(st.sampled_from(FILES)))
    return draw(
        st.one_of(
            st.sampled_from(ABSURD),
            st.sampled_from(ABSURD),
            st.sampled_from(offered),
            st.text(max_size=20),
        )
    )


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_random_values_in_every_form_give_no_500(crawled: World, data):
    """A form as the page shows it, one to three of its fields given absurd values (the
    others as a browser would send them), sometimes names of other forms added; posted by
    the role the page was shown to, or by another one."""
    world = crawled
    form = data.draw(st.sampled_from(world.unique_forms), label="form")
    values = dict(_browser_values(form))
    if form.fields:
        fuzzed = st.lists(st.sampled_from(form.fields), min_size=1, max_size=3, unique=True)
        for name, kind, offered in data.draw(fuzzed, label="fields"):
            values[name] = _fuzzed(data.draw, kind, offered)
    for _ in range(data.draw(st.integers(0 if form.fields else 1, 2))):
        name = data.draw(st.one_of(st.sampled_from(world.names), st.text(min_size=1, max_size=12)))
        values[name] = data.draw(st.sampled_from(ABSURD))
    role = data.draw(st.sampled_from([form.role, form.role, *ROLES]), label="role")
    if form.method == "get":
        values = {k: v for k, v in values.items() if isinstance(v, str)}
    before = len(world.errors)
    _send(world, role, form.method, form.action, values)
    assert world.errors[before:] == [], world.errors[before]


def _multi(pairs):
    """The test client's data: one key, one value or a list of values."""
    grouped: dict[str, list] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return {key: values[0] if len(values) == 1 else values for key, values in grouped.items()}


def test_the_count_of_requests_sent(crawled: World):
    """Runs last in the module (pytest keeps the file's order): the count the note gives."""
    print(
        f"\nFuzz : {crawled.requests} requêtes envoyées ({len(crawled.urls)} chemins, "
        f"{len(crawled.unique_forms)} formulaires, {len(ROLES)} profils), aucune réponse 500."
    )
    assert crawled.requests >= FLOOR
