"""Reviewer roles on a PostgreSQL store: the server itself decides who may write what.

On PostgreSQL the reviewer is the database role (`current_user`). `grant_reviewer`,
run by the store's owner, creates a LOGIN role and gives it exactly what the review
operations write, and no more:

==============  =======================  ============================================
table           rights besides SELECT    rows the role may write
==============  =======================  ============================================
decision        INSERT, DELETE           its own (reviewer = current_user)
review_state    INSERT, UPDATE, DELETE   its own lane (`lane` column), else its own
                                         rows (`reviewer` column), while a store has
                                         no lanes yet
undone_group    INSERT, DELETE           groups of its own decisions
document_work   INSERT, UPDATE, DELETE   any: a cache of counts, dropped and counted again
store_meta      INSERT, UPDATE, DELETE   the data version, the candidate count, and the
                                         markers of its own bulk decisions
entity, event   INSERT                   additions with origin 'reviewer', in its name
argument        INSERT                   additions with origin 'reviewer'
assignment      INSERT                   claims of a document for itself
document        UPDATE                   none: only to lock a row it claims (FOR UPDATE)
sentence        -                        -
==============  =======================  ============================================

plus USAGE on the schema and on the tables' sequences. Row-level security policies
say which rows; a role that owns the tables (or a superuser) is not bound by them,
so the owner imports, assigns and adjudicates as before. The decision log is guarded
by a trigger instead of a policy: decisions are appended with `COPY`, and PostgreSQL
refuses `COPY FROM` into a table whose row-level security binds the role.

A bulk decision's marker in `store_meta` is shown to a reviewer only when the group
is theirs, so a reviewer never tries to take back another reviewer's abandoned bulk
decision (which the policies would refuse); its owner or the store's owner does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Any

from annotator.store.bulk import _MARKER
from annotator.store.errors import StoreError
from annotator.store.locking import run_write
from annotator.store.models import ALL_MODELS, ReviewStateRow, database
from annotator.store.queries import _CANDIDATE_COUNT_KEY
from annotator.store.sql import driver_errors, is_postgres
from annotator.store.watch import _DATA_VERSION_KEY

# Every policy and trigger this module makes carries this prefix, so it can find and replace its own.
PREFIX = "annotator_"
_TRIGGER_FUNCTION = f"{PREFIX}only_own_decisions"
# PostgreSQL's longest identifier, in bytes (NAMEDATALEN - 1): a longer name would be cut silently.
_LONGEST_NAME = 63
# Names the server keeps for itself, or that mean something else where a role is expected.
_RESERVED = {"public", "none", "current_user", "session_user", "current_role"}
_SCRAM_ITERATIONS = 4096
_ME = "(current_user)::text"
_OWN_GROUP = (
    f"EXISTS (SELECT 1 FROM decision d WHERE d.group_id = {{table}}.group_id AND d.reviewer = {_ME})"
    f" AND NOT EXISTS (SELECT 1 FROM decision d WHERE d.group_id = {{table}}.group_id AND d.reviewer <> {_ME})"
)
_MARKER_KEY = f"key ~ '^{_MARKER}[0-9]{{1,18}}$'"
_META_KEYS = f"(key IN ('{_DATA_VERSION_KEY}', '{_CANDIDATE_COUNT_KEY}') OR {_MARKER_KEY})"
_VISIBLE_META = (
    f"CASE WHEN {_MARKER_KEY} THEN NOT EXISTS (SELECT 1 FROM decision d"
    f" WHERE d.group_id = CAST(substr(store_meta.key, {len(_MARKER) + 1}) AS BIGINT) AND d.reviewer <> {_ME}) ELSE TRUE END"
)


class RoleError(StoreError):
    """A role that cannot be granted or revoked as asked (a SQLite store, a name the server keeps, no rights)."""


@dataclass(frozen=True)
class Granted:
    """What `grant_reviewer` did: whether the role was new, whether a password was set, what review_state is keyed on."""

    role: str
    created: bool
    password_set: bool
    state_key: str


def _policies(state_key: str) -> dict[str, list[tuple[str, str, str | None, str | None]]]:
    """Each table's policies: (name, command, USING, WITH CHECK); every table also gets one that lets all read."""
    own_state = f"{state_key} = {_ME}"
    return {
        "review_state": [
            ("own_insert", "INSERT", None, own_state),
            ("own_update", "UPDATE", own_state, own_state),
            ("own_delete", "DELETE", own_state, None),
        ],
        "undone_group": [
            ("own_insert", "INSERT", None, _OWN_GROUP.format(table="undone_group")),
            ("own_delete", "DELETE", _OWN_GROUP.format(table="undone_group"), None),
        ],
        "store_meta": [
            ("counters_insert", "INSERT", None, _META_KEYS),
            ("counters_update", "UPDATE", _META_KEYS, _META_KEYS),
            ("markers_delete", "DELETE", _MARKER_KEY, None),
        ],
        "entity": [("additions", "INSERT", None, f"origin = 'reviewer' AND source = 'reviewer:' || {_ME}")],
        "event": [("additions", "INSERT", None, f"origin = 'reviewer' AND source = 'reviewer:' || {_ME}")],
        "argument": [("additions", "INSERT", None, "origin = 'reviewer'")],
        "assignment": [("own_claims", "INSERT", None, f"reviewer = {_ME}")],
        # FOR UPDATE needs UPDATE rights and passes the USING test; a real update fails the check.
        "document": [("lock_only", "UPDATE", "TRUE", "FALSE")],
    }


