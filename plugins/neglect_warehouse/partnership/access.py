"""Who may do what in a shared PostgreSQL warehouse (outputs.md §2; docs/deployment.md).

``init`` makes a database ready for the pipeline, idempotently: it creates the group roles, the
pipeline's login role, the layer schemas, and the grants and default privileges below. Run it
as a superuser (or a cloud database's admin role), before the first load and after upgrades.

| role | login | may |
|---|---|---|
| ``warehouse_owner`` | no | own every schema and object; never used to log in |
| ``pipeline`` | yes | everything the owner may: its sessions run as ``warehouse_owner`` |
| ``engineer`` | no (group) | read every layer (raw, staging, intermediate, marts); write nothing |
| ``analyst`` | no (group) | read ``marts`` only |
| ``agency_<agency>`` | no (group) | read its own rows of the data quality marts only |

People log in as their own login roles, made members of one group with ``neglect-warehouse db
user``. Tables are re-created by every dbt build, so grants on them come from default
privileges (``engineer`` on every layer, ``analyst`` on ``marts``), and row-level security on
the data quality marts comes from the dbt post-hook ``agency_row_security`` (forced, so the
owner is not silently exempt), applied in the same transaction that swaps the new table in.
"""

from __future__ import annotations

from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

from neglect_warehouse.shared.contract import AGENCIES

SCHEMAS = ("raw", "staging", "intermediate", "marts")
OWNER = "warehouse_owner"
PIPELINE = "pipeline"
ENGINEER = "engineer"
ANALYST = "analyst"
AGENCY_ROLES = {agency: f"agency_{agency}" for agency in AGENCIES}
GROUPS = (ENGINEER, ANALYST, *AGENCY_ROLES.values())
# Group roles and the owner cannot log in; a login role is never a superuser, never exempt
# from row security, and can create neither databases nor roles.
NOLOGIN = "nologin nosuperuser nocreatedb nocreaterole noreplication nobypassrls"
SAFE_LOGIN = "login nosuperuser nocreatedb nocreaterole noreplication nobypassrls inherit"


def _role_sql(role: str, attributes: str) -> str:
    return (
        f"do $$ begin create role {role} {attributes}; "
        f"exception when duplicate_object then null; end $$; "
        f"alter role {role} {attributes}"
    )


def init_statements(database: str, pipeline_password: str | None = None) -> list[str]:
    """The SQL ``init`` runs, in order (every statement safe to repeat)."""
    statements = [
        _role_sql(OWNER, NOLOGIN),
        _role_sql(PIPELINE, SAFE_LOGIN),
        *(_role_sql(group, NOLOGIN) for group in GROUPS),
        f"grant {OWNER} to {PIPELINE}",
        # Every session of the pipeline acts as the owner, so what it creates (raw tables,
        # dbt's models) is owned by a role nobody logs in as.
        f"alter role {PIPELINE} in database {database} set role = '{OWNER}'",
        f"revoke all on database {database} from public",
        f"grant connect, temporary on database {database} to {OWNER}, {ENGINEER}, {ANALYST}",
        f"grant connect on database {database} to {', '.join(AGENCY_ROLES.values())}",
        "revoke create on schema public from public",
    ]
    if pipeline_password is not None:
        statements.append(f"alter role {PIPELINE} password '{_literal(pipeline_password)}'")
    for schema in SCHEMAS:
        statements += [
            f"create schema if not exists {schema} authorization {OWNER}",
            f"alter schema {schema} owner to {OWNER}",
            f"revoke all on schema {schema} from public",
            f"grant usage on schema {schema} to {ENGINEER}",
            f"grant select on all tables in schema {schema} to {ENGINEER}",
            f"alter default privileges for role {OWNER} in schema {schema} "
            f"grant select on tables to {ENGINEER}",
        ]
    statements += [
        f"grant usage on schema marts to {ANALYST}, {', '.join(AGENCY_ROLES.values())}",
        f"grant select on all tables in schema marts to {ANALYST}",
        f"alter default privileges for role {OWNER} in schema marts grant select on tables "
        f"to {ANALYST}",
    ]
    return statements


