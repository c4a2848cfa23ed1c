"""All models, imported here so Alembic and the app see the whole schema."""

from models.accounts import Employee, LoginLog, Role, RoleDataScope, RolePermission
from models.auth_sessions import CaptchaChallenge, LoginSession
from models.base_data import (
    ContactMethod,
    CustomerCategory,
    CustomerSource,
    Department,
    LogisticsCompany,
    Supplier,
    Warehouse,
)
from models.customers import Customer  # noqa: F401  (and every other customer table)
from models.inventory import (  # noqa: F401
    Purchase,
    PurchaseLine,
    PurchaseLog,
    PurchasePayment,
    PurchaseReturn,
    PurchaseReturnLine,
    PurchaseReturnLog,
    StockBalance,
    StockMovement,
    Stocktake,
    StocktakeLine,
    StocktakeLog,
)
from models.mail import MailAccount, MailAttachment, MailMessage  # noqa: F401
from models.maintenance import AuditEntry  # noqa: F401
from models.numbering import DocumentCounter
from models.oa import Announcement, WorkLog, WorkPlan  # noqa: F401  (and their comments, files, reads)
from models.oa_attendance import AttendanceRecord  # noqa: F401  (and settings, special days, changes)
from models.oa_calendar import CalendarEvent, CalendarFeed  # noqa: F401
from models.orders import OrderLog, Payment, SalesOrder, SalesOrderLine  # noqa: F401
from models.print_templates import PrintTemplate  # noqa: F401
from models.products import Product, ProductCategory
from models.quotes import Quote, QuoteLine, QuoteLog  # noqa: F401
from models.reminders import Reminder
from models.scheduling import DeferredJob, SchedulerLease  # noqa: F401
from models.sms import SmsAccount, SmsBatch, SmsMessage, SmsReminderClaim, SmsReminderSetting, SmsTemplate  # noqa: F401
from models.tickets import Ticket, TicketAttachment, TicketCategory, TicketLog, TicketReply  # noqa: F401

__all__ = [
    "CaptchaChallenge",
    "ContactMethod",
    "CustomerCategory",
    "CustomerSource",
    "Department",
    "DocumentCounter",
    "Employee",
    "LoginLog",
    "LoginSession",
    "LogisticsCompany",
    "Product",
    "ProductCategory",
    "Role",
    "Reminder",
    "RoleDataScope",
    "RolePermission",
    "Supplier",
    "Warehouse",
]
