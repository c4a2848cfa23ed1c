"""导出Excel (manual 4.1, figure 4-9): two sheets, 客户资料 and 联系人, streamed, formulas neutralised."""

from sqlalchemy import func, select

from app.extensions import db
from app.services.customers import custom_fields
from app.services.excel import write_workbook
from models.accounts import Employee
from models.base_data import CustomerCategory, CustomerSource
from models.customers import Customer, CustomerContact, CustomerFieldValue

CUSTOMER_HEADERS = ["客户编号", "客户名称", "联系人", "性别", "手机", "联系电话", "办公电话", "传真", "电子邮件", "QQ/旺旺",
                    "当前职位", "省份", "城市", "地区", "详细地址", "客户类别", "客户来源", "所属行业", "网站地址", "合同始日",
                    "合同止日", "建档客服", "建档时间", "客服专员", "最近一次联系", "备注信息"]
CONTACT_HEADERS = ["客户编号", "客户名称", "联系人", "性别", "部门", "职位", "联系电话", "手机", "QQ/旺旺", "邮件", "生日",
                   "备注"]


def _ids(query):
    """The customer ids a select(Customer) picks, unordered."""
    return query.with_only_columns(Customer.id).order_by(None)


def capped_count(query, cap: int) -> int:
    """How many rows the query has, counting no further than cap (no unbounded COUNT on big tables)."""
    return db.session.scalar(select(func.count()).select_from(_ids(query).limit(cap).subquery())) or 0


def _lookup(model, name_column):
    return dict(db.session.execute(select(model.id, name_column)).all())


def customer_rows(query, fields):
    categories = _lookup(CustomerCategory, CustomerCategory.name)
    sources = _lookup(CustomerSource, CustomerSource.name)
    employees = _lookup(Employee, Employee.real_name)
    batch: list[Customer] = []

    def flush():
        values: dict[int, dict[int, str]] = {}
        if fields:
            ids = [c.id for c in batch]
            for cid, fid, value in db.session.execute(
                    select(CustomerFieldValue.customer_id, CustomerFieldValue.field_id, CustomerFieldValue.value)
                    .where(CustomerFieldValue.customer_id.in_(ids))):
                values.setdefault(cid, {})[fid] = value
        for c in batch:
            row = [c.code, c.name, c.contact_name, c.gender.label if c.gender else "", c.mobile, c.phone,
                   c.office_phone, c.fax, c.email, c.qq, c.position, c.province, c.city, c.district, c.address,
                   categories.get(c.category_id), sources.get(c.source_id), c.industry, c.website, c.contract_start,
                   c.contract_end, employees.get(c.creator_id), c.created_at,
                   employees.get(c.owner_id) if c.owner_id else "公共客户池", c.last_contact_at, c.remark]
            custom = values.get(c.id, {})
            yield row + [custom.get(f.id) for f in fields]
        batch.clear()

    for customer in db.session.scalars(query.execution_options(yield_per=1000)):
        batch.append(customer)
        if len(batch) >= 1000:
            yield from flush()
    yield from flush()


def contact_rows(query):
    ids = _ids(query).subquery()
    stmt = (select(CustomerContact, Customer.code, Customer.name).join(Customer)
            .where(CustomerContact.customer_id.in_(select(ids.c.id)))
            .order_by(CustomerContact.customer_id, CustomerContact.id))
    for contact, code, name in db.session.execute(stmt.execution_options(yield_per=1000)):
        yield [code, name, contact.name, contact.gender.label if contact.gender else "", contact.department,
               contact.position, contact.phone, contact.mobile, contact.qq, contact.email, contact.birthday,
               contact.remark]


def write_export(query, path: str | None = None, progress=None) -> str:
    """The 客户资料 and 联系人 sheets of exactly the customers the query (a select(Customer)) selects."""
    fields = custom_fields.all_fields()
    return write_workbook(
        [("客户资料", CUSTOMER_HEADERS + [f.name for f in fields], customer_rows(query, fields)),
         ("联系人", CONTACT_HEADERS, contact_rows(query))],
        path=path, progress=progress,
    )
