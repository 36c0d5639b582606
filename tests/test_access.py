"""Least privilege on the shared PostgreSQL warehouse (outputs.md §2), as a role-by-layer matrix
found by trying every table and view as every kind of login: after `neglect-warehouse db init`,
a load and a dbt build by the pipeline role; again after a full rebuild of the models; and with
each single grant, policy, membership or setting the matrix rests on taken away (rolled back
afterwards), which must change what some login can do."""

from __future__ import annotations

import shutil
import uuid

import psycopg2
import pytest

from neglect_warehouse.partnership import access
from neglect_warehouse.partnership.ingest.folder import ingest_landing
from neglect_warehouse.partnership.ingest.pipeline import Options
from neglect_warehouse.partnership.transform.dbt_build import build
from neglect_warehouse.partnership.warehouse import Target
from tests.postgres import ADMIN, as_role, fresh_database

LAYERS = "raw, staging, intermediate, marts"
ALL_ROWS = "rows of csc/health/police/probation"
NOTHING = {
    "raw": "-",
    "staging": "-",
    "intermediate": "-",
    "marts": "-",
    "marts (data quality)": "-",
    "create": "-",
    "new tables": "-",
    "database": "-",
}
# Written out by hand from outputs.md §2 and docs/deployment.md; not derived from the code.
EXPECTED = {
    "pipeline": {
        "raw": "write",
        "staging": "write",
        "intermediate": "write",
        "marts": "write",
        "marts (data quality)": f"write {ALL_ROWS}",
        "create": f"{LAYERS} (owned by warehouse_owner)",
        "new tables": LAYERS,
        "database": "connect, temporary",
    },
    "engineer": {
        "raw": "read",
        "staging": "read",
        "intermediate": "read",
        "marts": "read",
        "marts (data quality)": f"read {ALL_ROWS}",
        "create": "-",
        "new tables": LAYERS,
        "database": "connect, temporary",
    },
    "analyst": {
        **NOTHING,
        "marts": "read",
        "marts (data quality)": f"read {ALL_ROWS}",
        "new tables": "marts",
        "database": "connect, temporary",
    },
    **{
        f"agency_{agency}": {
            **NOTHING,
            "marts (data quality)": f"read rows of {agency}",
            "database": "connect",
        }
        for agency in ("csc", "police", "health", "probation")
    },
    "nobody": NOTHING,  # a login in no group: what PUBLIC may do
}


@pytest.fixture(scope="module")
def warehouse(tiny_clean, tmp_path_factory):
    """tiny, initialised, loaded and built by the pipeline role, with one login per group
    (named for this run, dropped afterwards) and one login in no group."""
    base = tmp_path_factory.mktemp("access")
    suffix = uuid.uuid4().hex[:8]
    people = {
        group: f"t{suffix}_{group}"
        for group in ("engineer", "analyst", *(f"agency_{a}" for a in access.AGENCIES))
    }
    nobody = f"t{suffix}_nobody"
    with fresh_database(init=False) as admin_url:
        access.init(admin_url)
        for group, name in people.items():
            access.add_user(admin_url, name, group)
        pipeline = Target.parse(as_role(admin_url, access.PIPELINE))
        shutil.copytree(tiny_clean / "landing", base / "landing")
        ingest_landing(base / "landing", pipeline, Options(base / "quarantine"))
        build(pipeline, exclude="test_type:unit")
        con = psycopg2.connect(admin_url)
        with con.cursor() as cur:
            cur.execute(f"create role {nobody} login")
        con.commit()
        logins = {"pipeline": "pipeline", **people, "nobody": nobody}
        try:
            yield admin_url, pipeline, con, logins
        finally:
            con.rollback()
            con.close()
    with psycopg2.connect(f"{ADMIN}/postgres") as admin, admin.cursor() as cur:
        for name in [*people.values(), nobody]:
            cur.execute(f"drop role if exists {name}")


def observed(con, logins: dict[str, str]) -> dict:
    """The matrix keyed by kind of login (the test's names), plus the findings."""
    with con.cursor() as cur:
        matrix = access.observe(cur, list(logins.values()))
    by_name = {name: kind for kind, name in logins.items()}
    return {by_name.get(login, login): row for login, row in matrix.items()}


def assert_matrix_is_expected(con, logins: dict[str, str]) -> None:
    matrix = observed(con, logins)
    con.rollback()
    assert matrix.pop("findings") == {"login roles": "ok"}
    assert matrix == EXPECTED


def test_each_login_can_do_exactly_what_its_role_allows(warehouse):
    _, _, con, logins = warehouse
    assert_matrix_is_expected(con, logins)


def test_logins_connect_as_themselves_and_the_pipeline_acts_as_the_owner(warehouse):
    admin_url, _, _, logins = warehouse
    with psycopg2.connect(as_role(admin_url, logins["analyst"])) as con, con.cursor() as cur:
        cur.execute("select count(*) from marts.fct_indicator_values")
        assert cur.fetchone()[0] > 0
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            cur.execute("select count(*) from raw.deliveries")
    with psycopg2.connect(as_role(admin_url, "pipeline")) as con, con.cursor() as cur:
        cur.execute("select session_user, current_user")
        assert cur.fetchone() == ("pipeline", "warehouse_owner")
        cur.execute(
            "select distinct pg_get_userbyid(c.relowner) from pg_class as c "
            "join pg_namespace as n on n.oid = c.relnamespace "
            "where n.nspname in ('raw', 'staging', 'intermediate', 'marts')"
        )
        assert cur.fetchall() == [("warehouse_owner",)]


