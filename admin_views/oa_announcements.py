"""办公OA > 公告管理 (8.2): category, title, rich text, attachments, 显示/隐藏, read receipts."""

from flask import abort, redirect, request, send_file, url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import DateBetweenFilter, FilterEqual
from flask_login import current_user
from wtforms import BooleanField, MultipleFileField, SelectField, StringField, TextAreaField

from admin_views.base import CrmModelView, format_datetime, parse_id
from admin_views.oa_journals import CONFIRM_JS
from admin_views.rich_text import RICH_TEXT_CSS, RICH_TEXT_JS, RICH_TEXT_WIDGET
from admin_views.row_actions import PageRowAction, PostRowAction
from admin_views.transactions import committed
from app.extensions import db
from app.security.permissions import Screen
from app.services.oa import announcements
from models.oa import Announcement, AnnouncementFile


class AnnouncementView(CrmModelView):
    screen = Screen("announcement", "公告管理", "办公OA", ("view", "add", "edit", "delete"))
    record_noun = "公告"
    details_template = "admin/oa/announcement_details.html"
    edit_template = "admin/oa/announcement_edit.html"
    extra_css = RICH_TEXT_CSS
    extra_js = RICH_TEXT_JS + CONFIRM_JS
    column_list = ("category", "title", "author", "published_at", "is_visible")
    column_labels = {"category": "公告类别", "title": "标题", "author": "发布人", "published_at": "发布时间",
                     "is_visible": "状态"}
    column_formatters = {"published_at": format_datetime, "author": lambda v, c, m, n: m.author.real_name,
                         "is_visible": lambda v, c, m, n: "显示" if m.is_visible else "隐藏"}
    column_searchable_list = ("title",)
    column_sortable_list = ("published_at", "category")
    column_default_sort = ("published_at", True)
    column_filters = (FilterEqual(Announcement.category, "公告类别", options=[(c, c) for c in announcements.CATEGORIES]),
                      DateBetweenFilter(Announcement.published_at, "发布时间"))
    page_row_actions = (PageRowAction(".details_view", "查看", "view"),
                        PageRowAction(".receipts_view", "阅读情况", "edit"))
    post_row_actions = (
        PostRowAction("hide", "隐藏", "edit", visible=lambda row: row.is_visible, css="btn-outline-warning"),
        PostRowAction("show", "显示", "edit", visible=lambda row: not row.is_visible, css="btn-outline-success"),
    )
    form_columns = ("category", "title", "content", "is_visible", "files")

    def scaffold_form(self):
        class Form(self.form_base_class):
            category = SelectField("公告类别", choices=[(c, c) for c in announcements.CATEGORIES])
            title = StringField("标题", render_kw={"maxlength": 100})
            content = TextAreaField("公告内容", render_kw=RICH_TEXT_WIDGET)
            is_visible = BooleanField("显示（发布后所有员工都会收到通知）", default=True)
            files = MultipleFileField("附件（jpg gif png bmp rar zip txt doc docx xls xlsx ppt pptx，每个不超过 10M）")

        return Form

    def _visible_only(self) -> bool:
        return not self.allowed("edit")

    def get_query(self):
        query = super().get_query()
        return query.filter(Announcement.is_visible.is_(True)) if self._visible_only() else query

    def get_count_query(self):
        query = super().get_count_query()
        return query.filter(Announcement.is_visible.is_(True)) if self._visible_only() else query

    def get_one(self, id):
        obj = super().get_one(id)
        if self._visible_only() and not obj.is_visible:
            abort(404)
        return obj

    def validate_form(self, form):
        return request.method == "POST"

    def _values(self, form) -> dict:
        return {"category": form.category.data, "title": form.title.data, "content": form.content.data,
                "is_visible": form.is_visible.data}

    def create_model(self, form):
        with committed() as outcome:
            row = announcements.save_announcement(current_user, self._values(form), request.files.getlist("files"))
        return False if outcome.failed else row

    def update_model(self, form, model):
        with committed() as outcome:
            announcements.save_announcement(current_user, self._values(form), request.files.getlist("files"), model)
        return not outcome.failed

    def delete_record(self, row):
        announcements.delete_announcement(row)

    def do_hide(self, obj):
        announcements.set_visible(obj, False, current_user)
        return f"公告“{obj.title}”已隐藏"

    def do_show(self, obj):
        announcements.set_visible(obj, True, current_user)
        return f"公告“{obj.title}”已显示，所有员工都会收到通知"

    @expose("/details/")
    def details_view(self):
        row = self.get_one(request.args.get("id"))
        announcements.mark_read(row, current_user)
        db.session.commit()
        return self.render(self.details_template, row=row)

    @expose("/receipts/")
    def receipts_view(self):
        self.require("edit")
        row = self.get_one(request.args.get("id"))
        rows = announcements.receipts(row)
        return self.render("admin/oa/announcement_receipts.html", row=row, rows=rows,
                           read=sum(1 for _, at in rows if at))

    @expose("/file/<file_id>")
    def file_view(self, file_id):
        row = db.session.get(AnnouncementFile, parse_id(file_id) or 0)
        if row is None:
            abort(404)
        self.get_one(str(row.announcement_id))  # hidden announcements' files stay hidden
        path = announcements.file_path(row)
        if not path.exists():
            abort(404)
        return send_file(path, as_attachment=True, download_name=row.original_name)

    @expose("/file/<file_id>/delete", methods=["POST"])
    def delete_file_view(self, file_id):
        self.require("edit")
        row = db.session.get(AnnouncementFile, parse_id(file_id) or 0)
        if row is None:
            abort(404)
        announcement = self.get_one(str(row.announcement_id))
        with committed() as outcome:
            outcome.message = f"附件“{announcements.remove_file(announcement, row.id)}”已删除"
        return redirect(url_for(".edit_view", id=announcement.id))
