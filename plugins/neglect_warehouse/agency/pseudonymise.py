"""``neglect-warehouse pseudonymise``: the tool each agency runs on its raw extract before
delivery (spec/extracts.md §3).

For every entity of the agency it writes exactly the contract's columns:

- ``person_token``     from ``nhs_number`` when it is a valid NHS number (modulus 11);
- ``person_alt_token`` from ``surname``, ``forenames`` and ``date_of_birth`` when all three
  are present;
- ``birth_month``      from ``date_of_birth`` (the expected date for an unborn child);
- ``household_token``  from ``uprn``;

and drops every other raw column (names, NHS numbers, dates of birth, addresses, postcodes,
free text). The key is read from a file or an environment variable and is never written
anywhere. Files are written to a hidden staging folder and moved into place, the manifest
last, so the warehouse never sees half a delivery.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from pathlib import Path

from neglect_warehouse.agency.delivery import write_delivery
from neglect_warehouse.agency.tokens import alt_message, household_message, nhs_message, tokeniser
from neglect_warehouse.shared import contract
from neglect_warehouse.shared.nhs_number import is_valid

KEY_ENV = "NEGLECT_WAREHOUSE_KEY"
MIN_KEY_BYTES = 16
IDENTITY_COLUMNS = ("nhs_number", "surname", "forenames", "date_of_birth", "uprn")
BATCH_ROWS = 200_000


class PseudonymiseError(Exception):
    """A problem the agency can fix (missing key, missing raw file, bad layout)."""


def read_key(key_file: Path | None = None, env: str = KEY_ENV) -> bytes:
    """The partnership key, from ``key_file`` or the environment variable ``env``."""
    if key_file is not None:
        try:
            key = Path(key_file).read_bytes().strip()
        except OSError as exc:
            raise PseudonymiseError(f"cannot read the key file {key_file}: {exc.strerror}") from exc
        source = f"key file {key_file}"
    else:
        key = os.environ.get(env, "").strip().encode()
        source = f"environment variable {env}"
    if not key:
        raise PseudonymiseError(
            f"no pseudonymisation key: set {env} or pass --key-file (the partnership key is "
            "held by the agencies and never by the warehouse)"
        )
    if len(key) < MIN_KEY_BYTES:
        raise PseudonymiseError(
            f"the key from the {source} is shorter than {MIN_KEY_BYTES} "
            "bytes; use the partnership key"
        )
    return key


@lru_cache(maxsize=131072)
def _birth_month(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value).strftime("%Y-%m")
    except ValueError:
        return None  # an unreadable date of birth gives no birth month (the row is rejected)


def pseudonymise_rows(frame, key: bytes, wanted: list[str]):
    """Token and birth-month columns for a batch of raw rows (pandas, all text)."""
    token = tokeniser(key)
    out = frame.copy()
    if "person_token" in wanted:
        nhs = (v.replace(" ", "") if isinstance(v, str) else None for v in frame["nhs_number"])
        out["person_token"] = [token(nhs_message(v)) if v and is_valid(v) else None for v in nhs]
    if "person_alt_token" in wanted:
        out["person_alt_token"] = [
            token(alt_message(s, f, d))
            if isinstance(s, str) and isinstance(f, str) and isinstance(d, str) and _birth_month(d)
            else None
            for s, f, d in zip(
                frame["surname"], frame["forenames"], frame["date_of_birth"], strict=True
            )
        ]
    if "birth_month" in wanted:
        out["birth_month"] = [
            _birth_month(d) if isinstance(d, str) else None for d in frame["date_of_birth"]
        ]
    if "household_token" in wanted:
        out["household_token"] = [
            token(household_message(u)) if isinstance(u, str) and u.strip() else None
            for u in frame["uprn"]
        ]
    return out[wanted]


def pseudonymise_file(source: Path, target: Path, entity: contract.Entity, key: bytes) -> int:
    """Write ``target`` with exactly the contract's columns; returns the number of data rows."""
    import pandas as pd

    wanted = entity.column_names
    header = pd.read_csv(source, nrows=0, dtype=str).columns.tolist()
    derived = {
        "person_token": ["nhs_number"],
        "person_alt_token": ["surname", "forenames", "date_of_birth"],
        "birth_month": ["date_of_birth"],
        "household_token": ["uprn"],
    }
    missing = [
        c
        for c in wanted
        if c not in header and not (c in derived and all(s in header for s in derived[c]))
    ]
    if missing:
        raise PseudonymiseError(
            f"{source.name}: the raw extract has no column for {', '.join(missing)}; "
            "see docs/pseudonymisation.md for the raw layout"
        )
    rows = 0
    first = True
    with open(target, "w", encoding="utf-8", newline="") as out:
        for batch in pd.read_csv(
            source, dtype=str, keep_default_na=False, na_values=[""], chunksize=BATCH_ROWS
        ):
            batch = batch.astype(object).where(batch.notna(), None)
            if any(c in wanted and c not in header for c in derived):
                batch = pseudonymise_rows(batch, key, wanted)
            else:
                batch = batch[wanted]
            batch.to_csv(out, index=False, header=first, lineterminator="\n")
            first = False
            rows += len(batch)
        if first:  # header-only raw file
            out.write(",".join(wanted) + "\n")
    return rows


def pseudonymise_delivery(
    raw_dir: Path, agency: str, extract_date: dt.date, landing: Path, key: bytes, key_id: str
) -> Path:
    """Pseudonymise every entity of one agency's raw extract into ``landing/<agency>/``
    with its manifest; returns the manifest's path."""

    def write(entity: contract.Entity, target: Path) -> int:
        source = Path(raw_dir) / agency / target.name
        if not source.exists():
            raise PseudonymiseError(
                f"raw file missing: {source} (every entity of {agency} must be delivered)"
            )
        return pseudonymise_file(source, target, entity, key)

    return write_delivery(agency, extract_date, landing, key_id, write)
