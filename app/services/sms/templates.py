"""短信模板 (manual 11.5): the eleven system templates (title fixed, text editable) and free user templates.

Placeholders are written {$Name$}, as in the print templates; each system template lists the ones it knows.
"""

import re
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.services.errors import ValidationFailed
from models.sms import SmsTemplate

PLACEHOLDER = re.compile(r"\{\$([A-Za-z]+)\$\}")
MAX_LENGTH = 200


@dataclass(frozen=True)
class SystemTemplate:
    code: str
    title: str
    content: str
    placeholders: dict[str, str]


_ORDER = {"OrderNo": "订单编号", "Amount": "订单金额", "CustomerName": "客户名称"}
_DOCUMENT = {"DocumentNo": "单据编号", "Amount": "金额", "Submitter": "提交人"}
SYSTEM_TEMPLATES = [
    SystemTemplate("order_shipped", "订单发货提醒",
                   "{$ReceiverName$}您好，您在我公司订购的产品已经发货，{$LogisticsCompany$}，单号：{$TrackingNo$}，请注意查收！",
                   {"ReceiverName": "收货人", "LogisticsCompany": "物流公司", "TrackingNo": "物流单号"} | _ORDER),
    SystemTemplate("order_submitted", "订单审核提醒",
                   "{$Submitter$}提交了一张新订单：{$OrderNo$}，订单金额：{$Amount$}元，等待您的审核！",
                   {"Submitter": "提交人"} | _ORDER),
    SystemTemplate("order_approved", "订单审核通过提醒",
                   "您提交的订单：{$OrderNo$}，订单金额：{$Amount$}元，已由{$Approver$}审核通过！",
                   {"Approver": "审核人"} | _ORDER),
    SystemTemplate("purchase_submitted", "采购进货单审核提醒",
                   "{$Submitter$}提交了一张采购进货单：{$DocumentNo$}，金额：{$Amount$}元，等待您的审核！", _DOCUMENT),
    SystemTemplate("purchase_return_submitted", "采购退货单审核提醒",
                   "{$Submitter$}提交了一张采购退货单：{$DocumentNo$}，金额：{$Amount$}元，等待您的审核！", _DOCUMENT),
    SystemTemplate("stocktake_submitted", "库存盘点单审核提醒",
                   "{$Submitter$}提交了一张库存盘点单：{$DocumentNo$}，等待您的审核！", _DOCUMENT),
    SystemTemplate("contract_end_customer", "合同到期客户提醒",
                   "尊敬的客户{$ContactName$}您好，您与我公司签订的合同将于{$ContractEnd$}到期，请安排相关事宜，谢谢！",
                   {"ContactName": "客户主联系人", "CustomerName": "客户名称", "ContractEnd": "合同到期日"}),
    SystemTemplate("contract_end_owner", "合同到期负责人提醒",
                   "您负责的客户：{$CustomerName$}，合同期至{$ContractEnd$}，还剩余{$DaysLeft$}天，请安排相关事宜！",
                   {"CustomerName": "客户名称", "ContractEnd": "合同到期日", "DaysLeft": "剩余天数",
                    "ContactName": "客户主联系人"}),
    SystemTemplate("birthday_customer", "客户生日提醒", "{$ContactName$}您好，{$Birthday$}是您的生日，祝您生日快乐！",
                   {"ContactName": "客户主联系人", "CustomerName": "客户名称", "Birthday": "生日（如 农历03-20）"}),
    SystemTemplate("birthday_owner", "客户生日负责人提醒", "{$Birthday$}是{$CustomerName$}{$ContactName$}的生日！",
                   {"ContactName": "客户主联系人", "CustomerName": "客户名称", "Birthday": "生日（如 农历03-20）"}),
    SystemTemplate("ticket_assigned", "工单分配提醒", "{$Assigner$}分配给您一个工单，{$TicketTitle$}，请及时处理！",
                   {"Assigner": "分配人", "TicketTitle": "工单主题", "TicketNo": "工单编号", "CustomerName": "客户名称"}),
]
BY_CODE = {t.code: t for t in SYSTEM_TEMPLATES}


def seed_system_templates() -> None:
    """Insert the system templates a database lacks (safe to run again; edited texts are kept)."""
    existing = set(db.session.scalars(select(SmsTemplate.code).where(SmsTemplate.code.is_not(None))))
    for order, template in enumerate(SYSTEM_TEMPLATES, start=1):
        if template.code not in existing:
            db.session.add(SmsTemplate(code=template.code, title=template.title, content=template.content,
                                       sort_order=order))
    db.session.flush()


def placeholders_of(template: SmsTemplate) -> dict[str, str]:
    return BY_CODE[template.code].placeholders if template.code in BY_CODE else {}


def save_template(template: SmsTemplate | None, title: str, content: str) -> SmsTemplate:
    """System templates keep their title; their text may use only their own placeholders."""
    content = (content or "").replace("\x00", "").strip()
    title = (title or "").replace("\x00", "").strip()
    if not content:
        raise ValidationFailed("模板内容不能为空")
    if len(content) > MAX_LENGTH:
        raise ValidationFailed(f"模板内容不能超过 {MAX_LENGTH} 个字符")
    if template is not None and template.is_system:
        known = placeholders_of(template)
        unknown = sorted(set(PLACEHOLDER.findall(content)) - set(known))
        if unknown:
            raise ValidationFailed("模板中有不认识的占位符：" + "、".join(f"{{${name}$}}" for name in unknown))
        template.content = content
        db.session.flush()
        return template
    if not title or len(title) > 50:
        raise ValidationFailed("模板标题不能为空，且不能超过 50 个字")
    if template is None:
        template = SmsTemplate(title=title, content=content, sort_order=100)
        db.session.add(template)
    template.title, template.content = title, content
    db.session.flush()
    return template


def delete_template(template: SmsTemplate) -> None:
    if template.is_system:
        raise ValidationFailed(f"“{template.title}”是系统模板，不能删除，只能修改内容")
    db.session.delete(template)
    db.session.flush()


def render(code: str, values: dict[str, object]) -> str:
    """The template's current text with its placeholders filled (unknown ones left out)."""
    content = db.session.scalar(select(SmsTemplate.content).where(SmsTemplate.code == code)) or BY_CODE[code].content
    return tidy(PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), content))


def tidy(text: str) -> str:
    """An empty placeholder between two commas leaves one comma: "已经发货，，单号" -> "已经发货，单号"."""
    return re.sub(r"([，,])\s*[，,]", r"\1", text).strip()


def usable_templates() -> list[SmsTemplate]:
    return list(db.session.scalars(select(SmsTemplate).order_by(SmsTemplate.sort_order, SmsTemplate.id)))
