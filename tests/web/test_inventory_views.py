"""库存管理 through the client: purchases, returns, stocktakes, 付款, the stock queries, permissions, attackers."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from models.inventory import InventoryStatus, Purchase, PurchaseReturn, StockMovement, Stocktake
from models.orders import OrderStatus
from tests.helpers import PASSWORD, login, make_employee, make_role
from tests.inventory_factories import (
    balance,
    make_purchase,
    make_return,
    make_stocktake,
    product,
    supplier,
    warehouse,
)
from tests.order_factories import make_customer, make_order

PENDING, APPROVED = InventoryStatus.PENDING, InventoryStatus.APPROVED


def purchase_form(item, quantity="10", price="100.00", **extra):
    return {"supplier_id": supplier("测试公司").id, "warehouse_id": warehouse().id, "product_id": [item.id],
            "unit_price": [price], "quantity": [quantity], "day": "2026-12-01", "paid": "0", "discount": "0",
            "remark": "", **extra}


def clerk(username, permissions):
    employee = make_employee(username, role=make_role(f"角色-{username}", permissions))
    db.session.commit()
    return employee


def test_menu_and_every_screen_renders(client):
    item = product()
    doc = make_purchase([(item, 10, "100.00")], approve=True)
    back = make_return([(item, 1, "100.00")], approve=True)
    sheet = make_stocktake()
    db.session.commit()
    login(client)
    home = client.get("/").get_data(as_text=True)
    for label in ("库存管理", "采购进货管理", "采购退货管理", "库存盘点管理", "当前库存查询", "库存流水查询"):
        assert label in home, label
    assert home.index("采购进货管理") < home.index("当前库存查询") < home.index("库存流水查询") < home.index("仓库信息管理")
    for url in ("/purchase/", "/purchase-approved/", "/purchase-return/", "/purchase-return-approved/", "/stocktake/",
                "/stocktake-approved/", "/stock/", "/stock-movement/", "/purchase-pages/add",
                f"/purchase-pages/{doc.id}", f"/purchase-pages/{doc.id}/print", f"/purchase-pages/{doc.id}/pay",
                "/purchase-return-pages/add", f"/purchase-return-pages/{back.id}",
                f"/purchase-return-pages/{back.id}/print", "/stocktake-pages/add", f"/stocktake-pages/{sheet.id}",
                f"/stocktake-pages/{sheet.id}/edit", f"/stocktake-pages/{sheet.id}/print",
                "/stock/export.xlsx", "/stock-movement/export.xlsx", "/purchase-approved/export.xlsx"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "捌佰" not in client.get(f"/purchase-pages/{doc.id}/print").get_data(as_text=True)
    assert "壹仟元整" in client.get(f"/purchase-pages/{doc.id}/print").get_data(as_text=True)


def test_add_a_purchase_approve_it_from_the_list_and_see_stock_and_ledger(client):
    item = product("热灸油")
    db.session.commit()
    login(client)
    html = client.post("/purchase-pages/add", data=purchase_form(item, "1000", "15.00", paid="5000"),
                       follow_redirects=True).get_data(as_text=True)
    doc = db.session.scalar(select(Purchase))
    assert doc.status == PENDING and doc.number.startswith("JH") and "等待审核" in html
    assert (doc.payable, doc.paid, doc.debt) == (Decimal("15000.00"), Decimal("5000.00"), Decimal("10000.00"))
    pending = client.get("/purchase/").get_data(as_text=True)
    assert doc.number in pending and "通过审核" in pending and "编辑" in pending
    assert balance(warehouse(), item) is None
    html = client.post(f"/purchase/row-action/approve/{doc.id}", follow_redirects=True).get_data(as_text=True)
    assert "已通过审核，库存已增加" in html
    db.session.expire_all()
    assert db.session.get(Purchase, doc.id).status == APPROVED
    assert doc.number not in client.get("/purchase/").get_data(as_text=True)
    approved = client.get("/purchase-approved/").get_data(as_text=True)
    assert doc.number in approved and "付款" in approved
    stock = client.get("/stock/?search=rjy").get_data(as_text=True)
    assert "1000.00" in stock and "15.0000" in stock and "15000.00" in stock
    ledger = client.get("/stock-movement/").get_data(as_text=True)
    assert "采购进货" in ledger and f'/purchase-pages/{doc.id}"' in ledger


def test_bulk_approval_reports_each_document(client):
    item = product()
    first, second = make_purchase([(item, 1, "10.00")]), make_purchase([(item, 2, "10.00")])
    done = make_purchase([(item, 3, "10.00")], approve=True)
    db.session.commit()
    login(client)
    html = client.post("/purchase/action/", data={"action": "approve", "rowid": [first.id, second.id, done.id]},
                       follow_redirects=True).get_data(as_text=True)
    assert "成功 2 个采购单" in html and "1 个未处理" in html
    assert balance(warehouse(), item).quantity == Decimal("6")


@pytest.mark.parametrize("fields, message", [
    ({"unit_price": ["10.001"]}, "第 1 行：采购单价最多保留两位小数"),
    ({"quantity": ["0"]}, "第 1 行：数量必须大于 0"),
    ({"quantity": ["-3"]}, "第 1 行：数量必须大于 0"),
    ({"product_id": ["abc"]}, "第 1 行：请选择产品"),
    ({"supplier_id": "9" * 30}, "请选择供应商"),
    ({"warehouse_id": "x"}, "请选择仓库"),
    ({"paid": "99999"}, "实付金额与优惠金额之和不能大于应付金额"),
    ({"day": "２０２６-01-01"}, "收货日期格式不正确"),
])
def test_bad_purchase_input_gets_a_message_and_saves_nothing(client, fields, message):
    item = product()
    db.session.commit()
    login(client)
    response = client.post("/purchase-pages/add", data={**purchase_form(item), **fields})
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(Purchase.id)) is None


def test_editing_or_deleting_an_approved_purchase_by_crafted_post_is_refused(client):
    item = product()
    doc = make_purchase([(item, 10, "100.00")], approve=True)
    db.session.commit()
    login(client)
    html = client.post(f"/purchase-pages/{doc.id}/edit", data=purchase_form(item, "999", "1.00"),
                       follow_redirects=True).get_data(as_text=True)
    assert "当前状态为“已审核”，不能修改" in html
    assert "已审核，不能修改" in client.get(f"/purchase-pages/{doc.id}/edit", follow_redirects=True).get_data(as_text=True)
    html = client.post(f"/purchase-pages/{doc.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "不能删除" in html
    html = client.post("/purchase/action/", data={"action": "delete", "rowid": [doc.id]},
                       follow_redirects=True).get_data(as_text=True)
    assert "当前状态为“已审核”，不能删除" in html
    db.session.expire_all()
    kept = db.session.get(Purchase, doc.id)
    assert kept.lines[0].quantity == Decimal("10.000") and balance(warehouse(), item).quantity == Decimal("10")


def test_pending_purchase_edit_and_delete(client):
    item, other = product(), product("奖状机械")
    doc = make_purchase([(item, 1, "10.00")])
    db.session.commit()
    login(client)
    form = purchase_form(item, "2", "11.00")
    form.update(product_id=[item.id, other.id], unit_price=["11.00", "16000.00"], quantity=["2", "1"])
    client.post(f"/purchase-pages/{doc.id}/edit", data=form)
    db.session.expire_all()
    assert db.session.get(Purchase, doc.id).payable == Decimal("16022.00")
    html = client.post("/purchase/action/", data={"action": "delete", "rowid": [doc.id]},
                       follow_redirects=True).get_data(as_text=True)
    assert "已删除 1 个采购单" in html and db.session.get(Purchase, doc.id) is None


def test_payment_within_and_above_the_debt(client):
    doc = make_purchase([(product(), 2, "50.00")], paid="10", approve=True)
    db.session.commit()
    login(client)
    page = client.get(f"/purchase-pages/{doc.id}/pay").get_data(as_text=True)
    assert "90.00" in page
    above = client.post(f"/purchase-pages/{doc.id}/pay", data={"amount": "90.01", "paid_on": "2026-12-01"})
    assert above.status_code == 400 and "付款金额不能大于欠款金额" in above.get_data(as_text=True)
    for amount in ("0", "-5", "1.001", "abc"):
        assert client.post(f"/purchase-pages/{doc.id}/pay", data={"amount": amount}).status_code == 400
    html = client.post(f"/purchase-pages/{doc.id}/pay", data={"amount": "90", "note": "银行转账"},
                       follow_redirects=True).get_data(as_text=True)
    assert "已付款 ¥90.00" in html
    db.session.expire_all()
    assert db.session.get(Purchase, doc.id).debt == Decimal("0.00")
    assert client.get(f"/purchase-pages/{doc.id}/pay").status_code == 404  # nothing owed any more
    pending = make_purchase([(product("录音卡"), 1, "5.00")])
    db.session.commit()
    assert "尚未审核" in client.post(f"/purchase-pages/{pending.id}/pay", data={"amount": "1"}).get_data(as_text=True)


@pytest.mark.parametrize("path", ["abc", "9" * 30, "0", "99999999", "%00", "1.5"])
def test_crafted_ids_are_not_found(client, path):
    login(client)
    for url in (f"/purchase-pages/{path}", f"/purchase-pages/{path}/edit", f"/purchase-pages/{path}/pay",
                f"/purchase-return-pages/{path}", f"/stocktake-pages/{path}", f"/stocktake-pages/{path}/edit"):
        assert client.get(url).status_code == 404, url
    for url in (f"/purchase-pages/{path}/step/approve", f"/purchase-pages/{path}/delete",
                f"/stocktake-pages/{path}/step/approve", f"/purchase/row-action/approve/{path}"):
        assert client.post(url).status_code == 404, url


def test_unknown_step_is_not_found(client):
    doc = make_purchase([(product(), 1, "1.00")])
    db.session.commit()
    login(client)
    assert client.post(f"/purchase-pages/{doc.id}/step/ship").status_code == 404
    assert client.post(f"/purchase/row-action/ship/{doc.id}").status_code == 404


def test_permissions_are_checked_on_every_endpoint(client):
    item = product()
    doc = make_purchase([(item, 1, "10.00")])
    paid_later = make_purchase([(item, 1, "10.00")], approve=True)
    sheet = make_stocktake()
    clerk("viewer", ["purchase.view", "stocktake.view"])
    login(client, "viewer", PASSWORD)
    assert client.get("/purchase/").status_code == 200
    assert client.get(f"/purchase-pages/{doc.id}").status_code == 200
    forbidden_get = ("/purchase-pages/add", f"/purchase-pages/{doc.id}/edit", f"/purchase-pages/{paid_later.id}/pay",
                     f"/purchase-pages/{paid_later.id}/print", "/purchase-pages/lookup/products?q=P",
                     "/purchase/export.xlsx", "/stock/", "/stock-movement/", "/purchase-return/",
                     "/stocktake-pages/add", f"/stocktake-pages/{sheet.id}/edit")
    for url in forbidden_get:
        assert client.get(url).status_code == 403, url
    forbidden_post = (("/purchase-pages/add", purchase_form(item)), (f"/purchase-pages/{doc.id}/step/approve", {}),
                      (f"/purchase/row-action/approve/{doc.id}", {}), (f"/purchase-pages/{doc.id}/delete", {}),
                      (f"/purchase-pages/{paid_later.id}/pay", {"amount": "1"}),
                      ("/purchase/action/", {"action": "approve", "rowid": [doc.id]}),
                      (f"/stocktake-pages/{sheet.id}/step/approve", {}))
    for url, data in forbidden_post:
        assert client.post(url, data=data).status_code == 403, url
    db.session.expire_all()
    assert db.session.get(Purchase, doc.id).status == PENDING
    assert db.session.get(Stocktake, sheet.id).status == PENDING
    assert db.session.get(Purchase, paid_later.id).debt == Decimal("10.00")


def test_product_picker_shows_last_price_and_stock(client):
    item = product("热灸油")
    make_purchase([(item, 900, "15.00")], approve=True)
    make_purchase([(item, 100, "16.50")], approve=True)
    make_purchase([(item, 5, "99.00")])  # pending: not a 上次进价
    db.session.commit()
    login(client)
    found = client.get(f"/purchase-pages/lookup/products?q=rjy&warehouse_id={warehouse().id}").get_json()["results"]
    assert [(r["code"], r["last_price"], r["stock"]) for r in found] == [(item.code, "16.50", "1000.00")]
    assert client.get("/purchase-pages/lookup/products?q=").get_json()["results"] == []
    assert client.get("/purchase-pages/lookup/products?q=%25&warehouse_id=abc").status_code == 200


def test_purchase_return_moves_stock_out_at_the_average(client):
    item = product()
    make_purchase([(item, 10, "100.00")], approve=True)
    make_purchase([(item, 10, "130.00")], approve=True)
    db.session.commit()
    login(client)
    form = purchase_form(item, "4", "130.00")
    html = client.post("/purchase-return-pages/add", data=form, follow_redirects=True).get_data(as_text=True)
    back = db.session.scalar(select(PurchaseReturn))
    assert back.number.startswith("TH") and "等待审核" in html
    client.post(f"/purchase-return-pages/{back.id}/step/approve")
    row = balance(warehouse(), item)
    assert (row.quantity, row.average_cost) == (Decimal("16"), Decimal("115"))
    ledger = client.get("/stock-movement/?flt0_1=purchase_return").get_data(as_text=True)
    assert "采购退货" in ledger and back.number in ledger and "采购进货" not in ledger.split("</thead>")[1]


def test_stocktake_start_count_and_approve(client):
    item, other = product("测试产品"), product("奖状机械")
    make_purchase([(item, 9, "20.00"), (other, 10, "100.00")], approve=True)
    db.session.commit()
    login(client)
    response = client.post("/stocktake-pages/add", data={"warehouse_id": warehouse().id})
    sheet = db.session.scalar(select(Stocktake))
    assert response.status_code == 302 and sheet.number.startswith("PD")
    lines = {line.product_id: line for line in sheet.lines}
    page = client.get(f"/stocktake-pages/{sheet.id}/edit").get_data(as_text=True)
    assert "账面库存" in page and "9.00" in page
    bad = client.post(f"/stocktake-pages/{sheet.id}/edit", data={f"actual_{lines[item.id].id}": "-1"})
    assert bad.status_code == 400 and "实际库存不能为负数" in bad.get_data(as_text=True)
    client.post(f"/stocktake-pages/{sheet.id}/edit", data={f"actual_{lines[item.id].id}": "10",
                                                           f"actual_{lines[other.id].id}": "6"})
    detail = client.get(f"/stocktake-pages/{sheet.id}").get_data(as_text=True)
    assert "盘正" in detail and "盘负" in detail and "相符 0，盘正 1，盘负 1" in detail
    make_order(make_customer(), lines=[(item, "1", "30.00")], status=OrderStatus.SHIPPED)
    db.session.commit()
    assert "又发生了 1 笔库存变动" in client.get(f"/stocktake-pages/{sheet.id}").get_data(as_text=True)
    html = client.post(f"/stocktake-pages/{sheet.id}/step/approve", follow_redirects=True).get_data(as_text=True)
    assert "已通过审核" in html and "有 1 笔库存变动" in html
    assert balance(warehouse(), item).quantity == Decimal("9") and balance(warehouse(), other).quantity == Decimal("6")
    kinds = {m.kind.label for m in db.session.scalars(select(StockMovement).where(StockMovement.doc_type == "stocktake"))}
    assert kinds == {"库存盘正", "库存盘负"}
    assert "不能修改" in client.post(f"/stocktake-pages/{sheet.id}/edit", data={f"actual_{lines[item.id].id}": "1"},
                                  follow_redirects=True).get_data(as_text=True)
    assert "不能删除" in client.post(f"/stocktake-pages/{sheet.id}/delete", follow_redirects=True).get_data(as_text=True)


def test_stocktake_of_a_disabled_warehouse_is_refused(client):
    product()
    closed = warehouse("旧仓库", enabled=False)
    db.session.commit()
    login(client)
    html = client.post("/stocktake-pages/add", data={"warehouse_id": closed.id}).get_data(as_text=True)
    assert "仓库“旧仓库”已停用，不能办理库存盘点" in html
    assert "旧仓库" not in client.get("/stocktake-pages/add").get_data(as_text=True).split("warehouse_id")[1][:2000]
    assert db.session.scalar(select(Stocktake.id)) is None
    sheet = make_stocktake(warehouse("北京仓库"))
    sheet.warehouse.is_enabled = False
    db.session.commit()
    html = client.post(f"/stocktake-pages/{sheet.id}/step/approve", follow_redirects=True).get_data(as_text=True)
    assert "已停用" in html
    db.session.expire_all()
    assert db.session.get(Stocktake, sheet.id).status == PENDING


def test_current_stock_negative_in_red_totals_and_search(client):
    item, other = product("网络眼", code="ZT1300"), product("录音卡", code="PD00011")
    make_purchase([(other, 60, "300.00")], approve=True)
    make_order(make_customer(), lines=[(item, "10", "500.00")],
               status=OrderStatus.SHIPPED)
    db.session.commit()
    login(client)
    html = client.get("/stock/").get_data(as_text=True)
    assert 'class="text-danger crm-negative">-10.00' in html
    assert "合计" in html and "50.00" in html and "18000.00" in html  # 60 - 10 units, value 18000 + 0
    only = client.get("/stock/?search=lyk").get_data(as_text=True)
    assert "PD00011" in only and "ZT1300" not in only
    sale = client.get("/stock-movement/?search=ZT1300").get_data(as_text=True)
    assert "销售出库" in sale and "/order/" in sale
    exact = client.get("/stock-movement/?flt0_2=ZT130").get_data(as_text=True)
    assert "ZT1300" not in exact.split("</thead>")[1]


def test_sms_to_the_approvers_only_when_ticked(client, monkeypatch):
    from app.services.sms import notices

    sent = []
    monkeypatch.setattr(notices, "document_submitted", lambda *args: sent.append(args))
    item = product()
    db.session.commit()
    login(client)
    client.post("/purchase-pages/add", data=purchase_form(item))
    assert sent == []
    client.post("/purchase-pages/add", data=purchase_form(item, notify_approvers="1"))
    doc = db.session.scalars(select(Purchase).order_by(Purchase.id.desc())).first()
    assert [(kind, number, amount, permission) for kind, _id, number, amount, _who, permission in sent] == [
        ("purchase", doc.number, Decimal("1000.00"), "purchase.approve")]
    client.post("/purchase-return-pages/add", data=purchase_form(item, "1", "5.00", notify_approvers="1"))
    sheet = make_stocktake()
    db.session.commit()
    client.post(f"/stocktake-pages/{sheet.id}/edit", data={"notify_approvers": "1"})
    assert [args[0] for args in sent] == ["purchase", "purchase_return", "stocktake"]


def test_purchase_history_of_a_product(client):
    item = product("热灸油")
    first = make_purchase([(item, 900, "15.00")], approve=True)
    second = make_purchase([(item, 100, "16.50")])
    db.session.commit()
    login(client)
    found = client.get(f"/purchase-pages/lookup/history?product_id={item.id}").get_json()["results"]
    assert [(r["number"], r["unit_price"], r["status"]) for r in found] == [
        (second.number, "16.50", "待审核"), (first.number, "15.00", "已审核")]
    assert client.get("/purchase-pages/lookup/history?product_id=abc").status_code == 404
    clerk("nobody", ["purchase.view"])
    other = client.application.test_client()
    login(other, "nobody", PASSWORD)
    assert other.get(f"/purchase-pages/lookup/history?product_id={item.id}").status_code == 403


def _stock_sums(html: str) -> dict[str, str]:
    row = html.split('id="order-sums"')[1].split("</tr>")[0]
    return {name: row.split(f'data-sum="{name}">')[1].split("</td>")[0] for name in ("quantity", "value")}


def test_current_stock_totals_follow_the_warehouse_filter(client):
    north = warehouse("北仓")
    item, other = product("网络眼", code="ZT1301"), product("录音卡", code="PD00012")
    make_purchase([(item, 7, "11.00"), (other, 5, "20.00")], approve=True)  # default warehouse: 12 units, 177.00
    make_purchase([(item, 3, "30.00")], store=north, approve=True)  # 北仓: 3 units, 90.00
    make_order(make_customer(), lines=[(other, "8", "50.00")], status=OrderStatus.SHIPPED)  # 5 - 8 = -3 at 20.00
    db.session.commit()
    login(client)
    assert _stock_sums(client.get(f"/stock/?flt0_0={north.id}").get_data(as_text=True)) == \
        {"quantity": "3.00", "value": "90.00"}
    default = _stock_sums(client.get(f"/stock/?flt0_0={warehouse().id}").get_data(as_text=True))
    assert default == {"quantity": "4.00", "value": "17.00"}  # 7 x 11.00 + (-3) x 20.00
    everything = _stock_sums(client.get("/stock/").get_data(as_text=True))
    assert everything == {"quantity": "7.00", "value": "107.00"}
    both = _stock_sums(client.get(f"/stock/?flt0_0={north.id}&search=ZT1301").get_data(as_text=True))
    assert both == {"quantity": "3.00", "value": "90.00"}
