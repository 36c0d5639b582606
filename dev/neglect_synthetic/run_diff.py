"""Compare two ``make run`` data folders (the same seed, before and after a change): what a
refactoring must leave unchanged.

    python -m neglect_synthetic.run_diff BEFORE_DATA AFTER_DATA

Every published file is compared byte for byte after masking what differs between any two
runs: run times (ISO times, compact GX run names, GX's sort keys), durations, Data Docs'
random element ids, the data folder's own path, and the workbook's and PDF's creation times
(the workbook is compared part by part, ``docProps/core.xml`` aside; the PDF by its text and
its rendered pages; the pack manifest without their sizes and hashes). Every table
of the warehouse's ``marts`` schema is compared row for row (``except all`` both ways), with
``processed_at`` (when ingest ran) left out. ``airflow.log`` is not compared. Exits 1 when
anything else differs, listing it."""

from __future__ import annotations

import argparse
import io
import re
import sys
import zipfile
from pathlib import Path

RUN_TIMES = re.compile(
    rb"\d{4}-?\d\d-?\d\d[T ]?\d\d:?\d\d:?\d\d(\.\d+)?Z?"  # ISO times and GX run names
    rb"|'_run_time_sort': [\d.]+"  # GX Data Docs' index
    rb"|\"seconds\": [\d.]+|\| [\d.]+ \|  \||, [\d.]+ s;"  # the run summary's durations
    rb"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"  # GX's random element ids
)
NOT_COMPARED = {"airflow.log"}


def _masked(data: bytes, folder: Path) -> bytes:
    return RUN_TIMES.sub(b"<time>", data.replace(str(folder).encode(), b"<data>"))


def _same_workbook(a: bytes, b: bytes) -> bool:
    za, zb = zipfile.ZipFile(io.BytesIO(a)), zipfile.ZipFile(io.BytesIO(b))
    if sorted(za.namelist()) != sorted(zb.namelist()):
        return False
    return all(za.read(n) == zb.read(n) for n in za.namelist() if n != "docProps/core.xml")


def _same_pdf(a: bytes, b: bytes) -> bool:
    import pypdfium2 as pdfium

    da, db = pdfium.PdfDocument(a), pdfium.PdfDocument(b)
    return len(da) == len(db) and all(
        da[i].get_textpage().get_text_range() == db[i].get_textpage().get_text_range()
        and da[i].render(scale=1).to_pil().tobytes() == db[i].render(scale=1).to_pil().tobytes()
        for i in range(len(da))
    )


def _manifest_masked(data: bytes, folder: Path) -> bytes:
    """The pack's manifest lists the workbook's and PDF's sizes and hashes, which follow their
    creation times; those two entries are compared through the files themselves."""
    import json

    doc = json.loads(data)
    for entry in doc.get("files", []):
        if entry.get("name", "").endswith((".xlsx", ".pdf")):
            entry.pop("bytes", None)
            entry.pop("sha256", None)
    return _masked(json.dumps(doc, sort_keys=True).encode(), folder)


def published_differences(before: Path, after: Path) -> list[str]:
    def files(root: Path) -> dict[str, Path]:
        return {
            RUN_TIMES.sub(b"<time>", str(p.relative_to(root)).encode()).decode(): p
            for p in root.rglob("*")
            if p.is_file() and p.name not in NOT_COMPARED
        }

    fa, fb = files(before / "run"), files(after / "run")
    found = [f"only in one run: {name}" for name in sorted(set(fa) ^ set(fb))]
    for name in sorted(set(fa) & set(fb)):
        a, b = fa[name].read_bytes(), fb[name].read_bytes()
        if a == b:
            continue
        if name.endswith(".xlsx"):
            same = _same_workbook(a, b)
        elif name.endswith(".pdf"):
            same = _same_pdf(a, b)
        elif name.endswith("manifest.json"):
            same = _manifest_masked(a, before) == _manifest_masked(b, after)
        else:
            same = _masked(a, before) == _masked(b, after)
        if not same:
            found.append(f"differs: {name}")
    return found


def mart_differences(before: Path, after: Path) -> list[str]:
    import duckdb

    con = duckdb.connect()
    for alias, folder in (("a", before), ("b", after)):
        con.execute(f"attach '{folder / 'warehouse.duckdb'}' as {alias} (read_only)")

    def columns(db: str) -> dict[str, list[tuple]]:
        rows = con.execute(
            "select table_name, column_name, data_type from duckdb_columns() "
            "where database_name = ? and schema_name = 'marts' order by table_name, column_index",
            [db],
        ).fetchall()
        out: dict[str, list[tuple]] = {}
        for table, column, kind in rows:
            out.setdefault(table, []).append((column, kind))
        return out

    ca, cb = columns("a"), columns("b")
    found = [f"mart only in one run: {t}" for t in sorted(set(ca) ^ set(cb))]
    for table in sorted(set(ca) & set(cb)):
        if ca[table] != cb[table]:
            found.append(f"mart columns differ: {table}")
            continue
        kept = ", ".join(f'"{c}"' for c, _ in ca[table] if c != "processed_at")
        for x, y in (("a", "b"), ("b", "a")):
            extra = con.execute(
                f"select count(*) from (select {kept} from {x}.marts.{table} "
                f"except all select {kept} from {y}.marts.{table})"
            ).fetchone()
            if extra and extra[0]:
                found.append(f"mart rows differ: {table} ({extra[0]} rows only in {x})")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path, help="the data folder of the first run")
    parser.add_argument("after", type=Path, help="the data folder of the second run")
    args = parser.parse_args(argv)
    found = published_differences(args.before, args.after)
    found += mart_differences(args.before, args.after)
    for line in found:
        print(line)
    print("no differences beyond run times" if not found else f"{len(found)} differences")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