_WRITES = {
    "decision": "INSERT, DELETE",
    "review_state": "INSERT, UPDATE, DELETE",
    "undone_group": "INSERT, DELETE",
    "document_work": "INSERT, UPDATE, DELETE",
    "store_meta": "INSERT, UPDATE, DELETE",
    "entity": "INSERT",
    "event": "INSERT",
    "argument": "INSERT",
    "assignment": "INSERT",
    "document": "UPDATE",
}

# The search path is fixed: a reviewer's own search_path must not put another pg_has_role before the real one.
_TRIGGER_BODY = f"""
CREATE OR REPLACE FUNCTION {_TRIGGER_FUNCTION}() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $body$
BEGIN
    -- The tables' owner (and a superuser) writes any reviewer's entries, as row-level security lets it.
    IF TG_OP = 'DELETE' THEN
        IF OLD.reviewer = {_ME} OR pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'the role % may take back only its own decisions, not those of %', current_user, OLD.reviewer
            USING ERRCODE = '42501';
    END IF;
    IF (TG_OP = 'INSERT' AND NEW.reviewer = {_ME})
        OR pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the role % may record decisions only as itself, not as %', current_user, NEW.reviewer
        USING ERRCODE = '42501';
END
$body$
"""


def check_role_name(name: str) -> None:
    """Refuse a role name the server keeps for itself or would change: empty, too long, control characters, `pg_…`."""
    if not name or not name.strip():
        raise RoleError("give the reviewer's role name, e.g. `annotator db grant alice`")
    if any(ord(character) < 32 or ord(character) == 127 for character in name):
        raise RoleError(f"{name!r}: a role name cannot hold control characters (a newline, a tab, NUL)")
    if len(name.encode("utf-8")) > _LONGEST_NAME:
        raise RoleError(f"{name[:20]!r}…: a role name is at most {_LONGEST_NAME} bytes; PostgreSQL would cut it")
    if name.lower().startswith("pg_") or name.lower() in _RESERVED:
        raise RoleError(f"{name!r}: the server keeps this name for itself; choose another")


def require_postgres() -> None:
    """Refuse, with a message saying why, a store that is not on a PostgreSQL server."""
    if not is_postgres():
        raise RoleError(
            "reviewer roles exist only on a PostgreSQL store: a SQLite file has no database roles, "
            "and whoever may write the file may write every decision. Open a postgresql:// store with --db"
        )


def _execute(statement: Any, params: tuple = ()) -> list[tuple]:
    """Run a composed statement (identifiers quoted by psycopg) on the bound database; return its rows."""
    with driver_errors:
        cursor = database.cursor()
        cursor.execute(statement, params or None)
        return list(cursor.fetchall()) if cursor.description else []


def current_role() -> str:
    """The database role this connection acts as (`current_user`)."""
    return str(_execute("SELECT current_user")[0][0])


def role_exists(name: str) -> bool:
    """Whether the server has a role of that name."""
    return bool(_execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)))


def review_state_key() -> str:
    """The column a reviewer's own review states are known by: `lane` once the store has lanes, else `reviewer`."""
    columns = {column.name for column in database.get_columns(ReviewStateRow._meta.table_name)}
    return "lane" if "lane" in columns else "reviewer"


def row_security_binds_me() -> bool:
    """Whether the store's row-level security binds this connection's role (a reviewer role, not the owner)."""
    return bool(_execute("SELECT row_security_active('review_state')")[0][0])


