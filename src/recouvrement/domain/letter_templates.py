"""Letter templates as users write them (PRODUCT §5, LETTERS.md): checked, never typst code.

A template is plain text: `{{ variable }}`, `**bold**`, `- ` list items, blank lines between
paragraphs, `[B2B: …]` blocks kept for professional debtors only and `[B2C: …]` blocks for
consumers only. A paragraph or list item naming `{{ interets_legaux }}` prints only while that
amount is due (a consumer, after the mise en demeure). `parse_template` checks a template once
and reports each problem with its line; `domain.letters` fills it.
"""

import difflib
import re
from dataclasses import dataclass, field

from recouvrement.domain.rules import RuleViolation

VARIABLES: tuple[str, ...] = (
    "client.nom",
    "client.code",
    "contact.civilite",
    "contact.nom",
    "dossier.numero",
    "echeances",
    "total_du",
    "penalites",
    "taux_penalites",
    "indemnite",
    "interets_legaux",
    "taux_interets_legaux",
    "total_reclame",
    "societe.nom",
    "societe.ville",
    "societe.iban",
    "societe.bic",
    "signataire.nom",
    "signataire.fonction",
    "delai_jours",
    "date",
)
EMAIL_VARIABLES: tuple[str, ...] = (*VARIABLES, "objet_du_courrier")
TABLE_VARIABLE = "echeances"
# A letter is a page or two: a longer text is a paste gone wrong, and one user's preview must
# not hold the renderer for seconds (issue 12). The échéances table prints once.
MAX_TEMPLATE_CHARS = 20_000
MAX_SUBJECT_CHARS = 200
MAX_TABLES = 1
MAX_BLOCKS = 200  # paragraphs and list items: a long letter has forty
MAX_BOLD_SPANS = 100
# A paragraph or list item naming one of these prints only when its value is not nil.
OPTIONAL_VARIABLES = frozenset({"interets_legaux"})
# The debtors a `[B2B: …]` / `[B2C: …]` block is kept for.
DEBTOR_BLOCKS = {"B2B": True, "B2C": False}

# --- Parsing: text -> tokens -> blocks ------------------------------------------------------


class TemplateError(RuleViolation):
    """A letter template cannot be used; `line` is 1-based (the subject counts as line 1)."""

    def __init__(self, message: str, code: str, line: int, where: str = "body") -> None:
        prefix = "Objet" if where == "subject" else f"Ligne {line}"
        super().__init__(f"{prefix} : {message}", code)
        self.line = line
        self.where = where


@dataclass(frozen=True)
class Token:
    kind: str  # text, var, bold, b2b_open, b2c_open, block_close, newline
    line: int
    text: str = ""


@dataclass
class Block:
    kind: str  # paragraph, item, table
    line: int
    pieces: list[Token] = field(default_factory=list)


_SPECIAL = re.compile(r"\{\{|\*\*|\[\s*B2[BC]\s*:|\[|\]|\n", re.IGNORECASE)


