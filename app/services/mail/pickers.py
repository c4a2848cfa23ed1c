"""自客户 / 自联系人 / 自通讯录 pickers of 发送邮件 and 群发短信: matches within the user's 数据范围."""

from sqlalchemy import and_, select

from app.extensions import db
from app.services.customers.search import search_condition
from app.services.customers.visibility import scoped
from models.accounts import Employee
from models.customers import Customer, CustomerContact

LIMIT = 30


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def pick(user, kind: str, term: str, field: str) -> list[dict]:
    """Up to LIMIT {"name", "value"} rows; field is "email" or "mobile"; kind customer / contact / employee."""
    term = (term or "").replace("\x00", "").strip()[:50]
    if field not in ("email", "mobile") or kind not in ("customer", "contact", "employee"):
        return []
    if kind == "employee":
        column = getattr(Employee, field)
        query = select(Employee.real_name, column).where(Employee.is_enabled.is_(True), column.is_not(None),
                                                         column != "")
        if term:
            query = query.where(Employee.real_name.like(_like(term), escape="\\"))
        rows = db.session.execute(query.order_by(Employee.real_name).limit(LIMIT)).all()
        return [{"name": name, "value": value} for name, value in rows]
    condition = search_condition(term) if term else None
    if kind == "customer":
        column = getattr(Customer, field)
        query = select(Customer.name, column).where(column.is_not(None), column != "")
    else:
        column = getattr(CustomerContact, field)
        query = (select(CustomerContact.name, column, Customer.name).join(Customer, CustomerContact.customer_id == Customer.id)
                 .where(column.is_not(None), column != ""))
    if condition is not None:
        query = query.where(and_(condition))
    query = scoped(query, user).order_by(Customer.id.desc()).limit(LIMIT)
    rows = db.session.execute(query).all()
    if kind == "customer":
        return [{"name": name, "value": value} for name, value in rows]
    return [{"name": f"{name}（{customer}）", "value": value} for name, value, customer in rows]