def reviewer_for(given: str | None) -> str | None:
    """Who decides: on SQLite `given`; on PostgreSQL the role, unless the role is free to name another.

    A role bound by the store's row-level security may record decisions only as itself,
    so a different `given` name is refused here, before anything is written.
    """
    if not is_postgres():
        return given
    role = current_role()
    if given is None or given == role:
        return role
    if row_security_binds_me():
        raise RoleError(
            f"--reviewer {given!r}: on this store you decide as the database role {role!r}, "
            f"which may write only its own decisions; leave out --reviewer, or log in as {given!r}"
        )
    return given


def scram_verifier(password: str, salt: bytes | None = None, iterations: int = _SCRAM_ITERATIONS) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL keeps for a password, computed here so the password never reaches the server.

    (Sent as a verifier, it cannot show up in the server's statement log.) Only for
    ASCII passwords: PostgreSQL normalises others (SASLprep) before hashing.
    """
    salt = salt if salt is not None else os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def encoded(raw: bytes) -> str:
        return base64.b64encode(raw).decode("ascii")

    return f"SCRAM-SHA-256${iterations}:{encoded(salt)}${encoded(stored_key)}:{encoded(server_key)}"


def _password_clause(password: str) -> Any:
    from psycopg import sql

    kept = scram_verifier(password) if password.isascii() else password
    return sql.SQL("PASSWORD {}").format(sql.Literal(kept))


def _store_tables() -> list[str]:
    from annotator.store.team import AssignmentRow, ensure_tables

    ensure_tables()
    names = [model._meta.table_name for model in (*ALL_MODELS, AssignmentRow)]
    present = set(database.get_tables())
    return [name for name in names if name in present]


def grant_reviewer(name: str, password: str | None = None) -> Granted:
    """Create (or bring up to date) a reviewer role: LOGIN, reading everything, writing only its own decisions.

    Run by the store's owner. Idempotent: the role is created once, rights granted
    again change nothing, and the store's policies are replaced by current ones
    (so a store that gained lanes since is keyed on them). `password` None leaves
    an existing role's password as it is, and makes a new role without one (for
    servers that trust or identify their users: `trust`, `peer`, certificates).
    """
    require_postgres()
    check_role_name(name)
    tables = _store_tables()
    return run_write(lambda: _grant(name, password, tables))


def _grant(name: str, password: str | None, tables: list[str]) -> Granted:
    from psycopg import sql

    _check_owner(tables)
    created = not role_exists(name)
    if not created:
        _refuse_unbound_role(name)
    role = sql.Identifier(name)
    statement = (sql.SQL("CREATE ROLE {} LOGIN") if created else sql.SQL("ALTER ROLE {} LOGIN")).format(role)
    if password is not None:
        statement = sql.SQL(" ").join([statement, _password_clause(password)])
    _execute(statement)
    schema = str(_execute("SELECT current_schema()")[0][0])
    _execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema), role))
    for table in tables:
        rights = "SELECT" + (f", {_WRITES[table]}" if table in _WRITES else "")
        _execute(sql.SQL(f"GRANT {rights} ON TABLE {{}} TO {{}}").format(sql.Identifier(table), role))
    for sequence in _sequences(tables):
        _execute(sql.SQL("GRANT USAGE ON SEQUENCE {} TO {}").format(sql.SQL(sequence), role))
    state_key = protect_store(tables)
    return Granted(name, created, password is not None, state_key)


def _sequences(tables: list[str]) -> list[str]:
    """The sequences that number the tables' rows, as the server names them (quoted where needed)."""
    return [
        str(sequence) for (sequence,) in _execute(
            "SELECT s.oid::regclass::text FROM pg_class s"
            " JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.deptype IN ('a', 'i')"
            " JOIN pg_class t ON t.oid = d.refobjid"
            " WHERE s.relkind = 'S' AND t.relname = ANY(%s::text[]) AND t.relnamespace = current_schema()::regnamespace",
            (tables,),
        )
    ]


def _refuse_unbound_role(name: str) -> None:
    """Refuse to make a reviewer of a role the policies cannot bind: a superuser, or one owning the tables."""
    (unbound,) = _execute(
        "SELECT r.rolsuper OR r.rolbypassrls"
        " OR pg_has_role(r.oid, (SELECT relowner FROM pg_class WHERE oid = 'decision'::regclass), 'MEMBER')"
        " FROM pg_roles r WHERE r.rolname = %s",
        (name,),
    )[0]
    if unbound:
        raise RoleError(
            f"{name!r} is a superuser, bypasses row-level security or owns the store: it may already write "
            "everything, and a reviewer role must not; give the reviewer a role of their own"
        )


