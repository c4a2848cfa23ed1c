"""Buttons and endpoints drawn from a document type's transition table (app/services/workflow.py).

A list view names the steps it offers (`row_steps`, `bulk_steps`); a detail page calls
`step_buttons(flow, doc, url_of)`. Every button is a POST form with the CSRF token and the step's
confirmation text in `data-confirm` (app/static/crm-ui.js asks it: no inline script). Each step has one
endpoint per view and one message (`Step.done`); adding a transition to the table adds its buttons.
"""

from flask import flash, redirect, request
from flask_admin import expose
from flask_admin.model.template import BaseListRowAction
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from admin_views.transactions import committed
from app.security.permissions import can
from app.security.urls import safe_return_url
from app.services.workflow import DocumentType, Step, advance, advance_one, state_label, success_message


def step_form(url: str, flow: DocumentType, step: Step, compact: bool = False) -> Markup:
    size = "btn-sm py-0 px-1 ml-1" if compact else "btn-sm mr-1"
    outline = "btn-outline-" if compact else "btn-"
    return Markup(
        f'<form method="post" action="{escape(url)}" class="d-inline crm-step-form">'
        f'<input type="hidden" name="csrf_token" value="{generate_csrf()}">'
        f'<button type="submit" class="btn {size} {outline}{escape(step.style)}" data-transition="{escape(step.name)}"'
        f' data-action="{escape(step.name)}" data-confirm="{escape(step.confirmation(flow.label))}">'
        f'{escape(step.label)}</button></form>')


def step_buttons(flow: DocumentType, doc, url_of) -> Markup:
    """The detail page's buttons: every step the document's status allows and the user may take."""
    state = flow.status_of(doc)
    return Markup("").join(step_form(url_of(step), flow, step) for step in flow.steps_from(state)
                           if can(step.permission))


def state_labels(flow: DocumentType) -> dict[str, str]:
    """Stored state value -> Chinese label, for the log tables."""
    return {state.value: state_label(state) for state in flow.states}


class StepRowAction(BaseListRowAction):
    """A list row's button for one step, shown when the user holds its permission and the row's status allows it."""

    def __init__(self, flow: DocumentType, step: Step):
        super().__init__(step.label)
        self.flow, self.step = flow, step
        self.name, self.permission = step.name, step.action

    def render(self, context, row_id, row):
        view = context.resolve("admin_view")
        if not view.allowed(self.permission) or not self.flow.can_take(row, self.name):
            return ""
        url = view.get_url(".row_action", action_name=self.name, record_id=row_id, url=request.full_path)
        return step_form(url, self.flow, self.step, compact=True)


class WorkflowListMixin:
    """For a CrmModelView listing documents of `flow`: row buttons and 批量操作 from the transition table."""

    flow: DocumentType
    row_steps: tuple[str, ...] = ()
    bulk_steps: tuple[str, ...] = ()
    other_row_actions: tuple = ()  # non-workflow POST buttons (复制 ...), handled by do_<name>

    @property
    def post_row_actions(self):
        return tuple(self.other_row_actions) + tuple(StepRowAction(self.flow, self.flow.steps[name])
                                                     for name in self.row_steps)

    @expose("/row-action/<action_name>/<record_id>", methods=["POST"])
    def row_action(self, action_name, record_id):
        if action_name not in self.row_steps:
            return super().row_action(action_name, record_id)
        step = self.flow.steps[action_name]
        self.require(step.action)
        doc = self.get_one(record_id)
        with committed() as outcome:
            advance_one(self.flow, doc, step.name, current_user, request.form.get("note"))
            outcome.message = success_message(self.flow, step, doc)
        return redirect(self._return_url())

    def init_actions(self):
        super().init_actions()
        for name in self.bulk_steps:
            step = self.flow.steps[name]
            self._actions.append((name, step.label))
            self._actions_data[name] = (self._bulk_handler(name), step.label,
                                        f"确定对选中的{self.flow.label}执行“{step.label}”吗？")

    def _bulk_handler(self, name):
        return lambda ids: self.bulk_step(name, ids)

    def is_action_allowed(self, name):
        if name in self.flow.steps:
            return name in self.bulk_steps and self.allowed(self.flow.steps[name].action)
        return super().is_action_allowed(name)

    def bulk_step(self, name: str, ids):
        """批量 step: each selected document on its own; the message says how many moved and why others did not."""
        self.require(self.flow.steps[name].action)
        result = None
        with committed(flash_error=False) as outcome:
            result = advance(self.flow, ids, name, current_user)
        if outcome.failed:
            flash(outcome.error, "error")
        elif result.refused:
            flash(result.summary(), "warning" if result.count else "error")
        else:
            flash(result.summary(), "success")
        return redirect(self.bulk_return_url())

    def bulk_return_url(self):
        return safe_return_url(request.form.get("url") or request.referrer, self.get_url(".index_view"))
