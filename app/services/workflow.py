"""One workflow engine for every document that moves through states (订单, 报价单, 工单, 采购单, 盘点 ...).

A module declares its document once:

    TICKET_FLOW = DocumentType(
        code="ticket", label="工单", model=Ticket, log=TicketLog, log_key="ticket_id", states=TicketStatus,
        module="售后服务", transitions=[
            Step("assign", {NEW, ASSIGNED}, ASSIGNED, "ticket.assign", "工单分配",
                 ask_for=(Ask("assignee_id", "处理人", column="assignee_id", parse=enabled_employee),)),
            Step("resolve", {ASSIGNED}, RESOLVED, "ticket.resolve", "标记解决", done="工单 {number} 已标记解决"),
        ],
        capabilities={"edit": {NEW}, "delete": {NEW}},
        after={"assign": [notify_assignee]})

and gets from it: the permission codes in 分配权限 (each step's permission is registered with the
registry), `advance()` (the only way a status changes), `allows("edit", doc)` for what a status
permits, the row / bulk / detail buttons (admin_views/workflow.py) and the table-driven tests
(tests/workflow_cases.py).

How a transition is made safe: the engine reads the status, runs the guards against it, then runs
`UPDATE ... SET status=:to WHERE id=:id AND status=:seen` (`seen` being one of the step's from-states).
Of two users moving the same document at the same moment, the second UPDATE waits for the first one's
row lock, then matches no row, and is refused with the same message as any other wrong-state attempt.
The log row (who, when, from, to, note) and the after-transition hooks run in the same transaction,
so a hook that refuses (raises a DomainError) undoes the transition too.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import select, update

from app.extensions import db
from app.security.permissions import Screen, can, registry
from app.security.scope import can_see_owner
from app.services.errors import DomainError, Forbidden, NotFound, ValidationFailed
from models.base import utcnow

NOW = "now"  # Step.stamps value: the column gets the transition's time
ACTOR = "actor"  # Step.stamps value: the column gets the acting employee's id
MAX_BULK = 500  # records one bulk transition may name
NOTE_LIMIT = 500


@dataclass(frozen=True)
class Ask:
    """An extra input a step needs (处理人 of 工单分配, 取消原因 ...), given to advance() as a keyword.

    `parse(value, change)` turns the raw value into the stored one or raises a DomainError; with
    `column` set the parsed value is written in the same guarded UPDATE.
    """

    name: str
    label: str
    required: bool = True
    column: str | None = None
    parse: Callable[[Any, "Change"], Any] | None = None
    max_length: int = 200


@dataclass(frozen=True, eq=False)
class Step:
    """One row of a transition table."""

    name: str
    sources: frozenset
    target: Enum
    permission: str  # full code, "<document code>.<action>", e.g. "order.approve"
    label: str  # the button text, and the verb of the refusal message ("不能{label}")
    confirm: str | None = None  # asked before the POST (row, detail and bulk buttons)
    done: str | None = None  # success message; {number}, {label} (the noun), {state} and {doc.<attribute>}
    ask_for: tuple[Ask, ...] = ()
    note_required: bool = False
    stamps: Mapping[str, str] = field(default_factory=dict)  # column -> NOW | ACTOR
    bulk: bool = True  # offered as a 批量操作 where the list shows the step
    style: str = "primary"  # Bootstrap colour of the button: primary, success, danger, warning ...

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(self.sources))
        object.__setattr__(self, "ask_for", tuple(self.ask_for))

    @property
    def action(self) -> str:
        """The permission's action part (what a view's `allowed()` takes)."""
        return self.permission.split(".", 1)[1]

    def confirmation(self, noun: str) -> str:
        return self.confirm or f"确定要对该{noun}执行“{self.label}”吗？"


@dataclass
class Change:
    """What guards and hooks are told about one transition of one document."""

    doc_type: "DocumentType"
    doc: Any
    step: Step
    actor: Any
    source: Enum
    note: str | None
    inputs: dict[str, Any]
    at: datetime


@dataclass(frozen=True)
class When:
    """A capability that needs one of `states` and `test(doc)` too (e.g. 回款: not cancelled and owing)."""

    states: frozenset
    test: Callable[[Any], bool]

    def __post_init__(self):
        object.__setattr__(self, "states", frozenset(self.states))


Guard = Callable[[Change], None]  # raises a DomainError to refuse
Hook = Callable[[Change], None]  # runs after the UPDATE and the log row, in the same transaction
Capability = Iterable | When  # the states that allow it, or states plus a test on the document


@dataclass
class Refusal:
    id: Any
    number: str | None
    message: str


@dataclass
class Result:
    """Per-record outcome of advance(): the documents moved and the ones refused, with the reason."""

    doc_type: "DocumentType"
    step: Step
    done: list = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.done)

    def summary(self) -> str:
        noun = self.doc_type.label
        text = f"{self.step.label}：成功 {len(self.done)} 个{noun}"
        if self.refused:
            reasons = "；".join(r.message for r in self.refused[:10])
            more = f" 等 {len(self.refused)} 个" if len(self.refused) > 10 else ""
            text += f"，{len(self.refused)} 个未处理（{reasons}{more}）"
        return text


class DocumentType:
    """A document's states, transition table, capabilities, guards and hooks (see the module docstring)."""

    def __init__(self, *, code: str, label: str, model, log, log_key: str, states: type[Enum],
                 transitions: Sequence[Step], module: str, screen_label: str | None = None,
                 capabilities: Mapping[str, Capability] | None = None,
                 guards: Mapping[str, Sequence[Guard]] | None = None,
                 after: Mapping[str, Sequence[Hook]] | None = None, after_every: Sequence[Hook] = (),
                 scope_module: str | None = None, owner_column: str = "owner_id", number_column: str = "number",
                 status_column: str = "status", updated_column: str | None = "updated_at",
                 also_visible: Callable[[object, object, str], bool] | None = None):
        self.also_visible = also_visible  # (doc, actor, permission code): a second way in, e.g. via the customer
        self.code, self.label, self.model, self.log, self.log_key = code, label, model, log, log_key
        self.states = states
        self.steps: dict[str, Step] = {}
        for step in transitions:
            if step.name in self.steps:
                raise ValueError(f"{code}: step {step.name} declared twice")
            if not step.permission.startswith(f"{code}."):
                raise ValueError(f"{code}: step {step.name} needs a {code}.* permission")
            if not step.sources or any(s not in states for s in (*step.sources, step.target)):
                raise ValueError(f"{code}: step {step.name} names a state outside {states.__name__}")
            self.steps[step.name] = step
        self.capabilities = {name: rule if isinstance(rule, When) else frozenset(rule)
                             for name, rule in (capabilities or {}).items()}
        for name, rule in self.capabilities.items():
            if any(s not in states for s in (rule.states if isinstance(rule, When) else rule)):
                raise ValueError(f"{code}: capability {name} names a state outside {states.__name__}")
        self.guards = {name: list(items) for name, items in (guards or {}).items()}
        self.after = {name: list(items) for name, items in (after or {}).items()}
        for name in (*self.guards, *self.after):
            if name not in self.steps:
                raise ValueError(f"{code}: guard or hook for unknown step {name}")
        self.after_every = list(after_every)
        self.scope_module = scope_module or code
        self.owner_column, self.number_column = owner_column, number_column
        self.status_column, self.updated_column = status_column, updated_column
        # 分配权限 learns the steps' permissions from the declaration (merged into the screen of that code).
        self.screen: Screen = registry.register(Screen(code, screen_label or label, module,
                                                       tuple(s.action for s in self.steps.values())))

    # Reading the table ----------------------------------------------------------------------------
    def step(self, name: str) -> Step:
        step = self.steps.get(name)
        if step is None:
            raise ValidationFailed(f"未知的{self.label}操作")
        return step

    def steps_from(self, state) -> list[Step]:
        """The steps a document in `state` may take, in table order (the detail page's buttons)."""
        return [s for s in self.steps.values() if state in s.sources]

    def can_take(self, doc, name: str) -> bool:
        return self.status_of(doc) in self.step(name).sources

    def allows(self, capability: str, doc) -> bool:
        """Whether the document's status (and, for a predicate, its other fields) permits `capability`."""
        rule = self.capabilities[capability]
        if isinstance(rule, When):
            return self.status_of(doc) in rule.states and bool(rule.test(doc))
        return self.status_of(doc) in rule

    def states_allowing(self, capability: str) -> frozenset:
        """The states that may allow `capability`, for queries (e.g. which orders may be returned)."""
        rule = self.capabilities[capability]
        return rule.states if isinstance(rule, When) else frozenset(rule)

    def ensure(self, capability: str, doc, doing: str) -> None:
        """Refuse with the standard message unless the status permits `capability` ("不能{doing}")."""
        if not self.allows(capability, doc):
            raise self.refusal(doc, doing)

    def refusal(self, doc, doing: str, state=None) -> ValidationFailed:
        state = self.status_of(doc) if state is None else state
        return ValidationFailed(f"{self.label} {self.number_of(doc)} 当前状态为“{state_label(state)}”，不能{doing}")

    # Documents --------------------------------------------------------------------------------------
    def status_of(self, doc):
        return getattr(doc, self.status_column)

    def number_of(self, doc) -> str:
        return getattr(doc, self.number_column)

    def ensure_access(self, doc, actor, permission: str) -> None:
        """Permission first (403), then data scope (404: the document does not exist for this user)."""
        code = permission if "." in permission else f"{self.code}.{permission}"
        if not can(code, actor):
            raise Forbidden("您没有执行此操作的权限")
        if self.owner_column and not can_see_owner(actor, self.scope_module, getattr(doc, self.owner_column)) and not (
                self.also_visible and self.also_visible(doc, actor, code)):
            raise NotFound(f"{self.label}不存在或不在您的查看范围内")

    def get(self, doc_id, actor, permission: str = "view"):
        """The document by id, checked for permission and data scope; crafted ids look like 'not found'."""
        key = parse_record_id(doc_id)
        doc = db.session.get(self.model, key) if key is not None else None
        if doc is None:
            raise NotFound(f"{self.label}不存在或不在您的查看范围内")
        self.ensure_access(doc, actor, permission)
        return doc

    def write_log(self, doc, actor, action: str, source=None, target=None, note: str | None = None) -> None:
        """A log row for a transition or any other change worth showing (修改, 回款, 物流设置 ...)."""
        db.session.add(self.log(**{self.log_key: doc.id}, employee_id=actor.id if actor else None, action=action,
                                from_status=_value(source), to_status=_value(target),
                                note=(note or None) and note[:NOTE_LIMIT]))


