"""工作日志 (8.1) and 工作计划 (8.5): written by their author, read and 点评 by superiors, comments remind the author.

A superior is who holds the screen's `comment` permission and whose 数据范围 for the module covers the author
(the role tree, app/security/scope.py). Only the author edits or deletes an entry; only a comment's writer edits
or deletes that comment. A plan is 汇报给 one chosen superior, who is reminded and may comment.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.security.permissions import can
from app.security.scope import can_see_owner
from app.services.errors import Forbidden, ValidationFailed
from app.services.reminders import create_reminder, mark_subject_read
from models.accounts import Employee
from models.oa import LogKind, PlanKind, WorkLog, WorkLogComment, WorkPlan, WorkPlanComment

MAX_CONTENT = 20_000
MAX_COMMENT = 2_000


@dataclass(frozen=True)
class Journal:
    module: str  # permission code and 数据范围 module
    noun: str
    model: type
    comment_model: type
    kinds: type
    comment_kind: str
    url: str  # the detail page, for reminder links

    def link(self, entry_id: int) -> str:
        return f"{self.url}?id={entry_id}"


WORKLOG = Journal("worklog", "工作日志", WorkLog, WorkLogComment, LogKind, "log_comment", "/worklog/details/")
WORK_PLAN = Journal("work_plan", "工作计划", WorkPlan, WorkPlanComment, PlanKind, "plan_comment",
                    "/work-plan/details/")


def _text(value, label: str, limit: int, required: bool = True) -> str:
    text = (value or "").replace("\x00", "").strip()
    if required and not text:
        raise ValidationFailed(f"{label}不能为空")
    if len(text) > limit:
        raise ValidationFailed(f"{label}不能超过 {limit} 个字")
    return text


def _kind(journal: Journal, value) -> str:
    try:
        return journal.kinds(value).value
    except ValueError:
        raise ValidationFailed(f"请选择{journal.noun}类别") from None


def _date(value, label: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        raise ValidationFailed(f"{label}格式不正确，应为 年-月-日") from None


def can_comment(actor: Employee, journal: Journal, entry) -> bool:
    if entry.author_id == actor.id:
        return False
    if journal is WORK_PLAN and entry.report_to_id == actor.id:
        return True
    return can(f"{journal.module}.comment", actor) and can_see_owner(actor, journal.module, entry.author_id)


def can_read(actor: Employee, journal: Journal, entry) -> bool:
    if journal is WORK_PLAN and entry.report_to_id == actor.id:
        return True
    return can_see_owner(actor, journal.module, entry.author_id)


def _own(actor: Employee, entry, what: str) -> None:
    if entry.author_id != actor.id:
        raise Forbidden(f"只能修改或删除自己的{what}")


def report_targets(actor: Employee) -> list[Employee]:
    """Whom a plan may be 汇报给: enabled colleagues who may comment on the actor's plans."""
    rows = db.session.scalars(select(Employee).where(Employee.is_enabled.is_(True), Employee.id != actor.id)
                              .order_by(Employee.real_name)).all()
    return [e for e in rows if can("work_plan.comment", e) and can_see_owner(e, "work_plan", actor.id)]


def save_entry(journal: Journal, actor: Employee, values: dict, entry=None):
    """Add (entry None) or edit the actor's own log or plan from form values."""
    if entry is not None:
        _own(actor, entry, journal.noun)
    kind = _kind(journal, values.get("kind"))
    title = _text(values.get("title"), "标题", 100)
    content = _text(values.get("content"), "内容", MAX_CONTENT)
    day = _date(values.get("day"), "日期" if journal is WORKLOG else "计划开始日期")
    report_to_id = _report_to(actor, values.get("report_to_id")) if journal is WORK_PLAN else None
    if entry is None:
        entry = journal.model(author_id=actor.id)
        db.session.add(entry)
    entry.kind, entry.title, entry.content = kind, title, content
    if journal is WORKLOG:
        entry.log_date = day
    else:
        entry.period_start, entry.report_to_id = day, report_to_id
    db.session.flush()
    if journal is WORK_PLAN and entry.report_to_id:
        create_reminder(entry.report_to_id, "plan_report", f"{actor.real_name} 向你汇报了{entry.kind_label}",
                        entry.title, link=journal.link(entry.id), subject_key=f"plan:{entry.id}:report")
    return entry


def _report_to(actor: Employee, value) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None
    target_id = int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else 0
    if target_id not in {e.id for e in report_targets(actor)}:
        raise ValidationFailed("汇报对象须是能查看你的工作计划并有点评权限的上级")
    return target_id


def delete_entry(journal: Journal, actor: Employee, entry) -> None:
    _own(actor, entry, journal.noun)
    db.session.delete(entry)
    db.session.flush()


def add_comment(journal: Journal, actor: Employee, entry, text) -> object:
    if not can_comment(actor, journal, entry):
        raise Forbidden(f"只有上级可以点评这条{journal.noun}")
    comment = journal.comment_model(author_id=actor.id, content=_text(text, "点评内容", MAX_COMMENT))
    entry.comments.append(comment)
    db.session.flush()
    create_reminder(entry.author_id, journal.comment_kind, f"{actor.real_name} 点评了你的{journal.noun}：{entry.title}",
                    comment.content[:200], link=journal.link(entry.id),
                    subject_key=f"{journal.module}:{entry.id}:comment:{comment.id}")
    return comment


def edit_comment(journal: Journal, actor: Employee, comment, text) -> None:
    if comment.author_id != actor.id:
        raise Forbidden("只能修改自己的点评")
    comment.content = _text(text, "点评内容", MAX_COMMENT)
    db.session.flush()


def delete_comment(journal: Journal, actor: Employee, comment) -> None:
    if comment.author_id != actor.id:
        raise Forbidden("只能删除自己的点评")
    db.session.delete(comment)
    db.session.flush()


def opened_by(journal: Journal, actor: Employee, entry) -> None:
    """The author reading a commented entry (or a superior a reported plan) reads its reminders too."""
    mark_subject_read(actor.id, f"{journal.module}:{entry.id}:")
    if journal is WORK_PLAN:
        mark_subject_read(actor.id, f"plan:{entry.id}:")
