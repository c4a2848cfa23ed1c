"""提醒设置 (manual 11.6, fig. 11-7): which automatic texts are on, how many days ahead, who receives them."""

from dataclasses import dataclass

from app.extensions import db
from app.services.errors import ValidationFailed
from models.sms import SmsAccount, SmsReminderSetting


@dataclass(frozen=True)
class Event:
    key: str
    label: str
    recipients: dict[str, str]  # recipient key -> label; each maps to a template below
    templates: dict[str, str]  # recipient key -> system template code
    days_ahead: bool = False


EVENTS = [
    Event("contract_end", "开启合同到期短信提醒", {"customer": "客户主联系人", "owner": "负责人"},
          {"customer": "contract_end_customer", "owner": "contract_end_owner"}, days_ahead=True),
    Event("birthday", "开启客户生日短信提醒", {"customer": "客户主联系人", "owner": "负责人"},
          {"customer": "birthday_customer", "owner": "birthday_owner"}, days_ahead=True),
    Event("order_submitted", "开启订单审核短信提醒", {"approver": "审核人"}, {"approver": "order_submitted"}),
    Event("order_approved", "开启订单审核通过短信提醒", {"owner": "下单客服"}, {"owner": "order_approved"}),
    Event("order_shipped", "开启订单发货短信提醒（订单勾选“短信通知收货人”时）", {"receiver": "收货人"},
          {"receiver": "order_shipped"}),
    Event("ticket_assigned", "开启工单分配短信提醒", {"assignee": "工单处理人"}, {"assignee": "ticket_assigned"}),
    Event("purchase_submitted", "开启采购进货单审核短信提醒", {"approver": "审核人"}, {"approver": "purchase_submitted"}),
    Event("purchase_return_submitted", "开启采购退货单审核短信提醒", {"approver": "审核人"},
          {"approver": "purchase_return_submitted"}),
    Event("stocktake_submitted", "开启库存盘点单审核短信提醒", {"approver": "审核人"}, {"approver": "stocktake_submitted"}),
]
BY_KEY = {e.key: e for e in EVENTS}
DEFAULT_RECIPIENTS = {"contract_end": "customer,owner", "birthday": "customer,owner"}


def get(key: str) -> SmsReminderSetting:
    """The stored row, or the default (off) for an event never saved."""
    row = db.session.get(SmsReminderSetting, key)
    if row is None:
        event = BY_KEY[key]
        row = SmsReminderSetting(event=key, enabled=False, days_ahead=0,
                                 recipients=DEFAULT_RECIPIENTS.get(key, ",".join(event.recipients)))
    return row


def recipients_of(row: SmsReminderSetting) -> set[str]:
    return {r for r in (row.recipients or "").split(",") if r}


def save_all(form: dict[str, dict]) -> None:
    """form: event key -> {"enabled": bool, "days_ahead": str, "recipients": set, "account_id": int|None}."""
    for event in EVENTS:
        values = form.get(event.key, {})
        enabled = bool(values.get("enabled"))
        days = 0
        if event.days_ahead:
            text = str(values.get("days_ahead") or "0").strip()
            if not (text.isascii() and text.isdigit()) or int(text) > 60:
                raise ValidationFailed(f"{event.label}：提前天数须为 0 到 60 的整数")
            days = int(text)
        chosen = set(values.get("recipients") or ()) & set(event.recipients)
        if enabled and not chosen:
            raise ValidationFailed(f"{event.label}：请至少选择一个提醒对象")
        account_id = values.get("account_id")
        if account_id and db.session.get(SmsAccount, account_id) is None:
            raise ValidationFailed("所选短信账户不存在")
        row = db.session.get(SmsReminderSetting, event.key)
        if row is None:
            row = SmsReminderSetting(event=event.key)
            db.session.add(row)
        row.enabled, row.days_ahead = enabled, days
        row.recipients = ",".join(r for r in event.recipients if r in chosen)
        row.account_id = account_id or None
    db.session.flush()