def test_db_init_is_idempotent_and_keeps_the_matrix(warehouse):
    admin_url, _, con, logins = warehouse
    access.init(admin_url)
    access.init(admin_url)
    assert_matrix_is_expected(con, logins)


def test_the_matrix_survives_a_full_rebuild_of_the_models(warehouse):
    _, pipeline, con, logins = warehouse
    with con.cursor() as cur:
        cur.execute("select oid from pg_class where relname = 'fct_dq_deliveries'")
        before = cur.fetchone()[0]
    con.rollback()
    build(pipeline, command="run")
    with con.cursor() as cur:
        cur.execute("select oid from pg_class where relname = 'fct_dq_deliveries'")
        assert cur.fetchone()[0] != before  # the table was re-created, not kept
    con.rollback()
    assert_matrix_is_expected(con, logins)


def everything_the_matrix_rests_on(cur, logins: dict[str, str]) -> list[str]:
    """One statement per grant, default privilege, policy, row-security switch, membership and
    setting that `db init` and the dbt post-hook made, each taking exactly that one away."""
    roles = [access.OWNER, *access.GROUPS, *logins.values()]
    cur.execute(
        """select format('revoke %%s on database %%I from %%I', a.privilege_type,
                         d.datname, pg_get_userbyid(a.grantee))
           from pg_database as d, aclexplode(d.datacl) as a
           where d.datname = current_database() and pg_get_userbyid(a.grantee) = any(%(roles)s)
           union all
           select format('revoke %%s on schema %%I from %%I', a.privilege_type, n.nspname,
                         pg_get_userbyid(a.grantee))
           from pg_namespace as n, aclexplode(n.nspacl) as a
           where pg_get_userbyid(a.grantee) = any(%(roles)s) and a.grantee <> n.nspowner
           union all
           select format('revoke %%s on %%I.%%I from %%I', a.privilege_type, n.nspname,
                         c.relname, pg_get_userbyid(a.grantee))
           from pg_class as c join pg_namespace as n on n.oid = c.relnamespace,
                aclexplode(c.relacl) as a
           where pg_get_userbyid(a.grantee) = any(%(roles)s) and a.grantee <> c.relowner
           union all
           select format('alter default privileges for role %%I in schema %%I revoke %%s on '
                         'tables from %%I', pg_get_userbyid(d.defaclrole), n.nspname,
                         a.privilege_type, pg_get_userbyid(a.grantee))
           from pg_default_acl as d join pg_namespace as n on n.oid = d.defaclnamespace,
                aclexplode(d.defaclacl) as a
           union all
           select format('drop policy %%I on %%I.%%I', policyname, schemaname, tablename)
           from pg_policies
           union all
           select format('alter table %%I.%%I %%s row level security', n.nspname, c.relname,
                         switch)
           from pg_class as c join pg_namespace as n on n.oid = c.relnamespace,
                unnest(array['disable', 'no force']) as switch
           where c.relrowsecurity
           union all
           select format('revoke %%I from %%I', g.rolname, r.rolname)
           from pg_auth_members as m join pg_roles as g on g.oid = m.roleid
           join pg_roles as r on r.oid = m.member
           where r.rolname = any(%(roles)s)
           union all
           select format('alter role %%I in database %%I reset role', r.rolname, d.datname)
           from pg_db_role_setting as s join pg_roles as r on r.oid = s.setrole
           join pg_database as d on d.oid = s.setdatabase
           where d.datname = current_database()""",
        {"roles": roles},
    )
    statements = [row[0] for row in cur.fetchall()]
    # and the one thing init takes away from everybody
    statements.append("grant create on schema public to public")
    return statements


def test_taking_away_any_single_grant_or_policy_breaks_the_matrix(warehouse):
    _, _, con, logins = warehouse
    with con.cursor() as cur:
        statements = everything_the_matrix_rests_on(cur, logins)
    con.rollback()
    kinds = {s.split(" on ")[0].split(" in ")[0] for s in statements}
    assert len(statements) > 100, statements  # every table's grants, not a sample
    assert any(s.startswith("drop policy agency_health_own_rows") for s in statements)
    assert any("no force row level security" in s for s in statements), kinds
    assert any(s.startswith("alter default privileges") for s in statements), kinds
    assert any(s.startswith("alter role pipeline") for s in statements), kinds
    unnoticed = []
    for statement in statements:
        with con.cursor() as cur:
            cur.execute(statement)
        matrix = observed(con, logins)
        con.rollback()
        findings = matrix.pop("findings")
        if matrix == EXPECTED and findings == {"login roles": "ok"}:
            unnoticed.append(statement)
    assert unnoticed == []


def test_db_check_shows_the_matrix_and_fails_on_a_finding(warehouse):
    from click.testing import CliRunner

    from neglect_warehouse.cli import main

    admin_url, _, con, logins = warehouse
    ok = CliRunner().invoke(main, ["db", "check", admin_url])
    assert ok.exit_code == 0, ok.output
    analyst_row = next(
        line for line in ok.output.splitlines() if line.startswith(logins["analyst"])
    )
    assert analyst_row.split()[1:5] == ["-", "-", "-", "read"]
    assert ok.output.rstrip().endswith("findings: ok")
    with con.cursor() as cur:
        cur.execute(f"alter role {logins['engineer']} bypassrls")
    con.commit()
    try:
        bad = CliRunner().invoke(main, ["db", "check", admin_url])
    finally:
        with con.cursor() as cur:
            cur.execute(f"alter role {logins['engineer']} nobypassrls")
        con.commit()
    assert bad.exit_code == 1
    assert f"{logins['engineer']} is exempt from row security" in bad.output