def _tokenize(source: str, variables: tuple[str, ...], where: str) -> list[Token]:
    tokens: list[Token] = []
    line, pos = 1, 0
    open_blocks: list[list] = []  # [line of « [B2B: », depth of plain « [ » inside, kind]
    while pos < len(source):
        match = _SPECIAL.search(source, pos)
        if match is None:
            tokens.append(Token("text", line, source[pos:]))
            break
        if match.start() > pos:
            tokens.append(Token("text", line, source[pos : match.start()]))
        special, pos = match.group(), match.end()
        if special == "{{":
            end, newline = source.find("}}", pos), source.find("\n", pos)
            if end == -1 or -1 < newline < end:
                message = "« {{ » sans « }} » fermant sur la même ligne"
                raise TemplateError(message, "template_unclosed_variable", line, where)
            tokens.append(Token("var", line, _variable(source[pos:end], variables, line, where)))
            pos = end + 2
        elif special == "**":
            tokens.append(Token("bold", line))
        elif special == "\n":
            tokens.append(Token("newline", line))
            line += 1
        elif special == "[" and open_blocks:
            open_blocks[-1][1] += 1
            tokens.append(Token("text", line, "["))
        elif special == "]" and open_blocks and open_blocks[-1][1] == 0:
            open_blocks.pop()
            tokens.append(Token("block_close", line))
        elif special == "]" and open_blocks:
            open_blocks[-1][1] -= 1
            tokens.append(Token("text", line, "]"))
        elif special in ("[", "]"):
            tokens.append(Token("text", line, special))
        else:
            kind = special.lstrip("[").rstrip(":").strip().upper()
            open_blocks.append([line, 0, kind])
            tokens.append(Token(f"{kind.lower()}_open", line))
    if open_blocks:
        line, _, kind = open_blocks[0]
        message = f"bloc « [{kind}: » jamais fermé par « ] »"
        raise TemplateError(message, "template_unclosed_b2b", line, where)
    return tokens


def _variable(inner: str, variables: tuple[str, ...], line: int, where: str) -> str:
    name = inner.strip()
    if name in variables:
        return name
    if not name:
        raise TemplateError("variable vide « {{ }} »", "template_empty_variable", line, where)
    message = f"variable inconnue « {{{{ {name} }}}} »"
    close = difflib.get_close_matches(name, variables, n=1)
    if close:
        message += f" (voulez-vous dire « {{{{ {close[0]} }}}} » ?)"
    raise TemplateError(message, "template_unknown_variable", line, where)


def _for_debtor(tokens: list[Token], is_b2b: bool) -> list[Token]:
    """Drop the [B2B: …] / [B2C: …] markers, and what lies in a block for the other debtors."""
    kept: list[Token] = []
    opened: list[bool] = []  # for each block open: is it for this debtor
    for token in tokens:
        if token.kind in ("b2b_open", "b2c_open"):
            opened.append(DEBTOR_BLOCKS[token.kind[:3].upper()] == is_b2b)
        elif token.kind == "block_close":
            opened.pop()
        elif all(opened):
            if token.kind == "text" and kept and kept[-1].kind == "text":
                kept[-1] = Token("text", kept[-1].line, kept[-1].text + token.text)
            else:
                kept.append(token)
    return kept


def lines_of(tokens: list[Token]) -> list[list[Token]]:
    lines: list[list[Token]] = [[]]
    for token in tokens:
        if token.kind == "newline":
            lines.append([])
        else:
            lines[-1].append(token)
    return lines


def _blocks(tokens: list[Token], where: str) -> tuple[Block, ...]:
    blocks: list[Block] = []
    current: Block | None = None
    for line in lines_of(tokens):
        if all(t.kind == "text" and not t.text.strip() for t in line):
            current = None
            continue
        first = line[0]
        if first.kind == "text" and first.text.lstrip().startswith("- "):
            line = [Token("text", first.line, first.text.lstrip()[2:]), *line[1:]]
            current = Block("item", first.line)
            blocks.append(current)
        elif current is None:
            current = Block("paragraph", first.line)
            blocks.append(current)
        else:
            current.pieces.append(Token("text", first.line, " "))
        current.pieces.extend(line)
    return tuple(_checked(block, where) for block in blocks)


