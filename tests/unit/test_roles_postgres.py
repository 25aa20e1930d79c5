"""Who may write what on a PostgreSQL store: a reviewer role reads everything and writes only its own decisions.

Each test makes its own roles (roles are shared by every database of a server, so
their names carry a per-test suffix) and connects as them: they do not own the
tables, so row-level security and the decision trigger bind them.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
import pytest

from annotator import store
from annotator.domain import Action, Status, TargetKind
from annotator.formats.native import read_native
from annotator.review.editing import EditResult
from annotator.review.session import ReviewSession, Row
from annotator.store import ReadOnlyStore, Repository, StoreError, roles, team
from annotator.store.roles import RoleError
from tests.conftest import SMALL_DOCUMENT, write_jsonl

pytestmark = pytest.mark.postgresql


def as_role(url: str, role: str) -> str:
    """The URL naming the same database, logged in as `role` (quoted as a URL's user part)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{quote(role, safe='')}@{parts.hostname}:{parts.port}"))


@pytest.fixture
def owner_url(postgres_server, make_role, tmp_path) -> Iterator[str]:
    """A store owned by the server's superuser, holding the small document twice (d1, d2).

    Dropped before the test's roles are (a role with rights in a database cannot be dropped).
    """
    name, url = postgres_server.fresh_database(with_store=True)
    store.connect(url)
    path = write_jsonl(tmp_path / "documents.jsonl", SMALL_DOCUMENT, {**SMALL_DOCUMENT, "id": "d2"})
    Repository().import_documents([d.document for d in read_native([path])])
    store.close()
    yield url
    store.close()
    # Dropped here and now, not later as the server fixture may: the test's roles go next.
    with postgres_server.admin() as connection:
        connection.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(psycopg.sql.Identifier(name)))


def granted(owner_url: str, *names: str) -> None:
    """As the owner, make each name a reviewer role."""
    store.connect(owner_url)
    for name in names:
        roles.grant_reviewer(name)
    store.close()


def open_as(owner_url: str, role: str) -> Repository:
    store.close()
    store.connect(as_role(owner_url, role), create=False)
    return Repository()


def entity_pk(repository: Repository, entity_id: str, document: str = "d1") -> int:
    return next(e.pk for e in repository.load_document(document).entities if e.id == entity_id)


def raw(url: str) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=True)


@pytest.fixture
def alice_and_bob(owner_url, make_role) -> tuple[str, str]:
    """Two reviewer roles; bob has accepted T1 and noted T2 of d1."""
    alice, bob = make_role("alice"), make_role("bob")
    granted(owner_url, alice, bob)
    repository = open_as(owner_url, bob)
    repository.accept(bob, TargetKind.ENTITY, entity_pk(repository, "T1"))
    repository.set_note(bob, TargetKind.ENTITY, entity_pk(repository, "T2"), "bob's note")
    store.close()
    return alice, bob


def test_a_reviewer_role_decides_through_the_repository_as_itself(owner_url, alice_and_bob):
    alice, bob = alice_and_bob
    repository = open_as(owner_url, alice)
    assert roles.current_role() == alice and roles.row_security_binds_me()
    assert roles.reviewer_for(None) == alice
    group = repository.reject(alice, TargetKind.ENTITY, entity_pk(repository, "T3"))
    assert [(d.reviewer, d.group) for d in repository.decisions(alice)] == [(alice, group)]
    assert {e.id: e.review.status for e in repository.load_document("d1").entities}["T3"] is Status.REJECTED
    with pytest.raises(RoleError, match="decide as the database role"):
        roles.reviewer_for(bob)


def test_a_reviewer_role_cannot_record_a_decision_in_another_name(owner_url, alice_and_bob):
    alice, bob = alice_and_bob
    repository = open_as(owner_url, alice)
    before = len(repository.decisions())
    with pytest.raises(ReadOnlyStore, match="only as itself"):
        repository.accept(bob, TargetKind.ENTITY, entity_pk(repository, "T4"))
    assert len(repository.decisions()) == before
    with raw(as_role(owner_url, alice)) as connection, pytest.raises(psycopg.errors.InsufficientPrivilege):
        connection.execute(
            "INSERT INTO decision (group_id, reviewer, at, action, before, after) VALUES (999, %s, 0, 'accept', '{}', '{}')",
            (bob,),
        )