def state_label(state) -> str:
    if state is None:
        return "已删除"
    return getattr(state, "label", str(state))


def _value(state) -> str | None:
    return None if state is None else getattr(state, "value", str(state))


def parse_record_id(value) -> int | None:
    """ASCII digits within BIGINT, else None (crafted ids never reach the database)."""
    text = str(value).strip() if value is not None else ""
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text)


# Performing transitions ------------------------------------------------------------------------------
def _clean_note(step: Step, note) -> str | None:
    note = (str(note) if note is not None else "").replace("\x00", "").strip() or None
    if note and len(note) > NOTE_LIMIT:
        raise ValidationFailed(f"备注不能超过 {NOTE_LIMIT} 个字")
    if step.note_required and not note:
        raise ValidationFailed(f"请填写{step.label}的原因或备注")
    return note


def _parse_inputs(change: Change, raw: Mapping[str, Any]) -> dict[str, Any]:
    known = {ask.name for ask in change.step.ask_for}
    unknown = set(raw) - known
    if unknown:
        raise TypeError(f"step {change.step.name} takes no input {sorted(unknown)}")
    values = {}
    for ask in change.step.ask_for:
        value = raw.get(ask.name)
        if isinstance(value, str):
            value = value.replace("\x00", "").strip()
            if len(value) > ask.max_length:
                raise ValidationFailed(f"{ask.label}不能超过 {ask.max_length} 个字")
        if value in (None, ""):
            if ask.required:
                raise ValidationFailed(f"请填写{ask.label}")
            values[ask.name] = None
            continue
        values[ask.name] = ask.parse(value, change) if ask.parse else value
    return values


