"""Table-driven tests every document type of the workflow engine reuses.

A module's test declares its document type, the table the manual describes (written out by hand, so a
changed declaration fails a test), and how to make a document in a given state:

    class TestTicketWorkflow(WorkflowCases):
        flow = TICKET_FLOW
        expected = {("assign", NEW): ASSIGNED, ("resolve", ASSIGNED): RESOLVED, ...}
        role_scope = "ticket"

        def make(self, state, owner=None):
            return make_ticket(status=state, owner=owner)

        def inputs(self, step):              # only for steps that ask for something
            return {"assignee_id": str(admin().id)} if step == "assign" else {}

pytest then runs, for that document type: every allowed transition succeeds and logs who/when/from/to/note;
every forbidden one is refused with "当前状态为“…”，不能…" and changes nothing; the buttons' `can_take`
agrees with the engine; missing permission is refused, out-of-scope documents do not exist; a bulk call
reports per-record outcomes; two concurrent transitions of one document: one wins, the other is refused.
"""

import threading
from abc import ABC, abstractmethod

import pytest
from sqlalchemy import func, inspect, select

from app.extensions import db
from app.services.errors import DomainError, Forbidden, ValidationFailed
from app.services.workflow import DocumentType, advance, advance_one, state_label
from models.accounts import Employee
from tests.helpers import admin, make_employee, make_role


