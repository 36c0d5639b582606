"""Cutting an agency's extract from the simulated world: what the agency's system shows on
an extract date. A record appears once it has happened, stays for six years after it ended,
and shows only what was known then (a plan not yet ended has no end date; a decision not yet
made is null; an unborn child has an expected birth month).

The result is each entity as a frame in the agency's *raw* layout (with names, dates of
birth, NHS numbers and addresses in ``persons``) ready for ``writer``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from neglect_synthetic.generator import csc as C
from neglect_synthetic.generator import health as H
from neglect_synthetic.generator import police as P
from neglect_synthetic.generator import probation as R
from neglect_synthetic.generator.population import ETHNICITY, SEX, word_list
from neglect_synthetic.generator.timeline import NAT, Timeline
from neglect_synthetic.generator.world import World, agency_person_id

YN = ["N", "Y"]
YNU = ["Y", "N", "U"]
DAY = C.DAY_MINUTES

# Local id styles: prefixes of each agency's record numbers.
ID_PREFIX = {
    ("csc", "person_id"): "P",
    ("csc", "contact_id"): "C",
    ("csc", "referral_id"): "R",
    ("csc", "assessment_id"): "A",
    ("csc", "s47_id"): "S",
    ("csc", "cin_plan_id"): "CIN",
    ("csc", "cp_plan_id"): "CP",
    ("csc", "episode_id"): "E",
    ("csc", "missing_id"): "M",
    ("csc", "tool_id"): "T",
    ("police", "person_id"): "PN",
    ("police", "incident_id"): "INC",
    ("police", "notification_id"): "CN",
    ("police", "flag_id"): "F",
    ("police", "strategy_id"): "SD",
    ("health", "person_id"): "H",
    ("health", "appointment_id"): "AP",
    ("health", "attendance_id"): "ED",
    ("health", "booking_id"): "AN",
    ("health", "episode_id"): "AE",
    ("probation", "person_id"): "N",
    ("probation", "case_id"): "K",
    ("probation", "check_id"): "Q",
    ("probation", "visit_id"): "V",
}


def cat(codes, categories) -> pd.Categorical:
    codes = np.asarray(codes)
    if codes.dtype == bool:
        codes = codes.astype(np.int8)
    return pd.Categorical.from_codes(codes.astype(np.int16), categories=categories)


def days(values) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).view("datetime64[D]")


def minutes(values) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).view("datetime64[m]")


def known_by(values, extract_day: int, unit: str = "day") -> np.ndarray:
    """``values`` where they are on or before the extract date, else NAT."""
    values = np.asarray(values, dtype=np.int64)
    limit = extract_day if unit == "day" else (extract_day + 1) * DAY - 1
    return np.where((values != NAT) & (values <= limit), values, NAT)


def _in_delivery(frame: pd.DataFrame, extract_day: int, window_start: int) -> pd.DataFrame:
    keep = (frame["_visible"].to_numpy() <= extract_day) & (
        frame["_until"].to_numpy() >= window_start
    )
    return frame[keep]


def _localities(n: int) -> list[str]:
    return [f"L{i + 1:02d}" for i in range(n)]


def cut(
    world: World, agency: str, extract_day: int, timeline: Timeline, localities: int
) -> dict[str, pd.DataFrame]:
    """Every entity of one agency's extract on ``extract_day``, persons first."""
    window = timeline.window_start(extract_day)
    frames = {
        name: _in_delivery(f, extract_day, window) for name, f in world.frames[agency].items()
    }
    E = extract_day
    out: dict[str, pd.DataFrame] = {}
    used: list[np.ndarray] = []

    def pid(person) -> np.ndarray:
        person = np.asarray(person)
        used.append(person)
        return agency_person_id(agency, world.pop.person_global[person])

    loc = _localities(localities)

    if agency == "csc":
        f = frames["contacts"]
        decision = known_by(f["decision_datetime"], E, "minute")
        out["contacts"] = pd.DataFrame(
            {
                "contact_id": f["contact_id"].to_numpy(),
                "person_id": pid(f["person"]),
                "contact_datetime": minutes(f["contact_datetime"]),
                "source_code": cat(f["source_code"], C.REFERRAL_SOURCE),
                "neglect_factor": cat(f["neglect_factor"], YN),
                "decision_datetime": minutes(decision),
                "outcome": cat(np.where(decision == NAT, -1, f["outcome"]), C.CONTACT_OUTCOME),
            }
        )
        f = frames["referrals"]
        closure = known_by(f["closure_date"], E)
        out["referrals"] = pd.DataFrame(
            {
                "referral_id": f["referral_id"].to_numpy(),
                "person_id": pid(f["person"]),
                "contact_id": f["contact_id"].to_numpy(),
                "referral_date": days(f["referral_date"]),
                "source_code": cat(f["source_code"], C.REFERRAL_SOURCE),
                "primary_need_code": cat(
                    np.where(f["primary_need_code"] < 0, -1, f["primary_need_code"]),
                    [f"N{i}" for i in range(10)],
                ),
                "nfa": cat(f["nfa"], YN),
                "closure_date": days(closure),
                "closure_reason": cat(
                    np.where(closure == NAT, -1, f["closure_reason"]),
                    [f"RC{i}" for i in range(1, 10)],
                ),
            }
        )
        f = frames["assessments"]
        authorised = known_by(f["authorised_date"], E)
        out["assessments"] = pd.DataFrame(
            {
                "assessment_id": f["assessment_id"].to_numpy(),
                "referral_id": f["referral_id"].to_numpy(),
                "person_id": pid(f["person"]),
                "start_date": days(f["start_date"]),
                "authorised_date": days(authorised),
                "factors": np.where(authorised == NAT, None, f["factors"].to_numpy(dtype=object)),
            }
        )
        f = frames["s47_enquiries"]
        not_required = f["_icpc_not_required_from"].to_numpy()
        out["s47_enquiries"] = pd.DataFrame(
            {
                "s47_id": f["s47_id"].to_numpy(),
                "referral_id": f["referral_id"].to_numpy(),
                "person_id": pid(f["person"]),
                "strategy_discussion_date": days(f["strategy_discussion_date"]),
                "start_date": days(f["start_date"]),
                "icpc_date": days(known_by(f["icpc_date"], E)),
                "icpc_not_required": cat((not_required != NAT) & (not_required <= E), YN),
            }
        )
        f = frames["cin_plans"]
        out["cin_plans"] = pd.DataFrame(
            {
                "cin_plan_id": f["cin_plan_id"].to_numpy(),
                "referral_id": f["referral_id"].to_numpy(),
                "person_id": pid(f["person"]),
                "start_date": days(f["start_date"]),
                "end_date": days(known_by(f["end_date"], E)),
            }
        )
        f = frames["cp_plans"]
        change = f["_category_change"].to_numpy()
        latest = np.where(
            (change != NAT) & (change <= E), f["latest_category"], f["initial_category"]
        )
        out["cp_plans"] = pd.DataFrame(
            {
                "cp_plan_id": f["cp_plan_id"].to_numpy(),
                "referral_id": f["referral_id"].to_numpy(),
                "person_id": pid(f["person"]),
                "start_date": days(f["start_date"]),
                "end_date": days(known_by(f["end_date"], E)),
                "initial_category": cat(f["initial_category"], C.ABUSE),
                "latest_category": cat(latest, C.ABUSE),
            }
        )
        f = frames["cla_episodes"]
        end = known_by(f["end_date"], E)
        out["cla_episodes"] = pd.DataFrame(
            {
                "episode_id": f["episode_id"].to_numpy(),
                "person_id": pid(f["person"]),
                "start_date": days(f["start_date"]),
                "end_date": days(end),
                "reason_new_episode": cat(f["reason_new_episode"], ["S", "L", "P", "T", "B", "U"]),
                "legal_status": cat(f["legal_status"], C.LEGAL_STATUS),
                "category_of_need": cat(f["category_of_need"], [f"N{i}" for i in range(1, 9)]),
                "reason_ceased": cat(np.where(end == NAT, -1, f["reason_ceased"]), C.REASON_CEASED),
            }
        )
        f = frames["missing_episodes"]
        end = known_by(f["end_datetime"], E, "minute")
        out["missing_episodes"] = pd.DataFrame(
            {
                "missing_id": f["missing_id"].to_numpy(),
                "person_id": pid(f["person"]),
                "start_datetime": minutes(f["start_datetime"]),
                "end_datetime": minutes(end),
                "rhi_offered": cat(np.where(end == NAT, -1, f["rhi_offered"]), YN),
                "rhi_completed_date": days(known_by(f["rhi_completed_date"], E)),
            }
        )
        f = frames["family_hub"]
        reg = f["registered_date"].to_numpy()
        until = np.minimum(f["_attend_until"].to_numpy(), E)
        last = reg + 21 * ((until - reg) // 21)
        out["family_hub"] = pd.DataFrame(
            {
                "person_id": pid(f["person"]),
                "registered_date": days(reg),
                "last_attended_date": days(np.where(until >= reg + 21, last, NAT)),
            }
        )
        f = frames["neglect_tools"]
        out["neglect_tools"] = pd.DataFrame(
            {
                "tool_id": f["tool_id"].to_numpy(),
                "person_id": pid(f["person"]),
                "completing_agency": cat(
                    f["completing_agency"],
                    ["CSC", "HEALTH", "POLICE", "PROBATION", "EDUCATION", "OTHER"],
                ),
                "tool": cat(f["tool"], ["GCP2", "OTHER"]),
                "completed_date": days(f["completed_date"]),
                "overall_grade": cat(f["overall_grade"], ["1", "2", "3", "4", "5"]),
            }
        )
    elif agency == "police":
        f = frames["incidents"]
        hh = f["_hh"].to_numpy()
        out["incidents"] = pd.DataFrame(
            {
                "incident_id": f["incident_id"].to_numpy(),
                "incident_datetime": minutes(f["incident_datetime"]),
                "incident_type": cat(f["incident_type"], P.INCIDENT_TYPE),
                "locality_code": cat(f["_locality"], loc),
                "uprn": pd.array(np.where(hh >= 0, world.pop.hh_uprn[hh], 0), dtype="Int64"),
                "children_present": cat(f["children_present"], YN),
            }
        )
        out["incidents"].loc[hh < 0, "uprn"] = pd.NA
        f = frames["child_notifications"]
        out["child_notifications"] = pd.DataFrame(
            {
                "notification_id": f["notification_id"].to_numpy(),
                "incident_id": f["incident_id"].to_numpy(),
                "person_id": pid(f["person"]),
                "notification_datetime": minutes(f["notification_datetime"]),
                "risk_grade": cat(f["risk_grade"], ["STANDARD", "MEDIUM", "HIGH"]),
                "neglect_concern": cat(f["neglect_concern"], YN),
                "child_present": cat(f["child_present"], YN),
                "voice_of_child_recorded": cat(f["voice_of_child_recorded"], YN),
                "shared_with_csc_datetime": minutes(
                    known_by(f["shared_with_csc_datetime"], E, "minute")
                ),
            }
        )
        f = frames["flags"]
        out["flags"] = pd.DataFrame(
            {
                "flag_id": f["flag_id"].to_numpy(),
                "person_id": pid(f["person"]),
                "flag_type": cat(f["flag_type"], P.FLAG_TYPE),
                "start_date": days(f["start_date"]),
                "end_date": days(known_by(f["end_date"], E)),
            }
        )
        f = frames["strategy_discussions"]
        out["strategy_discussions"] = pd.DataFrame(
            {
                "strategy_id": f["strategy_id"].to_numpy(),
                "person_id": pid(f["person"]),
                "discussion_date": days(f["discussion_date"]),
            }
        )
    elif agency == "health":
        f = frames["appointments"]
        f = f[f["scheduled_date"].to_numpy() <= E]
        out["appointments"] = pd.DataFrame(
            {
                "appointment_id": f["appointment_id"].to_numpy(),
                "person_id": pid(f["person"]),
                "service": cat(f["service"], H.SERVICE),
                "appointment_type": cat(f["appointment_type"], H.APPOINTMENT_TYPE),
                "requested_date": days(f["requested_date"]),
                "due_date": days(f["due_date"]),
                "scheduled_date": days(f["scheduled_date"]),
                "outcome": cat(f["outcome"], H.OUTCOME),
            }
        )
        f = frames["ed_attendances"]
        out["ed_attendances"] = pd.DataFrame(
            {
                "attendance_id": f["attendance_id"].to_numpy(),
                "person_id": pid(f["person"]),
                "arrival_datetime": minutes(f["arrival_datetime"]),
                "safeguarding_concern": cat(f["safeguarding_concern"], YN),
                "referred_to_csc": cat(f["referred_to_csc"], YN),
            }
        )
        f = frames["antenatal_bookings"]
        out["antenatal_bookings"] = pd.DataFrame(
            {
                "booking_id": f["booking_id"].to_numpy(),
                "person_id": pid(f["person"]),
                "booking_date": days(f["booking_date"]),
                "expected_delivery_date": days(f["expected_delivery_date"]),
                "safeguarding_concern": cat(f["safeguarding_concern"], YN),
                "health_visitor_notified_date": days(
                    known_by(f["health_visitor_notified_date"], E)
                ),
            }
        )
        f = frames["child_records"]
        out["child_records"] = pd.DataFrame(
            {
                "person_id": pid(f["person"]),
                "service": cat(f["service"], H.SERVICE[:3]),
                "record_opened_date": days(f["record_opened_date"]),
                "significant_adults_recorded": cat(f["significant_adults_recorded"], YN),
                "safeguarding_flag": cat(f["_flag_from"].to_numpy() <= E, YN),
            }
        )
        f = frames["adult_episodes"]
        out["adult_episodes"] = pd.DataFrame(
            {
                "episode_id": f["episode_id"].to_numpy(),
                "person_id": pid(f["person"]),
                "service": cat(f["service"], ["ADULT_MENTAL_HEALTH", "SUBSTANCE_MISUSE"]),
                "start_date": days(f["start_date"]),
                "end_date": days(known_by(f["end_date"], E)),
                "child_risk_reviewed": cat(f["child_risk_reviewed"], YN),
            }
        )
    else:
        f = frames["cases"]
        end = known_by(f["end_date"], E)
        out["cases"] = pd.DataFrame(
            {
                "case_id": f["case_id"].to_numpy(),
                "person_id": pid(f["person"]),
                "provider": cat(f["provider"], R.PROVIDER),
                "start_date": days(f["start_date"]),
                "end_date": days(end),
                "rosh_children": cat(f["rosh_children"], ["LOW", "MEDIUM", "HIGH", "VERY_HIGH"]),
                "children_in_household": cat(f["children_in_household"], YNU),
            }
        )
        f = frames["safeguarding_checks"]
        out["safeguarding_checks"] = pd.DataFrame(
            {
                "check_id": f["check_id"].to_numpy(),
                "case_id": f["case_id"].to_numpy(),
                "stage": cat(f["stage"], R.STAGE),
                "requested_date": days(f["requested_date"]),
                "response_date": days(known_by(f["response_date"], E)),
                "csc_known": cat(f["csc_known"], YNU),
            }
        )
        f = frames["home_visits"]
        out["home_visits"] = pd.DataFrame(
            {
                "visit_id": f["visit_id"].to_numpy(),
                "case_id": f["case_id"].to_numpy(),
                "visit_date": days(f["visit_date"]),
                "neglect_concern": cat(f["neglect_concern"], YN),
                "referred_to_csc": cat(f["referred_to_csc"], YN),
            }
        )
    _resolve_references(agency, out)
    persons = np.unique(np.concatenate(used)) if used else np.empty(0, dtype=np.int64)
    return {"persons": _persons(world, agency, persons, E, loc), **out}


def keep_referenced_persons(frames: dict[str, pd.DataFrame]) -> None:
    """Only the persons some record of the extract still names, as the agency's own system
    would export them: a record dropped for its missing parent, or re-pointed by an injected
    defect, takes its person with it. Applied after the defects are injected."""
    referenced = np.concatenate(
        [np.empty(0, dtype=np.int64)]
        + [
            f["person_id"].to_numpy()
            for name, f in frames.items()
            if name != "persons" and "person_id" in f
        ]
    )
    persons = frames["persons"]
    keep = np.isin(persons["person_id"].to_numpy(), referenced)
    frames["persons"] = persons[keep].reset_index(drop=True)


def _resolve_references(agency: str, out: dict[str, pd.DataFrame]) -> None:
    """Drop records whose parent record is not (yet, or any longer) in the extract, as the
    agency's own system would not export them either."""
    links = {
        "csc": [
            ("assessments", "referral_id", "referrals"),
            ("s47_enquiries", "referral_id", "referrals"),
            ("cin_plans", "referral_id", "referrals"),
            ("cp_plans", "referral_id", "referrals"),
        ],
        "police": [("child_notifications", "incident_id", "incidents")],
        "probation": [
            ("safeguarding_checks", "case_id", "cases"),
            ("home_visits", "case_id", "cases"),
        ],
    }.get(agency, [])
    for child, column, parent in links:
        ids = out[parent][column].to_numpy()
        keep = np.isin(out[child][column].to_numpy(), ids)
        out[child] = out[child][keep].reset_index(drop=True)
    if agency == "csc":  # a referral's contact may be older than six years: keep the link null
        contacts = out["contacts"]["contact_id"].to_numpy()
        ref = out["referrals"]
        ref["contact_id"] = pd.array(
            np.where(np.isin(ref["contact_id"], contacts), ref["contact_id"], -1), dtype="int64"
        )


def _persons(world: World, agency: str, person: np.ndarray, E: int, loc: list[str]) -> pd.DataFrame:
    pop, rec = world.pop, world.recording[agency]
    birth = pop.birth[person]
    unborn = birth > E
    sex = pop.sex[person]
    forenames_f = np.array(word_list("forenames_f"), dtype=object)
    forenames_m = np.array(word_list("forenames_m"), dtype=object)
    forename = np.where(
        sex == 1,
        forenames_f[np.minimum(pop.forename[person], len(forenames_f) - 1)],
        forenames_m[np.minimum(pop.forename[person], len(forenames_m) - 1)],
    )
    forename = np.where(unborn, "UNBORN", forename)
    nhs = np.where(rec.nhs_held[person] & ~unborn, pop.nhs_number[person], -1)
    hh = pop.hh[person]
    streets = np.array(word_list("streets"), dtype=object)
    inward = pop.hh_postcode_inward[hh]
    letters = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
    postcode = (
        pd.Series(["ZX"] * len(person))
        + pd.Series(pop.hh_locality[hh] + 1).astype(str)
        + " "
        + pd.Series(inward // 400).astype(str)
        + letters[(inward // 20) % 20]
        + letters[inward % 20]
    )
    frame = pd.DataFrame(
        {
            "person_id": agency_person_id(agency, pop.person_global[person]),
            "nhs_number": pd.array(np.where(nhs >= 0, nhs, 0), dtype="Int64"),
            "surname": rec.surname[person],
            "forenames": forename,
            "date_of_birth": days(np.where(rec.birth_known[person], birth, NAT)),
            "sex": cat(sex, SEX),
            "ethnicity": cat(pop.ethnicity[person], ETHNICITY),
            "disabled": cat(pop.disabled[person], YN),
            "uprn": pop.hh_uprn[hh],
            "address_line_1": (
                pd.Series(pop.hh_house_number[hh]).astype(str)
                + " "
                + pd.Series(streets[pop.hh_street[hh]])
            ).to_numpy(),
            "postcode": postcode.to_numpy(),
            "locality_code": cat(pop.hh_locality[hh], loc),
        }
    )
    frame.loc[nhs < 0, "nhs_number"] = pd.NA
    identity = ["person_id", "nhs_number", "surname", "forenames", "date_of_birth", "sex"]
    columns = (
        identity
        + {
            "csc": ["ethnicity", "disabled", "uprn", "address_line_1", "postcode", "locality_code"],
            "police": ["address_line_1", "postcode"],
            "health": ["uprn", "address_line_1", "postcode", "locality_code"],
            "probation": ["uprn", "address_line_1", "postcode"],
        }[agency]
    )
    return frame[columns]