def _move(doc_type: DocumentType, doc, step: Step, actor, note, raw_inputs) -> Change:
    doc_type.ensure_access(doc, actor, step.permission)
    db.session.flush()
    model = doc_type.model
    status = getattr(model, doc_type.status_column)
    seen = db.session.scalar(select(status).where(model.id == doc.id))
    if seen not in step.sources:
        raise doc_type.refusal(doc, step.label, seen)
    change = Change(doc_type, doc, step, actor, seen, note, {}, utcnow())
    change.inputs = _parse_inputs(change, raw_inputs)
    for guard in doc_type.guards.get(step.name, ()):
        guard(change)
    values = {doc_type.status_column: step.target}
    if doc_type.updated_column:
        values[doc_type.updated_column] = change.at
    for column, what in step.stamps.items():
        values[column] = change.at if what == NOW else actor.id
    for ask in step.ask_for:
        if ask.column:
            values[ask.column] = change.inputs[ask.name]
    result = db.session.execute(update(model).where(model.id == doc.id, status == seen).values(values)
                                .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        # Someone else moved it between our read and our UPDATE: answer with the state they left.
        raise doc_type.refusal(doc, step.label, db.session.scalar(select(status).where(model.id == doc.id)))
    db.session.expire(doc)
    doc_type.write_log(doc, actor, step.label, seen, step.target, note)
    db.session.flush()
    for hook in (*doc_type.after_every, *doc_type.after.get(step.name, ())):
        hook(change)
    db.session.flush()
    return change


def advance_one(doc_type: DocumentType, doc, step: str, actor, note: str | None = None, **inputs) -> Change:
    """Move one document (already loaded) by `step`, or raise the DomainError that refuses it."""
    the_step = doc_type.step(step)
    return _move(doc_type, doc, the_step, actor, _clean_note(the_step, note), inputs)


def advance(doc_type: DocumentType, ids: Iterable, step: str, actor, note: str | None = None,
            **inputs) -> Result:
    """Move every document of `ids` by `step`, each on its own (a savepoint per record).

    Missing permission refuses the whole call (Forbidden). A record that is missing, out of the
    actor's scope, in a wrong state or refused by a guard or hook is reported in `Result.refused`
    with its message and left exactly as it was; the others move. The caller commits.
    """
    the_step = doc_type.step(step)
    if not can(the_step.permission, actor):
        raise Forbidden("您没有执行此操作的权限")
    note = _clean_note(the_step, note)
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise ValidationFailed(f"请先选择{doc_type.label}")
    if len(ids) > MAX_BULK:
        raise ValidationFailed(f"一次最多处理 {MAX_BULK} 个{doc_type.label}")
    outcome = Result(doc_type, the_step)
    for raw_id in ids:
        doc = None
        try:
            with db.session.begin_nested():
                doc = doc_type.get(raw_id, actor, the_step.permission)
                _move(doc_type, doc, the_step, actor, note, inputs)
        except DomainError as exc:
            number = None
            if doc is not None and not isinstance(exc, NotFound):
                db.session.expire(doc)
                number = doc_type.number_of(doc)
            outcome.refused.append(Refusal(raw_id, number, exc.message))
        else:
            outcome.done.append(doc)
    return outcome


def success_message(doc_type: DocumentType, step: Step, doc) -> str:
    """The one message of a step (Step.done, else a standard sentence)."""
    state = doc_type.status_of(doc)
    values = {"number": doc_type.number_of(doc), "label": doc_type.label, "state": state_label(state), "doc": doc}
    if step.done:
        return step.done.format(**values)
    return "{label} {number}：{step}成功，当前状态为“{state}”".format(step=step.label, **values)
