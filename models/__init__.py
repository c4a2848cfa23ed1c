"""All models, imported here so Alembic and the app see the whole schema."""

from models.accounts import Employee, LoginLog, Role, RoleDataScope, RolePermission
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
from models.numbering import DocumentCounter
from models.orders import OrderLog, Payment, SalesOrder, SalesOrderLine  # noqa: F401
from models.print_templates import PrintTemplate  # noqa: F401
from models.products import Product, ProductCategory
from models.quotes import Quote, QuoteLine, QuoteLog  # noqa: F401
from models.reminders import Reminder
from models.tickets import Ticket, TicketAttachment, TicketCategory, TicketLog, TicketReply  # noqa: F401

__all__ = [
    "ContactMethod",
    "CustomerCategory",
    "CustomerSource",
    "Department",
    "DocumentCounter",
    "Employee",
    "LoginLog",
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