def test_a_reviewer_role_cannot_change_or_remove_another_reviewers_decisions_or_states(owner_url, alice_and_bob):
    alice, bob = alice_and_bob
    with raw(owner_url) as connection:
        decisions_before = connection.execute("SELECT * FROM decision ORDER BY id").fetchall()
        states_before = connection.execute("SELECT * FROM review_state ORDER BY target_id").fetchall()
        (bobs_group,) = connection.execute("SELECT MIN(group_id) FROM decision WHERE reviewer = %s", (bob,)).fetchone()
    with raw(as_role(owner_url, alice)) as connection:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("UPDATE decision SET reviewer = %s WHERE reviewer = %s", (alice, bob))
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="only its own decisions"):
            connection.execute("DELETE FROM decision WHERE reviewer = %s", (bob,))
        # Row-level security: bob's rows are not there for alice to change or delete.
        assert connection.execute("UPDATE review_state SET status = 'rejected' WHERE reviewer = %s", (bob,)).rowcount == 0
        assert connection.execute("DELETE FROM review_state WHERE reviewer = %s", (bob,)).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            connection.execute(
                "INSERT INTO review_state (target_kind, target_id, document_id, status, reviewer)"
                " VALUES ('entity', 999, 1, 'accepted', %s)", (bob,),
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            connection.execute("INSERT INTO undone_group (group_id) VALUES (%s)", (bobs_group,))
    with raw(owner_url) as connection:
        assert connection.execute("SELECT * FROM decision ORDER BY id").fetchall() == decisions_before
        assert connection.execute("SELECT * FROM review_state ORDER BY target_id").fetchall() == states_before
        assert connection.execute("SELECT COUNT(*) FROM undone_group").fetchone() == (0,)


def test_a_reviewer_role_writes_nothing_else(owner_url, alice_and_bob):
    alice, _ = alice_and_bob
    with raw(as_role(owner_url, alice)) as connection:
        assert connection.execute("UPDATE store_meta SET value = '99' WHERE key = 'version'").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("INSERT INTO store_meta (key, value) VALUES ('version', '99')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("UPDATE document SET text = 'rewritten'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("DELETE FROM entity")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            connection.execute(
                "INSERT INTO entity (id, document_id, key, start, \"end\", label, sentence_idx, origin, source)"
                " VALUES (999, 1, 'fake', 0, 6, 'ORG', 0, 'machine', NULL)"
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("INSERT INTO document (key, text, text_hash, imported_at) VALUES ('x', 'x', 'x', 0)")
    with raw(owner_url) as connection:
        assert connection.execute("SELECT value FROM store_meta WHERE key = 'version'").fetchone() != ("99",)
        assert connection.execute("SELECT COUNT(*) FROM document WHERE text = 'rewritten'").fetchone() == (0,)


def row(session: ReviewSession, entity_id: str) -> Row:
    entity = session.entity_by_id(entity_id)
    assert entity is not None and entity.pk is not None
    return Row(TargetKind.ENTITY, entity.pk, entity.review.status)


def test_the_review_screens_operations_work_as_a_reviewer_role(owner_url, alice_and_bob):
    alice, bob = alice_and_bob
    repository = open_as(owner_url, alice)
    session = ReviewSession(repository, alice)
    session.resume()
    assert session.accept(row(session, "T3"))
    assert session.reject(row(session, "T4"))
    assert session.apply_fix(row(session, "T5"), EditResult(value="GPE"))
    assert session.set_note(row(session, "T6"), "alice's note")
    added = session.add_entity(33, 38, "PERSON")
    states = {e.id: (e.review.status, e.review.note) for e in repository.load_document("d1").entities}
    assert states["T3"][0] is Status.ACCEPTED and states["T4"][0] is Status.REJECTED
    assert states["T5"][0] is Status.FIXED and states["T6"][1] == "alice's note"
    assert states[f"added-{added}"][0] is Status.ADDED
    assert session.undo()  # the addition
    assert session.undo()  # the note
    assert {e.id: e.review.note for e in repository.load_document("d1").entities}["T6"] == ""
    assert session.redo()
    assert {e.id: e.review.note for e in repository.load_document("d1").entities}["T6"] == "alice's note"
    assert {d.reviewer for d in repository.decisions()} == {alice, bob}
    # A bound role decides in its own lane: alice does not see bob's decisions, and her undo and redo leave them be.
    assert repository.lane == alice
    assert {e.id: e.review.status for e in repository.load_document("d1").entities}["T1"] is Status.PENDING
    bobs = Repository(lane=bob)
    assert {e.id: e.review.status for e in bobs.load_document("d1").entities}["T1"] is Status.ACCEPTED
    assert session.progress().decided == 3  # alice's T3, T4 and T5: bob's accept is in his lane


def test_a_reviewer_role_claims_documents_for_itself_only(owner_url, alice_and_bob):
    alice, bob = alice_and_bob
    open_as(owner_url, alice)
    claimed = team.claim_next(alice)
    assert claimed is not None
    with raw(as_role(owner_url, alice)) as connection, pytest.raises(psycopg.errors.InsufficientPrivilege):
        connection.execute(
            "INSERT INTO assignment (document_id, reviewer, slot, how, assigned_at) VALUES (%s, %s, 1, 'claim', 0)",
            (claimed, bob),
        )


def test_another_reviewers_abandoned_bulk_decision_is_left_to_them(owner_url, alice_and_bob):
    alice, bob = alice_and_bob
    with raw(owner_url) as connection:
        (bobs_group,) = connection.execute("SELECT MAX(group_id) FROM decision WHERE reviewer = %s", (bob,)).fetchone()
        marker = '{"job": "record", "pid": 1, "host": "elsewhere", "at": 0}'
        connection.execute("INSERT INTO store_meta (key, value) VALUES (%s, %s)", (f"unfinished_group:{bobs_group}", marker))
    repository = open_as(owner_url, alice)  # opening finishes abandoned groups it can see
    assert {d.reviewer for d in repository.decisions()} == {bob}
    with raw(owner_url) as connection:
        assert connection.execute("SELECT COUNT(*) FROM store_meta WHERE key LIKE 'unfinished%'").fetchone() == (1,)
    repository.accept(alice, TargetKind.ENTITY, entity_pk(repository, "T3"))
    open_as(owner_url, bob)  # bob's own opening takes it back
    with raw(owner_url) as connection:
        assert connection.execute("SELECT COUNT(*) FROM store_meta WHERE key LIKE 'unfinished%'").fetchone() == (0,)
        assert connection.execute("SELECT COUNT(*) FROM decision WHERE group_id = %s", (bobs_group,)).fetchone() == (0,)


def test_granting_twice_changes_nothing(owner_url, make_role):
    alice = make_role("alice")
    store.connect(owner_url)
    first = roles.grant_reviewer(alice)
    policies = roles._execute("SELECT tablename, policyname, cmd, qual, with_check FROM pg_policies ORDER BY 1, 2")
    rights = roles._execute(
        "SELECT table_name, privilege_type FROM information_schema.role_table_grants WHERE grantee = %s ORDER BY 1, 2",
        (alice,),
    )
    second = roles.grant_reviewer(alice)
    assert (first.created, second.created) == (True, False)
    assert first.state_key == "lane"  # store version 3 on: review states are keyed by lane
    assert roles._execute("SELECT tablename, policyname, cmd, qual, with_check FROM pg_policies ORDER BY 1, 2") == policies
    assert roles._execute(
        "SELECT table_name, privilege_type FROM information_schema.role_table_grants WHERE grantee = %s ORDER BY 1, 2",
        (alice,),
    ) == rights
    assert ("decision", "INSERT") in rights and ("decision", "UPDATE") not in rights
    assert roles.reviewer_roles() == [(alice, True)]


def test_odd_role_names_are_quoted_and_hostile_ones_refused(owner_url, make_role):
    odd = make_role('Ålice "the; reviewer"')
    injection = make_role("robert'); DROP TABLE decision; --")
    granted(owner_url, odd, injection)
    repository = open_as(owner_url, odd)
    repository.accept(odd, TargetKind.ENTITY, entity_pk(repository, "T1"))
    assert [d.reviewer for d in repository.decisions()] == [odd]
    repository = open_as(owner_url, injection)
    repository.reject(injection, TargetKind.ENTITY, entity_pk(repository, "T2"))
    assert [d.reviewer for d in repository.decisions()] == [odd, injection]
    store.close()
    store.connect(owner_url)
    for hostile in ("", "pg_signal_backend", "public", "line\nbreak", "nul\x00", "x" * 64):
        with pytest.raises(RoleError):
            roles.grant_reviewer(hostile)
    with pytest.raises(RoleError, match="superuser"):
        roles.grant_reviewer("postgres")


def test_a_password_reaches_the_server_only_as_a_scram_verifier(owner_url, make_role):
    alice = make_role("alice")
    store.connect(owner_url)
    roles.grant_reviewer(alice, "correct horse battery staple")
    (kept,) = roles._execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (alice,))[0]
    assert kept.startswith("SCRAM-SHA-256$4096:") and "horse" not in kept
    salt = base64.b64decode(kept.split("$")[1].split(":")[1])
    assert roles.scram_verifier("correct horse battery staple", salt) == kept
    assert roles.scram_verifier("wrong", salt) != kept


def test_revoking_takes_back_every_right_and_keeps_the_decisions(owner_url, alice_and_bob):
    alice, _ = alice_and_bob
    repository = open_as(owner_url, alice)
    repository.accept(alice, TargetKind.ENTITY, entity_pk(repository, "T3"))
    store.close()
    store.connect(owner_url)
    roles.revoke_reviewer(alice)
    assert alice not in [name for name, _ in roles.reviewer_roles()]
    assert [d.reviewer for d in Repository().decisions(alice)] == [alice]
    store.close()
    with pytest.raises(StoreError):
        open_as(owner_url, alice).accept(alice, TargetKind.ENTITY, 1)


def test_once_review_states_have_lanes_a_role_writes_only_its_own_lane(owner_url, make_role):
    alice = make_role("alice")
    store.connect(owner_url)
    assert roles.grant_reviewer(alice).state_key == "lane"
    store.close()
    insert = (
        "INSERT INTO review_state (target_kind, target_id, document_id, status, fixed, flagged, note, dismissed,"
        " reviewer, lane) VALUES ('entity', %s, 1, 'accepted', '{}', FALSE, '', '[]', %s, %s)"
    )
    with raw(as_role(owner_url, alice)) as connection:
        connection.execute(insert, (1, alice, alice))
        # Another reviewer's lane, and the shared lane of final (adjudicated) states, are not alice's to write.
        for target, lane in ((2, "bob"), (3, "")):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
                connection.execute(insert, (target, alice, lane))


def test_a_bulk_decision_written_in_batches_works_as_a_reviewer_role(owner_url, alice_and_bob, tmp_path):
    alice, _ = alice_and_bob
    words = 600
    many = {
        "id": "many", "text": "word " * words,
        "entities": [{"id": f"W{i}", "start": 5 * i, "end": 5 * i + 4, "label": "ORG"} for i in range(words)],
    }
    store.connect(owner_url)
    Repository().import_documents([d.document for d in read_native([write_jsonl(tmp_path / "many.jsonl", many)])])
    repository = open_as(owner_url, alice)
    targets = [(TargetKind.ENTITY, e.pk) for e in repository.load_document("many").entities]
    assert len(targets) > 500  # more than one batch: the group is marked in store_meta while it is written
    repository.accept_many(alice, targets, Action.BULK_ACCEPT)
    assert {e.review.status for e in repository.load_document("many").entities} == {Status.ACCEPTED}
    assert repository.undo(alice) is not None
    assert {e.review.status for e in repository.load_document("many").entities} == {Status.PENDING}
    with raw(owner_url) as connection:
        assert connection.execute("SELECT COUNT(*) FROM store_meta WHERE key LIKE 'unfinished%'").fetchone() == (0,)


def test_a_store_is_protected_once_a_role_is_granted(owner_url, make_role):
    store.connect(owner_url)
    assert not roles.is_protected()
    roles.grant_reviewer(make_role("alice"))
    assert roles.is_protected()


def test_a_target_another_role_decided_is_decided_again_in_ones_own_lane(owner_url, alice_and_bob):
    alice, bob = alice_and_bob
    repository = open_as(owner_url, alice)
    # Bob accepted T1 in his lane; alice's lane has no state of it, so she decides it herself.
    assert {e.id: e.review.status for e in repository.load_document("d1").entities}["T1"] is Status.PENDING
    repository.reject(alice, TargetKind.ENTITY, entity_pk(repository, "T1"))
    assert {e.id: e.review.status for e in repository.load_document("d1").entities}["T1"] is Status.REJECTED
    assert {e.id: e.review.status for e in Repository(lane=bob).load_document("d1").entities}["T1"] is Status.ACCEPTED


def test_a_protected_version_2_store_keys_its_policies_on_the_lane_once_migrated(owner_url, make_role):
    from annotator.store import postgres
    from annotator.store.models import database
    from tests.unit.test_lanes import AS_VERSION_2_ON_POSTGRESQL

    alice = make_role("alice")
    with raw(owner_url) as connection:
        for statement in AS_VERSION_2_ON_POSTGRESQL:
            connection.execute(statement)
    # A role granted on the version-2 tables, without opening (so migrating) the store: policies keyed on `reviewer`.
    db = postgres.open_database(owner_url)
    database.initialize(db)
    db.connect()
    assert roles.grant_reviewer(alice).state_key == "reviewer"
    store.close()

    db = store.connect(owner_url)  # the owner opens it: version 3, and the policies follow the lane
    assert store.store_version(db) == 3
    store.close()
    with raw(owner_url) as connection:
        (check,) = connection.execute(
            "SELECT with_check FROM pg_policies WHERE tablename = 'review_state' AND policyname = 'annotator_own_insert'"
        ).fetchone()
        assert "lane" in check
    repository = open_as(owner_url, alice)
    assert repository.lane == alice
    repository.accept(alice, TargetKind.ENTITY, entity_pk(repository, "T1"))
    assert {e.id: e.review.status for e in repository.load_document("d1").entities}["T1"] is Status.ACCEPTED
    with raw(as_role(owner_url, alice)) as connection, pytest.raises(psycopg.errors.InsufficientPrivilege):
        connection.execute(
            "INSERT INTO review_state (target_kind, target_id, document_id, status, fixed, flagged, note, dismissed,"
            " reviewer, lane) VALUES ('entity', 2, 1, 'accepted', '{}', FALSE, '', '[]', %s, '')", (alice,),
        )
