"""What a reader of the board pack can see, file by file, for the publish audit's identifier
search (docs/board-pack.md): the CSV's fields, the workbook's cell values, comments, sheet
names and document properties, the report's text (and the text alternatives a screen reader
announces), the PDF's extracted text, the manifest's values.

Each piece of text says where it is and whether it is a *number cell*: a count or value
column of the CSV, a workbook cell holding a number or a date, an element of the report
marked as a number (``class="num"`` or ``"value"``, an axis label of a chart). Digits in a
number cell are a count, a rate or a date, never an identifier; the same digits in a label, a
note or a title may be one. Markup, cell references, chart coordinates and styles are not
text a reader sees, so they are not read.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

HTML_NUMBER_CLASSES = frozenset({"num", "value"})
HTML_SKIPPED = frozenset({"style", "script"})
HTML_SPOKEN_ATTRIBUTES = ("alt", "title", "aria-label", "aria-description", "placeholder")
WORD = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Text:
    place: str
    text: str
    number_cell: bool = False

    def words(self) -> set[str]:
        """The words a record identifier could be (identifiers are ``[A-Za-z0-9_-]``): in a
        number cell, only the words with a letter (``c``, ``per``)."""
        found = set(WORD.findall(self.text))
        if self.number_cell:
            found = {w for w in found if not w.replace("-", "").replace("_", "").isdigit()}
        return found


def csv_texts(path: Path) -> Iterator[Text]:
    """Every field; the counts, values and dates (all but the pack's text columns) are number
    cells."""
    from neglect_warehouse.partnership.pack.publish import TEXT_CSV_COLUMNS

    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        for i, name in enumerate(header):
            yield Text(f"{path.name} header, column {i + 1}", name)
        for line, fields in enumerate(reader, start=2):
            for name, value in zip(header, fields, strict=False):
                yield Text(f"{path.name} line {line}, {name}", value, name not in TEXT_CSV_COLUMNS)


def workbook_texts(path: Path) -> Iterator[Text]:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    props = wb.properties
    for name in ("title", "subject", "creator", "keywords", "description", "category"):
        value = getattr(props, name, None)
        if value:
            yield Text(f"{path.name} properties, {name}", str(value))
    for ws in wb.worksheets:
        yield Text(f"{path.name} sheet name", ws.title)
        for part in (ws.oddHeader, ws.oddFooter, ws.evenHeader, ws.evenFooter):
            for side in (part.left, part.center, part.right):
                if side.text:
                    yield Text(f"{path.name} {ws.title} header or footer", side.text)
        for row in ws.iter_rows():
            for cell in row:
                where = f"{path.name} {ws.title}!{cell.coordinate}"
                value = cell.value
                if value is not None:
                    number = isinstance(value, int | float | dt.date | dt.datetime | dt.time)
                    yield Text(where, str(value), number and not isinstance(value, bool))
                if cell.comment is not None:
                    yield Text(f"{where} comment", cell.comment.text)


class _ReportText(HTMLParser):
    """The text nodes of a report, each marked as in a number element or not."""

    def __init__(self, name: str):
        super().__init__(convert_charrefs=True)
        self.name = name
        self.stack: list[tuple[str, bool]] = []  # (tag, in a number element)
        self.texts: list[Text] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = set((attributes.get("class") or "").split())
        inside = bool(self.stack and self.stack[-1][1])
        number = inside or bool(classes & HTML_NUMBER_CLASSES) or tag == "text"
        for name in HTML_SPOKEN_ATTRIBUTES:
            if attributes.get(name):
                self.texts.append(Text(f"{self.name} <{tag} {name}>", attributes[name]))
        if tag not in ("br", "img", "meta", "link", "input", "hr", "col", "source"):
            self.stack.append((tag, number))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not data.strip() or any(tag in HTML_SKIPPED for tag, _ in self.stack):
            return
        tag, number = self.stack[-1] if self.stack else ("", False)
        self.texts.append(Text(f"{self.name} <{tag}>", data.strip(), number))


def html_texts(path: Path) -> list[Text]:
    parser = _ReportText(path.name)
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser.texts


def pdf_texts(path: Path) -> Iterator[Text]:
    """The PDF's text, page by page, as a text extractor (or a reader's copy and paste) gets
    it. It has no cells: the audit judges its digits against the report it was printed from."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    try:
        for number, page in enumerate(document, start=1):
            textpage = page.get_textpage()
            yield Text(f"{path.name} page {number}", textpage.get_text_range())
            textpage.close()
            page.close()
        metadata = document.get_metadata_dict()
    finally:
        document.close()
    for key, value in metadata.items():
        if value:
            yield Text(f"{path.name} metadata {key}", str(value))


def manifest_texts(path: Path) -> Iterator[Text]:
    def walk(value, where: str) -> Iterator[Text]:
        if isinstance(value, dict):
            for key, item in value.items():
                yield Text(f"{path.name} {where}", str(key))
                yield from walk(item, f"{where}.{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield from walk(item, f"{where}[{i}]")
        elif isinstance(value, str):
            yield Text(f"{path.name} {where}", value)
        elif value is not None:
            yield Text(f"{path.name} {where}", str(value), number_cell=True)

    yield from walk(json.loads(path.read_text(encoding="utf-8")), "")


READERS = {
    "csv": csv_texts,
    "workbook": workbook_texts,
    "report": html_texts,
    "pdf": pdf_texts,
    "manifest": manifest_texts,
}


def texts(files: dict[str, Path]) -> dict[str, list[Text]]:
    """Every piece of text a reader sees, by kind of file (the pack's ``files``)."""
    return {kind: list(READERS[kind](path)) for kind, path in files.items() if kind in READERS}
