"""Registers every admin view; the menu follows the manual's order (chapters 4-12)."""

from pathlib import Path

from flask_admin import Admin
from flask_admin import babel as flask_admin_babel
from flask_admin.theme import Bootstrap4Theme

import app.services.sms.notices  # noqa: F401  (registers the 工单分配提醒 SMS with the ticket module)
from admin_views.accounts import EmployeeView, LoginLogView, RoleView
from admin_views.base_data import (
    ContactMethodView,
    CustomerCategoryView,
    CustomerSourceView,
    DepartmentView,
    LogisticsCompanyView,
    SupplierView,
    WarehouseView,
)
from admin_views.customer_followups import DueFollowUpView, FollowUpView
from admin_views.customer_import import CustomerImportView
from admin_views.customer_pool import MyCustomerView, PoolView, ShareView
from admin_views.customer_settings import CheckSettingsView, CustomerFieldView, PoolSettingsView
from admin_views.customers import CustomerView
from admin_views.home import HomeView
from admin_views.input import CleanRequest
from admin_views.inventory_lists import (
    ApprovedPurchaseView,
    ApprovedReturnView,
    ApprovedStocktakeView,
    PendingPurchaseView,
    PendingReturnView,
    PendingStocktakeView,
)
from admin_views.inventory_pages import PurchasePagesView, ReturnPagesView
from admin_views.inventory_stock import StockBalanceView, StockMovementView
from admin_views.inventory_stocktake import StocktakePagesView
from admin_views.job_progress import bp as job_progress_bp
from admin_views.mail_accounts import MailAccountView
from admin_views.mail_outbox import MailOutboxView
from admin_views.mail_send import SendMailView
from admin_views.maintenance import BackupView
from admin_views.maintenance_audit import AuditLogView
from admin_views.maintenance_init import InitialiseView
from admin_views.oa_announcements import AnnouncementView
from admin_views.oa_attendance import AttendanceSettingsView, AttendanceView
from admin_views.oa_attendance import header_bp as attendance_header_bp
from admin_views.oa_calendar import ScheduleView
from admin_views.oa_calendar import feed_bp as calendar_feed_bp
from admin_views.oa_journals import WorkLogView, WorkPlanView
from admin_views.oa_reminders import ReminderView
from admin_views.order_print import OrderPrintView
from admin_views.orders import (
    CancelledOrderView,
    CompletedOrderView,
    PendingOrderView,
    PickingOrderView,
    ReturnOrderView,
    ShippedOrderView,
)
from admin_views.orders_pages import OrderPagesView
from admin_views.orders_query import OrderQueryView
from admin_views.print_templates import PrintTemplateView
from admin_views.products import ProductCategoryView, ProductView
from admin_views.quotes import QuoteView
from admin_views.reports import REPORT_VIEWS
from admin_views.sms_accounts import SmsAccountView, SmsBalanceView
from admin_views.sms_history import SmsHistoryView
from admin_views.sms_send import SendSmsView
from admin_views.sms_templates import SmsReminderSettingsView, SmsTemplateView
from admin_views.tickets import (
    AssignedTicketView,
    CancelledTicketView,
    ClosedTicketView,
    NewTicketView,
    ResolvedTicketView,
    TicketQueryView,
)
from admin_views.tickets_pages import TicketPagesView
from admin_views.tickets_settings import TicketCategoryView
from models import (
    ContactMethod,
    CustomerCategory,
    CustomerSource,
    Department,
    Employee,
    LoginLog,
    LogisticsCompany,
    PrintTemplate,
    Product,
    ProductCategory,
    Quote,
    Reminder,
    Role,
    SalesOrder,
    Supplier,
    Warehouse,
)
from models.customers import Customer, CustomerField, CustomerShare, FollowUp
from models.inventory import Purchase, PurchaseReturn, StockBalance, StockMovement, Stocktake
from models.mail import MailAccount, MailMessage
from models.maintenance import AuditEntry
from models.oa import Announcement, WorkLog, WorkPlan
from models.sms import SmsAccount, SmsMessage, SmsTemplate
from models.tickets import Ticket, TicketCategory

