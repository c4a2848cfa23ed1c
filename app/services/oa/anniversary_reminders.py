"""合同到期 and 生日 reminders (manual 8.3): from N days ahead until the day itself, one per customer and day.

The days come from app/services/customers/anniversaries.py (the lunar rules are documented there); this module
only turns them into reminders for the customer's 客服专员. Running it twice on a day creates nothing twice: the
subject names the customer and the occurrence, the day is today (Reminder's unique key).
"""

from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.services.customers.anniversaries import customers_with_birthday, customers_with_contract_ending
from app.services.reminders import create_reminder
from app.timeutil import local_today
from models.customers import Customer

DAYS_AHEAD = 3  # manual 8.3: "系统会提前 3 天开始提醒"


def _when(day: date, today: date) -> str:
    ahead = (day - today).days
    return "今天" if ahead == 0 else f"{ahead} 天后（{day:%Y-%m-%d}）"


def remind_anniversaries(today: date | None = None, days_ahead: int = DAYS_AHEAD) -> dict:
    """Create today's 生日提醒 and 合同到期提醒; returns how many were created."""
    today = today or local_today()
    made = {"birthday": 0, "contract_end": 0}
    for offset in range(days_ahead + 1):
        day = today + timedelta(days=offset)
        for kind, found in (("birthday", customers_with_birthday(day)),
                            ("contract_end", customers_with_contract_ending(day))):
            for customer_id, owner_id in list(found):
                if owner_id is None:
                    continue  # 公共客户池: nobody to remind
                name = db.session.scalar(select(Customer.name).where(Customer.id == customer_id))
                if kind == "birthday":
                    title, body = f"生日提醒：{name}", f"客户 {name} 的生日是{_when(day, today)}"
                else:
                    title, body = f"合同到期提醒：{name}", f"客户 {name} 的合同{_when(day, today)}到期"
                if create_reminder(owner_id, kind, title, body, link=f"/customer/details/?id={customer_id}",
                                   subject_key=f"{kind}:{customer_id}:{day:%Y%m%d}", day=today):
                    made[kind] += 1
    db.session.flush()
    return made
