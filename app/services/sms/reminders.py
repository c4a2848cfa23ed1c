"""The daily automatic texts of 提醒设置: 合同到期 and 客户生日, to the customer's main contact and/or the owner.

Birthdays and contract ends come from app/services/customers/anniversaries.py (its lunar rules: a leap month
counts as the ordinary month, a missing 30th is the 29th, 29 February is 28 February in common years).
"""

from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.services.customers.anniversaries import customers_with_birthday, customers_with_contract_ending
from app.services.sms import settings, templates
from app.services.sms.accounts import default_account
from app.services.sms.automatic import Outgoing, queue_once
from app.timeutil import local_today
from models.accounts import Employee
from models.customers import Customer
from models.sms import SmsBatch

LOAD = 1000


def _customers(ids: list[int]):
    for start in range(0, len(ids), LOAD):
        yield from db.session.execute(
            select(Customer.id, Customer.name, Customer.contact_name, Customer.mobile, Customer.owner_id,
                   Customer.birthday, Customer.is_lunar_birthday, Customer.contract_end)
            .where(Customer.id.in_(ids[start:start + LOAD]))).all()


def _owner_mobiles(owner_ids: set[int]) -> dict[int, str]:
    if not owner_ids:
        return {}
    return dict(db.session.execute(select(Employee.id, Employee.mobile).where(
        Employee.id.in_(sorted(owner_ids)), Employee.is_enabled.is_(True), Employee.mobile.is_not(None))).all())


def birthday_text(birthday: date, lunar: bool) -> str:
    return f"{'农历' if lunar else ''}{birthday.month:02d}-{birthday.day:02d}"


def find_recipients(key: str, today: date) -> list[Outgoing]:
    """Every text the event's setting asks for today (nothing when it is off)."""
    setting = settings.get(key)
    if not setting.enabled:
        return []
    event = settings.BY_KEY[key]
    who = settings.recipients_of(setting)
    target = today + timedelta(days=setting.days_ahead)
    finder = customers_with_contract_ending if key == "contract_end" else customers_with_birthday
    ids = [customer_id for customer_id, _owner in finder(target)]
    rows = list(_customers(ids))
    owners = _owner_mobiles({r.owner_id for r in rows if r.owner_id}) if "owner" in who else {}
    codes = event.templates
    items = []
    for row in rows:
        values = {"CustomerName": row.name, "ContactName": row.contact_name or row.name,
                  "ContractEnd": f"{row.contract_end:%Y-%m-%d}" if row.contract_end else "",
                  "DaysLeft": setting.days_ahead,
                  "Birthday": birthday_text(row.birthday, row.is_lunar_birthday) if row.birthday else ""}
        if "customer" in who and row.mobile:
            code = codes["customer"]
            items.append(Outgoing(code, row.id, row.mobile, _fill(code, values)))
        if "owner" in who and owners.get(row.owner_id):
            code = codes["owner"]
            items.append(Outgoing(code, row.id, owners[row.owner_id], _fill(code, values)))
    return items


_TEXTS: dict[str, str] = {}


def _fill(code: str, values: dict) -> str:
    text = _TEXTS.get(code)
    if text is None:
        text = _TEXTS[code] = templates.render(code, {name: f"{{${name}$}}" for name in templates.BY_CODE[code].placeholders})
    return templates.tidy(templates.PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), text))


def run_daily(today: date | None = None) -> tuple[dict[str, int], list[SmsBatch]]:
    """Queue today's 合同到期 and 客户生日 texts once; (texts per event, batches to dispatch after the commit)."""
    today = today or local_today()
    _TEXTS.clear()  # the templates' current text, read once per run
    counts, batches = {}, []
    for key in ("contract_end", "birthday"):
        setting = settings.get(key)
        account = setting.account or default_account()
        if not setting.enabled or account is None:
            counts[key] = 0
            continue
        batch = queue_once(account, find_recipients(key, today), today, kind=key)
        counts[key] = len(batch.messages) if batch else 0
        if batch:
            batches.append(batch)
    return counts, batches
