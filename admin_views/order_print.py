"""订单管理 > 订单打印 (manual 5.2, 5.3, figure 5-15): pick approved orders and a 配货单/发货单 template, print.

The list is the tab next to 订单列表 and 模板管理 of the 正在配货/已经发货 lists; the printed batch is one page
per order (print/document.html breaks the pages) and opens in its own tab.
"""

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user

from admin_views.base import SecuredView
from admin_views.input import parse_id, parse_ids, parse_int
from admin_views.order_tabs import order_tabs
from admin_views.rich_text import StaticUrl
from app.services.errors import DomainError, Forbidden, NotFound
from app.services.orders import print_queue, printing
from app.services.orders.screens import ORDER
from app.timeutil import format_local


class OrderPrintView(SecuredView):
    screen = ORDER
    extra_js = [StaticUrl("js/order_print.js")]

    def __init__(self, model=None, name=None, category=None, endpoint=None, url=None, **kwargs):
        super().__init__(name="订单打印", category=category, endpoint=endpoint, url=url, **kwargs)

    def is_accessible(self) -> bool:
        return current_user.is_authenticated and self.allowed("view") and self.allowed("print")

    @expose("/")
    def index(self):
        status = print_queue.parse_status(request.args.get("status"))
        term = (request.args.get("q") or "").strip()[:100]
        page = print_queue.printable_orders(current_user, term, status, parse_int(request.args.get("page"), 1))
        chosen = print_queue.default_template(status)
        return self.render("admin/orders/print_queue.html", result=page, term=term, status=status,
                           status_choices=print_queue.STATUS_CHOICES, templates=print_queue.order_templates(),
                           chosen_template=chosen, tabs=order_tabs("print", status), fmt=format_local,
                           max_batch=print_queue.MAX_BATCH,
                           page_url=lambda n: url_for(".index", q=term or None,
                                                      status=status.value if status else None, page=n))

    @expose("/print")
    def print_view(self):
        """The chosen orders, one page each; read-only, so a GET that opens in a new tab."""
        ids = parse_ids(request.args.getlist("id"), limit=print_queue.MAX_BATCH + 1)
        try:
            template = print_queue.template_for_print(parse_id(request.args.get("template_id")))
            orders = print_queue.orders_to_print(ids, current_user)
        except (NotFound, Forbidden) as exc:
            abort(404 if isinstance(exc, NotFound) else 403)
        except DomainError as exc:
            flash(exc.message, "error")
            return redirect(url_for(".index"))
        pages = [printing.render_order(template, order) for order in orders]
        args = {"id": [o.id for o in orders]}
        return self.render("print/document.html", pages=pages, title=f"{template.kind.label}打印",
                           current_template=template, templates=print_queue.order_templates(),
                           switch_url=lambda t: url_for(".print_view", **args, template_id=t.id))