def _literal(value: str) -> str:
    return value.replace("'", "''")


def database_of(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name or not name.replace("_", "").isalnum():
        raise ValueError(f"{url!r} must name the warehouse database (letters, digits, _)")
    return name


def _with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


CLUSTER_LOCK = 4_217_017  # pg_advisory_lock key of `init`, taken in database postgres


@contextmanager
def _connect(url: str):
    import psycopg2

    con = psycopg2.connect(url)
    con.autocommit = True
    try:
        yield con
    finally:
        con.close()


def init(admin_url: str, pipeline_password: str | None = None) -> list[str]:
    """Create (if missing) the database ``admin_url`` names, then its roles, schemas and
    privileges; adopt objects an earlier load left owned by another role. Returns what was
    done, one line per step, for the command's output."""
    database = database_of(admin_url)
    done = []
    with _connect(_with_database(admin_url, "postgres")) as cluster, cluster.cursor() as lock:
        # Roles belong to the cluster: two inits at once (of two databases) would create and
        # alter the same roles together. One at a time, on a lock taken in `postgres` and held
        # until this connection closes.
        lock.execute("select pg_advisory_lock(%s)", (CLUSTER_LOCK,))
        lock.execute("select 1 from pg_database where datname = %s", (database,))
        if lock.fetchone() is None:
            lock.execute(f"create database {database}")
            done.append(f"created database {database}")
        done += _init_database(admin_url, database, pipeline_password)
    done.append(
        f"roles {OWNER}, {PIPELINE}, {', '.join(GROUPS)}; schemas {', '.join(SCHEMAS)}; "
        f"privileges granted on {database}"
    )
    return done


def _init_database(admin_url: str, database: str, pipeline_password: str | None) -> list[str]:
    statements = init_statements(database, pipeline_password)
    with _connect(admin_url) as con, con.cursor() as cur:
        for statement in statements:
            cur.execute(statement)
        cur.execute(
            """select format('alter %%s %%I.%%I owner to %%I',
                       case c.relkind when 'v' then 'view' when 'm' then 'materialized view'
                                      when 'S' then 'sequence' else 'table' end,
                       n.nspname, c.relname, %s)
               from pg_class as c
               join pg_namespace as n on n.oid = c.relnamespace
               where n.nspname = any(%s) and c.relkind in ('r', 'p', 'v', 'm', 'S')
                 and pg_get_userbyid(c.relowner) <> %s""",
            (OWNER, list(SCHEMAS), OWNER),
        )
        adopt = [row[0] for row in cur.fetchall()]
        for statement in adopt:
            cur.execute(statement)
        if adopt:
            for statement in statements:  # again, for the adopted objects
                cur.execute(statement)
            return [f"gave {len(adopt)} existing objects to {OWNER}"]
    return []


def add_user(admin_url: str, name: str, group: str, password: str | None = None) -> None:
    """A person's login role, member of one group (``engineer``, ``analyst`` or
    ``agency_<agency>``), with nothing of its own."""
    if group not in GROUPS:
        raise ValueError(f"{group!r} is not a group; choose one of {', '.join(GROUPS)}")
    if not name.replace("_", "").isalnum() or name in (OWNER, PIPELINE, *GROUPS):
        raise ValueError(f"{name!r} cannot be a login name (letters, digits, _; not a group)")
    with _connect(admin_url) as con, con.cursor() as cur:
        cur.execute(_role_sql(name, SAFE_LOGIN))
        cur.execute(f"grant {group} to {name}")
        if password is not None:
            cur.execute(f"alter role {name} password '{_literal(password)}'")


# --- What each login can actually do --------------------------------------------------------

DATA_QUALITY = "marts (data quality)"
LAYERS = (*SCHEMAS, DATA_QUALITY)
DATA_QUALITY_PREFIXES = ("fct_dq_", "dim_dq_")


def _is_data_quality(schema: str, name: str) -> bool:
    return schema == "marts" and name.startswith(DATA_QUALITY_PREFIXES)


def logins(cur) -> list[str]:
    """The pipeline and every login role in one of the groups, by name."""
    cur.execute(
        """select distinct r.rolname
           from pg_roles as r
           left join pg_auth_members as m on m.member = r.oid
           left join pg_roles as g on g.oid = m.roleid
           where r.rolcanlogin and (r.rolname = %s or g.rolname = any(%s))
           order by 1""",
        (PIPELINE, list(GROUPS)),
    )
    return [row[0] for row in cur.fetchall()]


# Probes run inside the server, so a login's whole row of the matrix is one query. Each one
# undoes what it did (the raise rolls its block back) and says whether it was allowed.
PROBES = [
    """create function pg_temp.access_can(statement text) returns boolean
       language plpgsql as $$
       begin
           execute statement;
           raise sqlstate 'NWOK0';
       exception
           when sqlstate 'NWOK0' then return true;
           when insufficient_privilege or invalid_schema_name then return false;
       end $$""",
    """create function pg_temp.access_creator(schema_name text) returns text
       language plpgsql as $$
       declare creator text;
       begin
           begin
               execute format('create table %I.access_probe (x int)', schema_name);
               select pg_get_userbyid(relowner) into creator from pg_class
               where oid = format('%I.access_probe', schema_name)::regclass;
               raise sqlstate 'NWOK0';
           exception
               when sqlstate 'NWOK0' then null;
               when insufficient_privilege or invalid_schema_name then return null;
           end;
           return creator;
       end $$""",
    """create function pg_temp.access_rows(relation text) returns text
       language plpgsql as $$
       declare visible text;
       begin
           execute format('select string_agg(distinct agency::text, ''/'' order by agency::text)'
                          ' from %s', relation) into visible;
           return coalesce(visible, 'nobody');
       exception when insufficient_privilege then return null;
       end $$""",
]
LOGIN_ROW = """
    with relation as (
        select schema_name, relation_name,
               format('%%I.%%I', schema_name, relation_name) as qualified
        from unnest(%(schemas)s::text[], %(names)s::text[]) as r(schema_name, relation_name)
    )
    select schema_name, relation_name,
           pg_temp.access_can(format('select 1 from %%s limit 1', qualified)),
           pg_temp.access_can(format('lock table %%s in row exclusive mode', qualified)),
           case when relation_name like any (%(row_secured)s) and schema_name = 'marts'
                then pg_temp.access_rows(qualified) end,
           null
    from relation
    union all
    select schema_name, '(create)',
           null,
           schema_name <> 'public' and pg_temp.access_can(
               format('select 1 from %%I.access_probe_new_table', schema_name)),
           null,
           pg_temp.access_creator(schema_name)
    from unnest(%(all_schemas)s::text[]) as s(schema_name)
    union all
    select '(database)', privilege, has_database_privilege(current_database(), privilege),
           null, null, null
    from unnest(array['CONNECT', 'TEMPORARY']) as p(privilege)
"""


def observe(cur, who: list[str]) -> dict[str, dict[str, str]]:
    """What each of ``who`` (login roles) can do to every table and view of the layer schemas,
    found by trying it, summarised per layer: ``-`` nothing, ``read``, ``write`` (insert,
    update, delete), and on the data quality marts whose rows (agencies) it sees; ``create``
    lists the schemas it can create tables in, ``new tables`` those where a table the pipeline
    creates tomorrow is readable, ``database`` its database privileges. Plus ``findings``:
    what no login may be or own. Runs inside the caller's transaction and leaves it as it
    found it, so the caller may change something first and see the effect."""
    cur.execute(
        """select n.nspname, c.relname
           from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
           where n.nspname = any(%s) and c.relkind in ('r', 'p', 'v', 'm')
           order by 1, 2""",
        (list(SCHEMAS),),
    )
    relations = cur.fetchall()
    cur.execute("savepoint observe")
    try:
        for probe in PROBES:
            cur.execute(probe)
        cur.execute(f"set local role {OWNER}")
        for schema in SCHEMAS:
            cur.execute(f"create table {schema}.access_probe_new_table (x int)")
        cur.execute("reset role")
        matrix = {login: _observe_login(cur, login, relations) for login in who}
    finally:
        cur.execute("rollback to savepoint observe")
        cur.execute("release savepoint observe")
    matrix["findings"] = {"login roles": ", ".join(_findings(cur)) or "ok"}
    return matrix


def _observe_login(cur, login: str, relations) -> dict[str, str]:
    # As PostgreSQL does at login: the role, then the role its settings switch to.
    cur.execute(f"set local role {login}")
    cur.execute(
        """select s.setconfig from pg_db_role_setting as s
           join pg_roles as r on r.oid = s.setrole
           where r.rolname = %s and s.setdatabase in (0, (select oid from pg_database
                                                          where datname = current_database()))
           order by s.setdatabase desc""",
        (login,),
    )
    for (config,) in cur.fetchall():
        switch = [c.split("=", 1)[1] for c in config if c.startswith("role=")]
        if switch:
            cur.execute("select pg_has_role(%s, %s, 'member')", (login, switch[0]))
            if cur.fetchone()[0]:  # else the login may not switch
                cur.execute(f"set local role {switch[0]}")
            break
    cur.execute(
        LOGIN_ROW,
        {
            "schemas": [r[0] for r in relations],
            "names": [r[1] for r in relations],
            "row_secured": [f"{p}%" for p in DATA_QUALITY_PREFIXES],
            "all_schemas": ["public", *SCHEMAS],
        },
    )
    probed = cur.fetchall()
    cur.execute("reset role")
    seen: dict[str, set[str]] = {layer: set() for layer in LAYERS}
    result: dict[str, list[str]] = {"create": [], "new tables": [], "database": []}
    creators = set()
    for schema, name, can_read, can_write, rows, creator in probed:
        if schema == "(database)":
            result["database"] += [name.lower()] if can_read else []
        elif name == "(create)":
            result["create"] += [schema] if creator else []
            creators |= {creator} if creator else set()
            result["new tables"] += [schema] if can_write else []
        elif name != "access_probe_new_table":
            layer = DATA_QUALITY if _is_data_quality(schema, name) else schema
            verdict = "-" if not can_read else "write" if can_write else "read"
            if layer == DATA_QUALITY and can_read:
                verdict += f" rows of {rows}"
            seen[layer].add(verdict)
    if result["create"]:  # and who owns what it creates
        result["create"][-1] += f" (owned by {', '.join(sorted(creators))})"
    return {
        **{layer: " | ".join(sorted(v)) or "(no tables)" for layer, v in seen.items()},
        **{key: ", ".join(values) or "-" for key, values in result.items()},
    }


def _findings(cur) -> list[str]:
    """Login roles that are superusers, bypass row security, or own anything in this database;
    row-secured tables whose security is not forced."""
    cur.execute(
        """select r.rolname || ' is ' || case when r.rolsuper then 'a superuser'
                                              else 'exempt from row security' end
           from pg_roles as r
           where r.rolcanlogin
             and (r.rolname = %s
                  or exists (select 1 from pg_auth_members as m
                             join pg_roles as g on g.oid = m.roleid
                             where m.member = r.oid and g.rolname = any(%s)))
             and (r.rolsuper or r.rolbypassrls)
           union all
           select pg_get_userbyid(c.relowner) || ' owns ' || n.nspname || '.' || c.relname
           from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
           join pg_roles as r on r.oid = c.relowner
           where r.rolcanlogin and n.nspname = any(%s)
           union all
           select n.nspname || ' is owned by ' || pg_get_userbyid(n.nspowner)
           from pg_namespace as n where n.nspname = any(%s) and pg_get_userbyid(n.nspowner) <> %s
           union all
           select n.nspname || '.' || c.relname || ': row security not '
                  || case when c.relrowsecurity then 'forced' else 'enabled' end
           from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
           where n.nspname = 'marts' and c.relkind in ('r', 'p')
             and left(c.relname, 7) in ('fct_dq_', 'dim_dq_')
             and not (c.relrowsecurity and c.relforcerowsecurity)
           order by 1""",
        (PIPELINE, [OWNER, *GROUPS], list(SCHEMAS), list(SCHEMAS), OWNER),
    )
    return [row[0] for row in cur.fetchall()]
