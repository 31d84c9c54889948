"""Reading rendered pages the way a user does: tables by their column headers."""

from html.parser import HTMLParser


class _TableHeaders(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[str]] = []
        self._in_head = False
        self._cell: list[str] | None = None
        self._hidden: list[str] = []  # open tags marked aria-hidden (a sort mark ▲): not read

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "thead":
            self._in_head = True
        elif tag == "th" and self._in_head:
            self._cell = []
        elif self._cell is not None and ("aria-hidden", "true") in attrs:
            self._hidden.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._hidden and tag == self._hidden[-1]:
            self._hidden.pop()
        elif tag == "thead":
            self._in_head = False
        elif tag == "th" and self._cell is not None:
            self.tables[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._hidden:
            self._cell.append(data)


def table_headers(html: str) -> list[list[str]]:
    """The column headers of every table of the page, in order, as a screen reader names
    them (without what is aria-hidden, such as the ▲ of the sorted column)."""
    parser = _TableHeaders()
    parser.feed(html)
    return parser.tables
