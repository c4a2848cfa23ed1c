"""Default print templates of a new installation, laid out like the manual's figures 5-8 and 5-16."""

from sqlalchemy import select

from app.extensions import db
from models.print_templates import PrintTemplate, TemplateKind

_TABLE = 'style="width:100%;border-collapse:collapse;font-size:13px"'
_CELL = 'style="border:1px solid #333;padding:4px"'

LINES_WITH_SUBTOTAL = f"""<table {_TABLE}>
<thead><tr><th {_CELL}>序号</th><th {_CELL}>产品编号</th><th {_CELL}>产品名称</th><th {_CELL}>产品规格</th>
<th {_CELL}>单位</th><th {_CELL}>单价</th><th {_CELL}>数量</th><th {_CELL}>小计</th></tr></thead>
<tbody><tr><td {_CELL}>{{$RowNo$}}</td><td {_CELL}>{{$ProductCode$}}</td><td {_CELL}>{{$ProductName$}}</td>
<td {_CELL}>{{$ProductSpec$}}</td><td {_CELL}>{{$ProductUnit$}}</td><td {_CELL}>{{$UnitPrice$}}</td>
<td {_CELL}>{{$Quantity$}}</td><td {_CELL}>{{$Subtotal$}}</td></tr></tbody>
<tfoot><tr><td {_CELL} colspan="8">备注：{{$Remark$}}</td></tr>
<tr><td {_CELL} colspan="6">合计金额大写：{{$TotalAmountUpper$}}</td>
<td {_CELL} colspan="2" align="right">¥{{$TotalAmount$}}</td></tr>
</tfoot></table>"""

PICKING_HEADER = f"""<table {_TABLE}><tr>
<td style="width:30%"></td><td style="width:40%;text-align:center"><h2 style="margin:0">配货单</h2></td>
<td style="width:30%">订单编号：{{$OrderCode$}}<br>订单日期：{{$OrderDate$}}</td></tr></table>
<table {_TABLE}><tr><td style="padding:6px 0">收货人：{{$Receiver$}} {{$ReceiverMobile$}}</td>
<td style="padding:6px 0">收货地址：{{$ReceiverAddress$}}</td></tr></table>"""

PICKING_LINES = f"""<table {_TABLE}>
<thead><tr><th {_CELL}>序号</th><th {_CELL}>产品编号</th><th {_CELL}>产品名称</th><th {_CELL}>产品规格</th>
<th {_CELL}>单位</th><th {_CELL}>单价</th><th {_CELL}>数量</th></tr></thead>
<tbody><tr><td {_CELL}>{{$RowNo$}}</td><td {_CELL}>{{$ProductCode$}}</td><td {_CELL}>{{$ProductName$}}</td>
<td {_CELL}>{{$ProductSpec$}}</td><td {_CELL}>{{$ProductUnit$}}</td><td {_CELL}>{{$UnitPrice$}}</td>
<td {_CELL}>{{$Quantity$}}</td></tr></tbody>
<tfoot><tr><td {_CELL} colspan="7">备注：{{$Remark$}}</td></tr>
<tr><td {_CELL} colspan="5">合计金额大写：{{$TotalAmountUpper$}}</td>
<td {_CELL} colspan="2" align="right">¥{{$TotalAmount$}}</td></tr>
</tfoot></table>"""

PICKING_FOOTER = "<p>说明：对配货单信息如有疑问，请拨打电话 0379-65508337</p>"

SHIPPING_HEADER = f"""<h2 style="text-align:center;margin:0">发货单</h2>
<table {_TABLE}><tr><td>订单编号：{{$OrderCode$}}</td><td style="text-align:right">发货日期：{{$ShipDate$}}</td></tr></table>
<table {_TABLE}>
<tr><td {_CELL} colspan="2" style="border:1px solid #333;padding:4px;text-align:center"><strong>货运单</strong></td></tr>
<tr><td {_CELL}>运输形式 □汽运 □航空 □快递 □铁路 □其他</td><td {_CELL}>发货类型 □发货 □退货 □常规 □理赔</td></tr>
<tr><td {_CELL}>订购方/PURCHASE：<br>名称/NAME：{{$CustomerName$}}<br>地址/ADDRESS：{{$ReceiverAddress$}}<br>
电话/TEL：{{$ReceiverMobile$}} {{$ReceiverPhone$}}<br>传真/FAX：<br>联系人：{{$Receiver$}}</td>
<td {_CELL}>供应商/VENDOR：<br>名称/NAME：（请在模板管理中填写贵公司名称）
<br>地址/ADDRESS：<br>电话/TEL：<br>传真/FAX：<br>联系人：</td></tr>
</table>"""

SHIPPING_FOOTER = f"""<p>说明：<br>
1. 此单一式三份，送单联（黄）交运输公司转订购方，仓库联（红）仓库留用，存根联（白）营销部留用；<br>
2. 运输公司确保货物无丢损交付订购方，其途中由于运输不当造成的丢损费用按运输协议理赔；</p>
<table {_TABLE}><tr><td>订购方盖章：<br>日期：</td><td>供应商盖章：<br>日期：</td><td>承运商盖章：<br>日期：</td>
<td>物流公司：{{$LogisticsCompany$}}<br>物流单号：{{$TrackingNumber$}}</td></tr></table>"""

QUOTE_HEADER = f"""<h2 style="text-align:center;margin:0">报价单</h2>
<table {_TABLE}><tr><td>报价单号：{{$QuoteCode$}}</td><td style="text-align:right">报价日期：{{$QuoteDate$}}</td></tr>
<tr><td>客户名称：{{$CustomerName$}}</td><td style="text-align:right">联系人：{{$ContactName$}} {{$ContactPhone$}}</td></tr>
</table>"""

QUOTE_FOOTER = "<p>报价人：{$OwnerName$}　　本报价自报价日期起 30 日内有效。</p>"

DEFAULTS = [
    (TemplateKind.PICKING, "默认配货单", PICKING_HEADER, PICKING_LINES, PICKING_FOOTER),
    (TemplateKind.SHIPPING, "默认发货单", SHIPPING_HEADER, LINES_WITH_SUBTOTAL, SHIPPING_FOOTER),
    (TemplateKind.QUOTE, "默认报价单", QUOTE_HEADER, LINES_WITH_SUBTOTAL.replace("{$Remark$}", "{$Remark$}"),
     QUOTE_FOOTER),
]


def seed_print_templates() -> None:
    """One default template per kind, only where that kind has none yet (inventory kinds included)."""
    from app.services.inventory.print_seed import DEFAULTS as INVENTORY_DEFAULTS

    for kind, name, header, lines, footer in DEFAULTS + INVENTORY_DEFAULTS:
        if db.session.scalar(select(PrintTemplate.id).where(PrintTemplate.kind == kind).limit(1)):
            continue
        db.session.add(PrintTemplate(kind=kind, name=name, header_html=header, lines_html=lines,
                                     footer_html=footer, is_default=True))
    db.session.flush()