def _check_owner(tables: list[str]) -> None:
    """Refuse, with a message, a role that cannot change the store's tables: only their owner may grant."""
    (owns,) = _execute(
        "SELECT bool_and(pg_has_role(current_user, c.relowner, 'MEMBER')) FROM pg_class c"
        " WHERE c.oid = ANY(SELECT to_regclass(quote_ident(t)) FROM unnest(%s::text[]) AS t)",
        (tables,),
    )[0]
    if not owns:
        raise RoleError(
            f"the role {current_role()!r} does not own the store's tables; "
            "run `annotator db grant` as the role that created the store (or a superuser)"
        )
    (may_create_roles,) = _execute("SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user")[0]
    if not may_create_roles:
        raise RoleError(
            f"the role {current_role()!r} may not create roles (it lacks CREATEROLE); "
            "ask the server's administrator to grant it, or run this as a superuser"
        )


def is_protected() -> bool:
    """Whether `db grant` turned on the store's row-level security.

    A migration that changes `review_state` (adding lanes) then calls `protect_store`
    again, so the policies follow the new columns.
    """
    if not is_postgres():
        return False
    return bool(_execute("SELECT relrowsecurity FROM pg_class WHERE oid = to_regclass('review_state')")[0][0])


def protect_store(tables: list[str] | None = None) -> str:
    """Turn on row-level security with the reviewer policies and the decision trigger; return the review_state key.

    Idempotent: the module's own policies are dropped and made again in one
    transaction (PostgreSQL 15 has no CREATE POLICY IF NOT EXISTS), others are left alone.
    """
    from psycopg import sql

    tables = tables if tables is not None else _store_tables()
    state_key = review_state_key()
    wanted = _policies(state_key)
    existing = _execute("SELECT tablename, policyname FROM pg_policies WHERE schemaname = current_schema()")
    with database.atomic():
        for table, policy in existing:
            if policy.startswith(PREFIX):
                _execute(sql.SQL("DROP POLICY {} ON {}").format(sql.Identifier(policy), sql.Identifier(table)))
        for table in tables:
            if table not in wanted:
                continue
            _execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(sql.Identifier(table)))
            _create_policy(table, "read", "SELECT", "TRUE" if table != "store_meta" else _VISIBLE_META, None)
            for name, command, using, check in wanted[table]:
                _create_policy(table, name, command, using, check)
        _execute(_TRIGGER_BODY)
        trigger = sql.Identifier(_TRIGGER_FUNCTION)
        _execute(sql.SQL("DROP TRIGGER IF EXISTS {} ON decision").format(trigger))
        _execute(
            sql.SQL("CREATE TRIGGER {} BEFORE INSERT OR UPDATE OR DELETE ON decision FOR EACH ROW EXECUTE FUNCTION {}()")
            .format(trigger, trigger)
        )
    return state_key


def _create_policy(table: str, name: str, command: str, using: str | None, check: str | None) -> None:
    from psycopg import sql

    parts: list[sql.Composable] = [sql.SQL("CREATE POLICY {} ON {} FOR " + command).format(
        sql.Identifier(f"{PREFIX}{name}"), sql.Identifier(table)
    )]
    if using is not None:
        parts.append(sql.SQL(f"USING ({using})"))
    if check is not None:
        parts.append(sql.SQL(f"WITH CHECK ({check})"))
    _execute(sql.SQL(" ").join(parts))


def revoke_reviewer(name: str) -> None:
    """Take back every right a reviewer role has on this store's tables; its decisions, and the role itself, stay.

    The role is left on the server: it may hold rights on other databases. Drop it with
    `DROP ROLE` once nothing else needs it.
    """
    from psycopg import sql

    require_postgres()
    check_role_name(name)
    if not role_exists(name):
        raise RoleError(f"no role {name!r} on this server; `annotator db roles` lists the reviewers of this store")
    tables = _store_tables()

    def revoke() -> None:
        _check_owner(tables)
        role = sql.Identifier(name)
        for table in tables:
            _execute(sql.SQL("REVOKE ALL ON TABLE {} FROM {}").format(sql.Identifier(table), role))
        for sequence in _sequences(tables):
            _execute(sql.SQL("REVOKE ALL ON SEQUENCE {} FROM {}").format(sql.SQL(sequence), role))

    run_write(revoke)


def reviewer_roles() -> list[tuple[str, bool]]:
    """(role, may log in) of every role granted the right to write decisions in this store, by name."""
    require_postgres()
    rows = _execute(
        "SELECT r.rolname, r.rolcanlogin FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a"
        " JOIN pg_roles r ON r.oid = a.grantee"
        " WHERE c.oid = 'decision'::regclass AND a.privilege_type = 'INSERT' AND a.grantee <> c.relowner"
        " ORDER BY r.rolname"
    )
    return [(str(name), bool(login)) for name, login in rows]
