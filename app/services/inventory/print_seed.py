"""Default 采购进货单, 采购退货单 and 盘点单 templates (seeded with the order ones, app/services/orders/seed.py),
laid out like the pages they replace: the supplier block, the lines, the RMB uppercase total."""

from app.services.orders.seed import _CELL, _TABLE, LINES_WITH_SUBTOTAL
from models.print_templates import TemplateKind


def _header(title: str, day_label: str) -> str:
    return f"""<h2 style="text-align:center;margin:0">{title}</h2>
<table {_TABLE}><tr><td>供方：{{$SupplierName$}}</td><td style="text-align:right">单号：{{$DocCode$}}</td></tr>
<tr><td>供方联系：{{$SupplierContact$}} {{$SupplierPhone$}}</td><td style="text-align:right">{day_label}：{{$DocDate$}}</td></tr>
<tr><td>仓库：{{$Warehouse$}}</td><td style="text-align:right">经办人：{{$CreatedBy$}}</td></tr></table>"""


DOCUMENT_LINES = LINES_WITH_SUBTOTAL  # the same 产品明细 as the order templates

PURCHASE_FOOTER = "<p>实付金额：{$PaidAmount$}　优惠金额：{$Discount$}　欠款金额：{$DebtAmount$}　审核人：{$ApprovedBy$}</p>"
RETURN_FOOTER = "<p>审核人：{$ApprovedBy$}　　供方签收：</p>"

STOCKTAKE_HEADER = f"""<h2 style="text-align:center;margin:0">库存盘点单</h2>
<table {_TABLE}><tr><td>盘点仓库：{{$Warehouse$}}</td><td style="text-align:right">盘点单号：{{$DocCode$}}</td></tr>
<tr><td>经办人：{{$CreatedBy$}}</td><td style="text-align:right">盘点日期：{{$DocDate$}}</td></tr></table>
<p>直接对如下产品进行库存盘点：</p>"""

STOCKTAKE_LINES = f"""<table {_TABLE}>
<thead><tr><th {_CELL}>序号</th><th {_CELL}>产品名称</th><th {_CELL}>产品规格</th><th {_CELL}>单位</th>
<th {_CELL}>账面库存</th><th {_CELL}>实际库存</th><th {_CELL}>盘差数量</th><th {_CELL}>盘点结果</th></tr></thead>
<tbody><tr><td {_CELL}>{{$RowNo$}}</td><td {_CELL}>{{$ProductName$}}</td><td {_CELL}>{{$ProductSpec$}}</td>
<td {_CELL}>{{$ProductUnit$}}</td><td {_CELL}>{{$BookQuantity$}}</td><td {_CELL}>{{$ActualQuantity$}}</td>
<td {_CELL}>{{$Difference$}}</td><td {_CELL}>{{$Result$}}</td></tr></tbody></table>"""

STOCKTAKE_FOOTER = ("<p>盘点结果：相符 {$MatchCount$}，盘正 {$GainCount$}，盘负 {$LossCount$}　审核人：{$ApprovedBy$}</p>"
                    "<p>备注：{$Remark$}</p><p>本盘点单只供参考使用，不作其它凭证。</p>")

DEFAULTS = [
    (TemplateKind.PURCHASE, "默认采购进货单", _header("采购进货单", "收货日期"), DOCUMENT_LINES, PURCHASE_FOOTER),
    (TemplateKind.PURCHASE_RETURN, "默认采购退货单", _header("采购退货单", "退货日期"), DOCUMENT_LINES, RETURN_FOOTER),
    (TemplateKind.STOCKTAKE, "默认盘点单", STOCKTAKE_HEADER, STOCKTAKE_LINES, STOCKTAKE_FOOTER),
]
