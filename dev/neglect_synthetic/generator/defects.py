"""Delivery defects injected on purpose, so that the warehouse's checks have something real
to find. Every injected defect is written to ``truth/defects.csv``; the warehouse never reads
that folder. Rates are in ``defects`` of profiles/default.yml (``--clean`` turns them off)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from neglect_warehouse.shared.contract import entity as contract_entity


@dataclass
class Defect:
    extract_date: str
    agency: str
    entity: str
    record_id: str
    defect: str
    detail: str


def _pick(rng, n: int, rate: float) -> np.ndarray:
    if n == 0 or rate <= 0:
        return np.empty(0, dtype=np.int64)
    k = rng.binomial(n, rate)
    return np.sort(rng.choice(n, size=k, replace=False))


def _day(series: pd.Series) -> np.ndarray:
    return series.to_numpy().astype("datetime64[D]").astype(np.int64)


def _set_days(frame: pd.DataFrame, column: str, rows: np.ndarray, values: np.ndarray) -> None:
    col = frame[column].to_numpy().astype("datetime64[D]").copy()
    col[rows] = np.asarray(values, dtype=np.int64).view("datetime64[D]")
    frame[column] = col


def consistency_breaches(
    rng, agency: str, frames: dict[str, pd.DataFrame], extract_day: int, rate: float, prefix
) -> list[Defect]:
    """Records that break a rule of extracts.md §6 (the rule numbers are the DfE CIN census
    validation rules). Applied to the typed frames before they are written."""
    found: list[Defect] = []
    date = str(np.datetime64(int(extract_day), "D"))

    def note(entity, ids, defect, detail):
        pfx = prefix(agency, contract_entity(agency, entity).primary_key[0])
        found.extend(Defect(date, agency, entity, f"{pfx}{i}", defect, detail) for i in ids)

    if agency == "csc":
        cp = frames["cp_plans"]
        ended = np.flatnonzero(cp["end_date"].notna().to_numpy())
        rows = ended[_pick(rng, len(ended), rate)]
        _set_days(
            cp, "end_date", rows, _day(cp["start_date"])[rows] - rng.integers(1, 30, len(rows))
        )
        note(
            "cp_plans",
            cp["cp_plan_id"].to_numpy()[rows],
            "8925_plan_ends_before_start",
            "end_date before start_date",
        )
        rows = _pick(rng, len(cp), rate)
        extra = cp.iloc[rows].copy()
        extra["cp_plan_id"] = extra["cp_plan_id"] + 500_000_000
        _set_days(
            extra,
            "start_date",
            np.arange(len(extra)),
            _day(extra["start_date"]) + rng.integers(1, 20, len(extra)),
        )
        extra["end_date"] = pd.NaT
        frames["cp_plans"] = pd.concat([cp, extra], ignore_index=True)
        note(
            "cp_plans",
            extra["cp_plan_id"].to_numpy(),
            "8935_8940_overlapping_cp_plans",
            "a second CP plan starts while one is open",
        )

        ref = frames["referrals"]
        closed = np.flatnonzero(ref["closure_date"].notna().to_numpy())
        rows = closed[_pick(rng, len(closed), rate)]
        ref["closure_reason"] = ref["closure_reason"].astype(object)
        ref.loc[ref.index[rows], "closure_reason"] = None
        ref["closure_reason"] = ref["closure_reason"].astype("category")
        note(
            "referrals",
            ref["referral_id"].to_numpy()[rows],
            "8805_closure_without_reason",
            "closure_date without closure_reason",
        )

        a = frames["assessments"]
        rows = _pick(rng, len(a), rate)
        _set_days(
            a, "start_date", rows, _day(a["start_date"])[rows] - rng.integers(30, 90, len(rows))
        )
        note(
            "assessments",
            a["assessment_id"].to_numpy()[rows],
            "1103_assessment_before_referral",
            "start_date before the referral date",
        )
        done = np.flatnonzero(a["factors"].notna().to_numpy())
        rows = done[_pick(rng, len(done), rate)]
        a.loc[a.index[rows], "factors"] = "21;16A"
        note(
            "assessments",
            a["assessment_id"].to_numpy()[rows],
            "8869_factor_21_not_alone",
            "factor 21 with other factors",
        )

        c = frames["contacts"]
        decided = np.flatnonzero(c["decision_datetime"].notna().to_numpy())
        rows = decided[_pick(rng, len(decided), rate)]
        col = c["decision_datetime"].to_numpy().astype("datetime64[m]").copy()
        col[rows] = c["contact_datetime"].to_numpy().astype("datetime64[m]")[rows] - np.timedelta64(
            90, "m"
        )
        c["decision_datetime"] = col
        note(
            "contacts",
            c["contact_id"].to_numpy()[rows],
            "decision_before_contact",
            "decision_datetime before contact_datetime",
        )
        rows = _pick(rng, len(c), rate / 2)
        c.loc[c.index[rows], "person_id"] = 999_999_000 + np.arange(len(rows))
        note(
            "contacts",
            c["contact_id"].to_numpy()[rows],
            "dangling_person_id",
            "person_id not in persons",
        )
        rows = _pick(rng, len(c), rate / 2)
        col = c["contact_datetime"].to_numpy().astype("datetime64[m]").copy()
        col[rows] = np.datetime64(int(extract_day + 3), "D").astype(
            "datetime64[m]"
        ) + np.timedelta64(600, "m")
        c["contact_datetime"] = col
        dec = c["decision_datetime"].to_numpy().astype("datetime64[m]").copy()
        dec[rows] = np.datetime64("NaT")
        c["decision_datetime"] = dec
        c["outcome"] = c["outcome"].astype(object)
        c.loc[c.index[rows], "outcome"] = None
        c["outcome"] = c["outcome"].astype("category")
        note(
            "contacts",
            c["contact_id"].to_numpy()[rows],
            "future_event_date",
            "contact_datetime after the extract date",
        )
    elif agency == "probation":
        ch = frames["safeguarding_checks"]
        answered = np.flatnonzero(ch["response_date"].notna().to_numpy())
        rows = answered[_pick(rng, len(answered), rate)]
        _set_days(
            ch,
            "response_date",
            rows,
            _day(ch["requested_date"])[rows] - rng.integers(1, 10, len(rows)),
        )
        note(
            "safeguarding_checks",
            ch["check_id"].to_numpy()[rows],
            "response_before_request",
            "response_date before requested_date",
        )
    elif agency == "health":
        ap = frames["appointments"]
        rows = _pick(rng, len(ap), rate / 4)
        _set_days(ap, "scheduled_date", rows, np.full(len(rows), extract_day + 14))
        note(
            "appointments",
            ap["appointment_id"].to_numpy()[rows],
            "future_event_date",
            "scheduled_date after the extract date",
        )
    return found


def row_defects(
    rng, con, table: str, agency: str, entity: str, rates: dict, date: str
) -> list[Defect]:
    """Row-level problems written into the text table: duplicated rows, malformed values and
    codes outside their list (extracts.md §3a)."""
    if entity == "persons":
        return []
    spec = contract_entity(agency, entity)
    key = spec.primary_key[0]
    n = con.execute(f"select count(*) from {table}").fetchone()[0]
    found: list[Defect] = []

    def ids(rows):
        if not len(rows):
            return []
        listed = ",".join(str(int(r)) for r in rows)
        return [
            r[0]
            for r in con.execute(
                f'select "{key}" from {table} where rowid in ({listed}) order by rowid'
            ).fetchall()
        ]

    dates = [c.name for c in spec.columns if c.type in ("date", "datetime") and c.required]
    required = [c.name for c in spec.columns if c.required and c.name != key]
    codes = [c.name for c in spec.columns if c.type == "code" and c.required]

    rows = _pick(rng, n, rates["malformed_value"])
    for r, rid in zip(rows, ids(rows), strict=True):
        if dates and rng.random() < 0.7:
            col = dates[rng.integers(len(dates))]
            kind = rng.integers(3)
            expr = {
                0: f"""strftime(strptime(left("{col}", 10), '%Y-%m-%d'), '%d/%m/%Y')""",
                1: f"""cast(datediff('day', date '1899-12-30',
                              strptime(left("{col}", 10), '%Y-%m-%d')) as varchar)""",
                2: f"""replace("{col}", '-', '')""",
            }[int(kind)]
            detail = ("date as 31/03/2026", "date as an Excel serial", "date without dashes")
            con.execute(f'update {table} set "{col}" = {expr} where rowid = {int(r)}')
            found.append(
                Defect(date, agency, entity, rid, "malformed_value", f"{col}: {detail[int(kind)]}")
            )
        elif required:
            col = required[rng.integers(len(required))]
            con.execute(f'update {table} set "{col}" = null where rowid = {int(r)}')
            found.append(Defect(date, agency, entity, rid, "missing_required_value", col))

    rows = _pick(rng, n, rates["invalid_code"]) if codes else np.empty(0, dtype=np.int64)
    for r, rid in zip(rows, ids(rows), strict=True):
        col = codes[rng.integers(len(codes))]
        con.execute(f"""update {table} set "{col}" = 'ZZ9' where rowid = {int(r)}""")
        found.append(Defect(date, agency, entity, rid, "invalid_code", f"{col} = ZZ9"))

    rows = _pick(rng, n, rates["duplicate_row"])
    if len(rows):
        listed = ",".join(str(int(r)) for r in rows)
        con.execute(f"insert into {table} select * from {table} where rowid in ({listed})")
        found.extend(
            Defect(date, agency, entity, rid, "duplicate_id", "row delivered twice")
            for rid in ids(rows)
        )
    return found