def _checked(block: Block, where: str) -> Block:
    bold_from = None
    for piece in block.pieces:
        if piece.kind == "bold":
            bold_from = None if bold_from else piece.line
    if bold_from:
        message = "« ** » (gras) ouvert mais pas refermé dans le même paragraphe"
        raise TemplateError(message, "template_unbalanced_bold", bold_from, where)
    tables = [p for p in block.pieces if p.kind == "var" and p.text == TABLE_VARIABLE]
    if not tables:
        return block
    rest = [p for p in block.pieces if p not in tables and (p.kind != "text" or p.text.strip())]
    if where == "subject" or block.kind == "item" or rest or len(tables) > 1:
        message = (
            "« {{ echeances }} » (le tableau des échéances) doit être seul dans son paragraphe"
        )
        raise TemplateError(message, "template_table_not_alone", tables[0].line, where)
    return Block("table", block.line)


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def _check_size(subject: str, body: str) -> None:
    if len(subject) > MAX_SUBJECT_CHARS:
        raise RuleViolation(
            f"L'objet du courrier fait {_thousands(len(subject))} caractères : "
            f"{MAX_SUBJECT_CHARS} au plus.",
            "template_too_long",
        )
    if len(body) > MAX_TEMPLATE_CHARS:
        raise RuleViolation(
            f"Le texte du modèle fait {_thousands(len(body))} caractères : "
            f"{_thousands(MAX_TEMPLATE_CHARS)} caractères au plus.",
            "template_too_long",
        )


@dataclass(frozen=True)
class LetterTemplateText:
    """A checked template; `blocks[True]` / `blocks[False]` are its B2B / B2C structures."""

    subject: str
    body: str
    subject_blocks: dict[bool, tuple[Block, ...]] = field(repr=False, compare=False)
    blocks: dict[bool, tuple[Block, ...]] = field(repr=False, compare=False)
    body_tokens: dict[bool, list[Token]] = field(repr=False, compare=False)


def parse_template(
    subject: str, body: str, variables: tuple[str, ...] = VARIABLES
) -> LetterTemplateText:
    """Check a template once (both for B2B and B2C debtors); raises `TemplateError`."""
    _check_size(subject, body)
    if not subject.strip():
        raise TemplateError("l'objet du courrier est vide", "template_empty_subject", 1, "subject")
    if not body.strip():
        raise TemplateError("le texte du courrier est vide", "template_empty_body", 1)
    subject_tokens = [
        Token("text", 1, " ") if t.kind == "newline" else Token(t.kind, 1, t.text)
        for t in _tokenize(subject, variables, "subject")
    ]
    body_tokens = _tokenize(body.replace("\r\n", "\n"), variables, "body")
    _check_bold(body_tokens)
    by_debtor = {b2b: _for_debtor(body_tokens, b2b) for b2b in (True, False)}
    blocks = {b2b: _blocks(tokens, "body") for b2b, tokens in by_debtor.items()}
    for debtor_blocks in blocks.values():
        _check_shape(debtor_blocks)
    return LetterTemplateText(
        subject=subject,
        body=body,
        subject_blocks={
            b2b: (_checked(Block("paragraph", 1, _for_debtor(subject_tokens, b2b)), "subject"),)
            for b2b in (True, False)
        },
        blocks=blocks,
        body_tokens=by_debtor,
    )


def _check_bold(tokens: list[Token]) -> None:
    markers = [token for token in tokens if token.kind == "bold"]
    if len(markers) > 2 * MAX_BOLD_SPANS:
        message = f"plus de {MAX_BOLD_SPANS} passages en gras (« ** ») dans le courrier"
        raise TemplateError(message, "template_too_much_bold", markers[2 * MAX_BOLD_SPANS].line)


def _check_shape(blocks: tuple[Block, ...]) -> None:
    """A letter of a few pages: MAX_BLOCKS paragraphs and list items, one échéances table."""
    if len(blocks) > MAX_BLOCKS:
        message = f"plus de {MAX_BLOCKS} paragraphes et lignes de liste dans le courrier"
        raise TemplateError(message, "template_too_many_blocks", blocks[MAX_BLOCKS].line)
    tables = [block for block in blocks if block.kind == "table"]
    if len(tables) > MAX_TABLES:
        message = (
            "« {{ echeances }} » (le tableau des échéances) figure une seule fois par courrier"
        )
        raise TemplateError(message, "template_table_twice", tables[MAX_TABLES].line)