# (view class, model, endpoint); the category comes from each view's Screen.
VIEWS = [
    (CustomerView, Customer, "customer"),
    (MyCustomerView, Customer, "my_customer"),
    (FollowUpView, FollowUp, "follow_up"),
    (DueFollowUpView, FollowUp, "follow_up_due"),
    (CustomerImportView, None, "customer_import"),
    (ShareView, CustomerShare, "customer_share"),
    (PoolView, Customer, "customer_pool"),
    (CustomerCategoryView, CustomerCategory, "customer_category"),
    (CustomerSourceView, CustomerSource, "customer_source"),
    (PendingOrderView, SalesOrder, "order_pending"),
    (PickingOrderView, SalesOrder, "order_picking"),
    (ShippedOrderView, SalesOrder, "order_shipped"),
    (OrderPrintView, None, "order_print"),
    (CompletedOrderView, SalesOrder, "order_completed"),
    (ReturnOrderView, SalesOrder, "order_return"),
    (CancelledOrderView, SalesOrder, "order_cancelled"),
    (OrderQueryView, SalesOrder, "order_query"),
    (QuoteView, Quote, "quote"),
    (OrderPagesView, SalesOrder, "order"),
    (PrintTemplateView, PrintTemplate, "print_template"),
    (NewTicketView, Ticket, "ticket_new"),
    (AssignedTicketView, Ticket, "ticket_assigned"),
    (ResolvedTicketView, Ticket, "ticket_resolved"),
    (ClosedTicketView, Ticket, "ticket_closed"),
    (CancelledTicketView, Ticket, "ticket_cancelled"),
    (TicketQueryView, Ticket, "ticket_query"),
    (TicketPagesView, Ticket, "ticket"),
    (TicketCategoryView, TicketCategory, "ticket_category"),
    *[(view, None, view.group.code) for view in REPORT_VIEWS],
    (ProductCategoryView, ProductCategory, "product_category"),
    (ProductView, Product, "product"),
    (WorkLogView, WorkLog, "worklog"),
    (AnnouncementView, Announcement, "announcement"),
    (ReminderView, Reminder, "reminder"),
    (ScheduleView, None, "schedule"),
    (WorkPlanView, WorkPlan, "work_plan"),
    (AttendanceView, None, "attendance"),
    (AttendanceSettingsView, None, "attendance_settings"),
    (EmployeeView, Employee, "employee"),
    (DepartmentView, Department, "department"),
    (RoleView, Role, "role"),
    (LoginLogView, LoginLog, "login_log"),
    (AuditLogView, AuditEntry, "audit_log"),
    (PoolSettingsView, None, "customer_pool_settings"),
    (CustomerFieldView, CustomerField, "customer_field"),
    (ContactMethodView, ContactMethod, "contact_method"),
    (CheckSettingsView, None, "customer_check_settings"),
    (LogisticsCompanyView, LogisticsCompany, "logistics"),
    (BackupView, None, "backup"),
    (InitialiseView, None, "system_init"),
    (MailAccountView, MailAccount, "mail_account"),
    (SendMailView, None, "mail_send"),
    (MailOutboxView, MailMessage, "mail_outbox"),
    (SmsAccountView, SmsAccount, "sms_account"),
    (SendSmsView, None, "sms_send"),
    (SmsHistoryView, SmsMessage, "sms_history"),
    (SmsBalanceView, None, "sms_balance"),
    (SmsTemplateView, SmsTemplate, "sms_template"),
    (SmsReminderSettingsView, None, "sms_reminder_settings"),
    # 库存管理 (ch. 12): 采购进货管理, 采购退货管理, 库存盘点管理, 当前库存查询, 库存流水查询, 仓库信息管理, 供应商管理.
    (PendingPurchaseView, Purchase, "purchase"),
    (ApprovedPurchaseView, Purchase, "purchase_approved"),
    (PurchasePagesView, None, "purchase_pages"),
    (PendingReturnView, PurchaseReturn, "purchase_return"),
    (ApprovedReturnView, PurchaseReturn, "purchase_return_approved"),
    (ReturnPagesView, None, "purchase_return_pages"),
    (PendingStocktakeView, Stocktake, "stocktake"),
    (ApprovedStocktakeView, Stocktake, "stocktake_approved"),
    (StocktakePagesView, None, "stocktake_pages"),
    (StockBalanceView, StockBalance, "stock"),
    (StockMovementView, StockMovement, "stock_movement"),
    (WarehouseView, Warehouse, "warehouse"),
    (SupplierView, Supplier, "supplier"),
]


TRANSLATIONS = str(Path(__file__).resolve().parent.parent / "app" / "translations")


def _use_translation_overrides() -> None:
    """Put our catalogue after Flask-Admin's so that our strings win when both define one.

    Flask-Admin lists Admin(translations_path=...) before its own catalogue, and Flask-Babel lets
    the later catalogue win, which would hide fixes for strings its shipped file gets wrong.
    """
    directories = flask_admin_babel.domain._translation_directories
    if TRANSLATIONS not in directories:
        directories.append(TRANSLATIONS)


def _may_change_follow_up(follow_up) -> bool:
    from flask_login import current_user

    from app.services.customers.followups import may_change

    return may_change(current_user, follow_up)


def _product_category_choices():
    from app.services.products import category_choices

    return category_choices()


def init_admin(app) -> Admin:
    from app.security.headers import csp_nonce

    _use_translation_overrides()
    app.request_class = CleanRequest  # every query and form parameter without NUL / control characters
    app.jinja_env.globals["may_change_follow_up"] = _may_change_follow_up
    app.jinja_env.globals["product_category_choices"] = _product_category_choices
    admin = Admin(
        app,
        name="星烛客户管理系统",
        theme=Bootstrap4Theme(base_template="admin/crm_base.html", fluid=True),
        index_view=HomeView(name="我的桌面", url="/", endpoint="admin"),
        csp_nonce_generator=csp_nonce,
    )
    for view_class, model, endpoint in VIEWS:
        screen = view_class.screen
        admin.add_view(view_class(model, name=screen.label, category=screen.module,
                                  endpoint=endpoint, url=f"/{endpoint.replace('_', '-')}"))
    from app.account import bp as account_bp

    app.register_blueprint(account_bp)
    app.register_blueprint(calendar_feed_bp)
    app.register_blueprint(attendance_header_bp)
    app.register_blueprint(job_progress_bp)
    return admin
