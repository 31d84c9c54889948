"""The Content-Security-Policy (PRODUCT §9 O4, django-csp): on every page, `self` only, no
inline script or style in any page; no page framed but the PDFs our own pages show."""

import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from recouvrement.domain.statuses import ActionType
from tests.builders import a_contact, a_customer, a_dossier, a_scenario

WEB = Path(__file__).resolve().parents[2] / "src" / "recouvrement" / "web"
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "frame-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
LETTER_FIRST = [(0, ActionType.LETTER, "Courrier de relance"), (8, ActionType.PHONE, "Appel")]
NOT_CRAWLED = ("/deconnexion/", "/static/")


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()
    }


class _Inline(HTMLParser):
    """What the policy forbids in a page: inline scripts, event handlers, style attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.links: list[str] = []
        self._script_without_src = False

    def handle_starttag(self, tag: str, attrs) -> None:
        names = dict(attrs)
        if tag == "script":  # a JSON data block (`type="application/json"`) is never run
            self._script_without_src = (
                "src" not in names and names.get("type") != "application/json"
            )
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name == "style":
                self.found.append(f"<{tag} style=…>")
            if name in ("href", "src") and value and value.startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")
        if tag in ("a", "iframe") and (link := names.get("href") or names.get("src")):
            self.links.append(link)

    def handle_data(self, data: str) -> None:
        if self._script_without_src and data.strip():
            self.found.append(f"inline <script>: {data.strip()[:40]}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script_without_src = False


def _read(page: str) -> _Inline:
    parser = _Inline()
    parser.feed(page)
    return parser


@pytest.fixture
def letter_dossier(team):
    customer = a_customer(team.company, name="Boulangerie Durand")
    a_contact(customer, last_name="Durand", first_name="Anne")
    return a_dossier(
        customer,
        user=team.manager,
        collector=team.collector,
        scenario=a_scenario(team.company, steps=LETTER_FIRST),
    )


def test_every_page_a_manager_reaches_carries_the_policy_and_no_inline_code(
    client, team, letter_dossier, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "documents"
    letter = letter_dossier.interventions.get()
    client.force_login(team.manager)
    start = [
        reverse("dossier_list"),
        reverse("dossier_detail", args=[letter_dossier.pk]),
        reverse("intervention_print", args=[letter.pk]),
        reverse("user_list"),
        reverse("password_change"),
    ]
    queue, seen, answered = deque(start), set(start), []

    while queue and len(answered) < 150:
        url = queue.popleft()
        response = client.get(url)
        answered.append(url)
        assert response.status_code < 500, url
        assert _policy(response)["script-src"] == "'self'", url
        if not response["Content-Type"].startswith("text/html"):
            continue
        page = _read(response.content.decode())
        assert page.found == [], url
        for link in page.links:
            link = link.split("#")[0]
            if link.startswith("?"):  # « Modifier », sorts, pages: the same page, another query
                link = url.split("?")[0] + link
            if link.startswith("/") and not link.startswith(NOT_CRAWLED) and link not in seen:
                seen.add(link)
                queue.append(link)

    assert len(answered) >= 50, answered  # the whole menu, not the start pages only
    reached = " ".join(answered)
    for name in ("worklist", "letter_template_list", "scenario_list", "company_settings"):
        assert reverse(name) in reached
    assert reverse("intervention_preview", args=[letter.pk]) in reached


def test_the_policy_is_self_only_and_forbids_framing(client, team):
    client.force_login(team.manager)

    response = client.get(reverse("dossier_list"))

    assert _policy(response) == {
        **POLICY,
        "font-src": "'self'",
        "connect-src": "'self'",
    }
    assert response["X-Frame-Options"] == "DENY"


def test_the_login_page_carries_the_policy_too(client, db):
    response = client.get(reverse("login"))

    assert _policy(response)["default-src"] == "'self'"
    assert _read(response.content.decode()).found == []


def test_the_print_windows_pdf_may_be_framed_by_our_own_pages_only(client, team, letter_dossier):
    letter = letter_dossier.interventions.get()
    client.force_login(team.manager)

    window = client.get(reverse("intervention_print", args=[letter.pk]))
    preview = client.get(reverse("intervention_preview", args=[letter.pk]))

    assert window["X-Frame-Options"] == "DENY"
    assert _policy(window)["frame-ancestors"] == "'none'"
    assert _policy(window)["frame-src"] == "'self'"
    assert preview["Content-Type"] == "application/pdf"
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert _policy(preview)["frame-ancestors"] == "'self'"


def test_the_letter_templates_preview_may_be_framed_by_our_own_pages_only(
    client, team, letter_dossier
):
    template = letter_dossier.company.letter_templates.order_by("pk").first()
    client.force_login(team.manager)
    data = {"subject": template.subject, "body": template.body}

    preview = client.post(
        reverse("letter_template_preview", args=[template.pk]),
        {**data, "dossier": letter_dossier.pk},
    )
    refusal = client.post(reverse("letter_template_preview", args=[template.pk]), data)

    for response in (preview, refusal):
        assert response["X-Frame-Options"] == "SAMEORIGIN"
        assert _policy(response)["frame-ancestors"] == "'self'"
    assert preview["Content-Type"] == "application/pdf"
    assert _read(refusal.content.decode()).found == []  # the message in the frame: no style=


def test_htmx_is_told_to_inject_no_style_and_evaluate_no_code(client, team):
    client.force_login(team.manager)

    page = client.get(reverse("dossier_list")).content.decode()

    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page)
    assert config is not None
    assert '"includeIndicatorStyles": false' in config.group(1)
    assert '"allowEval": false' in config.group(1)
    assert re.search(r'<script src="/static/django_htmx/htmx-2\.min\.js" defer>', page)
    assert ".htmx-indicator" in (WEB / "static" / "recouvrement" / "app.css").read_text()


def test_no_template_holds_inline_code_or_style():
    offenders = []
    for path in sorted((WEB / "templates").rglob("*.html")):
        found = _read(path.read_text()).found
        offenders += [f"{path.relative_to(WEB)}: {what}" for what in found]

    assert offenders == []
