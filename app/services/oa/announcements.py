"""公告管理 (8.2): publishing notifies every employee (pop-up until read), read receipts, attachments.

Attachments follow the 合同文档 upload rules (app/services/customers/documents.py: extension, content, 10 MB,
stored outside the web root under a generated name). Content is rich text sanitised on the server.
"""

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.services.customers import documents
from app.services.errors import ValidationFailed
from app.services.reminders import create_reminder, mark_subject_read
from app.services.rich_text import clean_rich_text
from models.accounts import Employee
from models.base import utcnow
from models.oa import Announcement, AnnouncementFile, AnnouncementRead
from models.reminders import Reminder

CATEGORIES = ("内部通知", "公司公告", "规章制度", "活动通知", "其他")


def _subject(announcement: Announcement) -> str:
    return f"announcement:{announcement.id}"


def save_announcement(actor: Employee, values: dict, uploads: list, announcement: Announcement | None = None):
    category = (values.get("category") or "").strip()
    if category not in CATEGORIES:
        raise ValidationFailed("请选择公告类别")
    title = (values.get("title") or "").replace("\x00", "").strip()
    if not title:
        raise ValidationFailed("公告标题不能为空")
    if len(title) > 100:
        raise ValidationFailed("公告标题不能超过 100 个字")
    content = clean_rich_text(values.get("content"), "公告内容", required=True)
    uploads = [u for u in uploads if u and u.filename]
    stored: list[AnnouncementFile] = []
    try:
        for upload in uploads:
            row = documents.store_file(upload)
            stored.append(AnnouncementFile(original_name=row.original_name, stored_name=row.stored_name,
                                           size=row.size, content_type=row.content_type))
    except ValidationFailed:
        for row in stored:
            (documents.upload_dir() / row.stored_name).unlink(missing_ok=True)
        raise
    created = announcement is None
    if created:
        announcement = Announcement(author_id=actor.id, published_at=utcnow())
        db.session.add(announcement)
    was_visible = bool(announcement.is_visible) and not created
    announcement.category, announcement.title, announcement.content = category, title, content
    announcement.is_visible = bool(values.get("is_visible", True))
    announcement.files.extend(stored)
    db.session.flush()
    if announcement.is_visible and not was_visible:
        notify_everyone(announcement, actor)
    elif not announcement.is_visible:
        _withdraw(announcement)
    return announcement


def notify_everyone(announcement: Announcement, actor: Employee) -> int:
    """公告通知 for every enabled employee but the publisher: a pop-up until it is read (once per person)."""
    made = 0
    for employee_id in db.session.scalars(select(Employee.id).where(Employee.is_enabled.is_(True),
                                                                    Employee.id != actor.id)):
        if create_reminder(employee_id, "announcement", f"公告：{announcement.title}",
                           f"{announcement.category} · {actor.real_name} 发布",
                           link=f"/announcement/details/?id={announcement.id}", subject_key=_subject(announcement)):
            made += 1
    return made


def _withdraw(announcement: Announcement) -> None:
    """A hidden announcement no longer pops up for those who have not read it."""
    db.session.execute(delete(Reminder).where(Reminder.kind == "announcement", Reminder.read_at.is_(None),
                                              Reminder.subject_key == _subject(announcement)))


def set_visible(announcement: Announcement, visible: bool, actor: Employee) -> None:
    if announcement.is_visible == visible:
        return
    announcement.is_visible = visible
    db.session.flush()
    if visible:
        notify_everyone(announcement, actor)
    else:
        _withdraw(announcement)


def delete_announcement(announcement: Announcement) -> None:
    paths = [documents.upload_dir() / f.stored_name for f in announcement.files]
    _withdraw(announcement)
    db.session.delete(announcement)
    db.session.flush()
    documents._remove_after_commit(paths)


def remove_file(announcement: Announcement, file_id: int) -> str:
    row = next((f for f in announcement.files if f.id == file_id), None)
    if row is None:
        raise ValidationFailed("附件不存在")
    announcement.files.remove(row)
    db.session.flush()
    documents._remove_after_commit([documents.upload_dir() / row.stored_name])
    return row.original_name


def mark_read(announcement: Announcement, employee: Employee) -> None:
    """Opening an announcement is its read receipt, and reads its pop-up."""
    if db.session.get(AnnouncementRead, (announcement.id, employee.id)) is None:
        try:
            with db.session.begin_nested():  # the same person in two tabs at once: one receipt
                db.session.add(AnnouncementRead(announcement_id=announcement.id, employee_id=employee.id))
        except IntegrityError:
            pass
    mark_subject_read(employee.id, _subject(announcement))
    db.session.flush()


def receipts(announcement: Announcement) -> list[tuple[Employee, object]]:
    """Every enabled employee with the time they read it (None: not yet), unread first."""
    read = dict(db.session.execute(select(AnnouncementRead.employee_id, AnnouncementRead.read_at)
                                   .where(AnnouncementRead.announcement_id == announcement.id)).all())
    people = db.session.scalars(select(Employee).where(Employee.is_enabled.is_(True))
                                .order_by(Employee.real_name)).all()
    rows = [(e, read.get(e.id)) for e in people]
    return sorted(rows, key=lambda row: row[1] is not None)


def file_path(row: AnnouncementFile):
    return documents.upload_dir() / row.stored_name