class WorkflowCases(ABC):
    flow: DocumentType
    expected: dict  # (step name, from-state) -> to-state, as the manual tells it
    role_scope: str = "order"  # the data-scope module of the document type

    @abstractmethod
    def make(self, state, owner=None):
        """A document of `flow` in `state`, owned by `owner` (admin when None), flushed."""

    def inputs(self, step: str) -> dict:
        return {}

    # Parameters ------------------------------------------------------------------------------------
    def _pairs(self):
        return [(step, state) for step in self.flow.steps for state in self.flow.states]

    def pytest_generate_tests(self, metafunc):
        if "allowed" in metafunc.fixturenames:
            cases = [p for p in self._pairs() if p in self.expected]
            metafunc.parametrize("allowed", cases, ids=[f"{s}-from-{st.value}" for s, st in cases])
        if "forbidden" in metafunc.fixturenames:
            cases = [p for p in self._pairs() if p not in self.expected]
            metafunc.parametrize("forbidden", cases, ids=[f"{s}-from-{st.value}" for s, st in cases])
        if "pair" in metafunc.fixturenames:
            cases = self._pairs()
            metafunc.parametrize("pair", cases, ids=[f"{s}-{st.value}" for s, st in cases])
        if "step_name" in metafunc.fixturenames:
            metafunc.parametrize("step_name", list(self.flow.steps))

    # Helpers ---------------------------------------------------------------------------------------
    def _logs(self, doc_id):
        log = self.flow.log
        return db.session.scalars(select(log).where(getattr(log, self.flow.log_key) == doc_id)
                                  .order_by(log.id)).all()

    def _row(self, doc_id) -> dict:
        model = self.flow.model
        db.session.expire_all()
        doc = db.session.get(model, doc_id)
        return {c.key: getattr(doc, c.key) for c in inspect(model).column_attrs}

    def _source_of(self, step_name):
        return sorted(self.flow.step(step_name).sources, key=list(self.flow.states).index)[0]

    # The table -------------------------------------------------------------------------------------
    def test_the_table_is_the_manual_flow(self):
        declared = {(s.name, src): s.target for s in self.flow.steps.values() for src in s.sources}
        assert declared == self.expected

    def test_every_step_permission_is_in_the_permission_tree(self):
        from app.security.permissions import registry
        codes = registry.all_codes()
        assert all(s.permission in codes for s in self.flow.steps.values())

    def test_allowed_transition_changes_status_and_logs_who_when_from_to(self, db, allowed):
        step_name, state = allowed
        doc = self.make(state)
        db.session.commit()
        before = len(self._logs(doc.id))
        result = advance(self.flow, [doc.id], step_name, admin(), note="备注说明", **self.inputs(step_name))
        db.session.commit()
        assert result.count == 1 and not result.refused, result.summary()
        assert self._row(doc.id)["status"] == self.expected[allowed]
        added = self._logs(doc.id)[before:]
        # Exactly one row for the step; a hook may log more (e.g. a ticket's 服务时限暂停).
        moves = [row for row in added if row.action == self.flow.step(step_name).label]
        assert len(moves) == 1, [row.action for row in added]
        last = moves[0]
        assert (last.action, last.from_status, last.to_status) == (
            self.flow.step(step_name).label, state.value, self.expected[allowed].value)
        assert last.employee_id == admin().id and last.created_at is not None and last.note == "备注说明"

    def test_forbidden_transition_is_refused_with_its_message_and_changes_nothing(self, db, forbidden):
        step_name, state = forbidden
        doc = self.make(state)
        db.session.commit()
        row, logs = self._row(doc.id), len(self._logs(doc.id))
        message = f"当前状态为“{state_label(state)}”，不能{self.flow.step(step_name).label}"
        doc = db.session.get(self.flow.model, doc.id)
        with pytest.raises(ValidationFailed, match=message):
            advance_one(self.flow, doc, step_name, admin(), **self.inputs(step_name))
        db.session.rollback()
        result = advance(self.flow, [doc.id], step_name, admin(), **self.inputs(step_name))
        db.session.commit()
        assert result.count == 0 and message in result.refused[0].message
        assert self._row(doc.id) == row and len(self._logs(doc.id)) == logs

    def test_buttons_ask_the_same_table_the_engine_enforces(self, db, pair):
        step_name, state = pair
        doc = self.make(state)
        assert self.flow.can_take(doc, step_name) == (pair in self.expected)
        assert (self.flow.step(step_name) in self.flow.steps_from(state)) == (pair in self.expected)

    # Who may -------------------------------------------------------------------------------------------
    def test_missing_permission_refuses_before_anything(self, db, step_name):
        source = self._source_of(step_name)
        doc = self.make(source)
        db.session.commit()
        step = self.flow.step(step_name)
        others = [s.permission for s in self.flow.steps.values() if s.name != step_name]
        clerk = make_employee(f"no-{step_name}", role=make_role(
            f"无{step.label}", [f"{self.flow.code}.view", *others], scopes={self.role_scope: "all"}))
        with pytest.raises(Forbidden):
            advance(self.flow, [doc.id], step_name, clerk, **self.inputs(step_name))
        db.session.rollback()
        assert self._row(doc.id)["status"] == source

    def test_a_document_outside_the_data_scope_does_not_exist_for_the_user(self, db, step_name):
        source = self._source_of(step_name)
        role = make_role(f"仅本人-{step_name}", [f"{self.flow.code}.view", self.flow.step(step_name).permission],
                         scopes={self.role_scope: "self"})
        outsider = make_employee(f"self-{step_name}", role=role)
        doc = self.make(source)  # owned by admin
        db.session.commit()
        result = advance(self.flow, [doc.id, "abc", "9" * 30, "\x00"], step_name, outsider,
                         **self.inputs(step_name))
        db.session.commit()
        assert result.count == 0 and len(result.refused) == 4
        assert all("不存在或不在您的查看范围内" in r.message for r in result.refused)
        assert self._row(doc.id)["status"] == source

    # Many at once -------------------------------------------------------------------------------------
    def test_bulk_transition_reports_each_record(self, db, step_name):
        source = self._source_of(step_name)
        wrong = next((s for s in self.flow.states if (step_name, s) not in self.expected), None)
        if wrong is None:
            pytest.skip(f"{step_name} is allowed from every state")
        good = [self.make(source) for _ in range(2)]
        bad = self.make(wrong)
        db.session.commit()
        good_ids, bad_id, bad_number = [d.id for d in good], bad.id, self.flow.number_of(bad)
        bad_row = self._row(bad_id)
        result = advance(self.flow, [*good_ids, bad_id], step_name, admin(), **self.inputs(step_name))
        db.session.commit()
        assert result.count == 2 and [r.id for r in result.refused] == [bad_id]
        assert bad_number in result.refused[0].message and "未处理" in result.summary()
        assert all(self._row(i)["status"] == self.expected[(step_name, source)] for i in good_ids)
        assert self._row(bad_id) == bad_row

    def test_two_users_moving_the_same_document_at_once_exactly_one_wins(self, app, db, step_name):
        if self.flow.step(step_name).target in self.flow.step(step_name).sources:
            pytest.skip(f"{step_name} keeps the status (e.g. 重新分配): the later one simply wins")
        source = self._source_of(step_name)
        doc = self.make(source)
        db.session.commit()
        doc_id, admin_id, inputs = doc.id, admin().id, self.inputs(step_name)
        barrier = threading.Barrier(2)
        results = []

        def move():
            with app.app_context():
                actor = db.session.get(Employee, admin_id)
                stale = db.session.get(self.flow.model, doc_id)
                assert self.flow.status_of(stale) == source  # both read the state before either writes
                barrier.wait()
                try:
                    advance_one(self.flow, stale, step_name, actor, **inputs)
                    db.session.commit()
                    results.append("ok")
                except DomainError as exc:
                    db.session.rollback()
                    results.append(exc.message)
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=move) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert results.count("ok") == 1 and len(results) == 2, results
        assert f"不能{self.flow.step(step_name).label}" in next(r for r in results if r != "ok")
        log = self.flow.log
        moves = db.session.scalar(select(func.count(log.id)).where(
            getattr(log, self.flow.log_key) == doc_id, log.action == self.flow.step(step_name).label))
        assert moves == 1
