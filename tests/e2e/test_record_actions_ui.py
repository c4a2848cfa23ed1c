"""Actions next to records in the browser (issue 11, item 10): 联系记录 删除 with its confirmation, 合同文档 编辑,
and picking a product by 产品类别 while adding an order."""

import io

from playwright.sync_api import expect
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.services.customer_demo import make_customer
from app.services.customers import documents
from app.services.customers.followups import add_follow_up
from models.customers import FollowUp
from models.products import ProductCategory
from tests.helpers import admin
from tests.order_factories import make_product


def test_delete_a_follow_up_after_confirming_and_edit_a_document(admin_page, live):
    customer = make_customer(admin(), name="宁波港城贸易有限公司")
    add_follow_up(customer, {"content": "电话回访，客户满意", "kind": "revisit"}, admin())
    db.session.commit()
    page = admin_page
    page.goto(f"{live}/customer/details/?id={customer.id}")
    messages = []
    page.on("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
    page.click("#follow-up-table .follow-up-delete button")
    expect(page.locator("#follow-up-table")).to_contain_text("暂无联系记录")
    assert messages and "确定删除" in messages[0]
    assert db.session.scalar(select(func.count(FollowUp.id))) == 0
    documents.add_document(customer, "年度合同", "合同文档", None,
                           [FileStorage(io.BytesIO("开票信息".encode()), "说明.txt")], admin())
    db.session.commit()
    page.goto(f"{live}/customer/details/?id={customer.id}&fpage=0#tab-documents")  # a new URL: reloads
    page.click("#document-table .document-edit")
    page.fill("#doc-name", "2027 年度合同")
    page.fill("#doc-description", "续签三年")
    page.click("#save-document")
    expect(page.locator(".alert")).to_contain_text("文档已保存")
    expect(page.locator("#document-table")).to_contain_text("2027 年度合同")
    expect(page.locator("#document-table")).to_contain_text("续签三年")


def test_pick_a_product_by_category_when_adding_an_order(admin_page, live):
    food = ProductCategory(name="食品添加剂", sort_order=1)
    db.session.add(food)
    db.session.flush()
    make_product("蛋白糖100倍", "40.00", code="P30").category_id = food.id
    make_product("冲击电钻", "199.00", code="P31")
    customer = make_customer(admin(), name="宁波港城贸易有限公司")
    db.session.commit()
    page = admin_page
    page.goto(f"{live}/order/new?customer_id={customer.id}")
    page.wait_for_load_state("load")
    page.select_option("#product-category", label="食品添加剂")
    page.click("#line-body .product-search")
    results = page.locator("#line-body .product-results .lookup-item")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("蛋白糖100倍")
    results.first.click()
    expect(page.locator("#line-body .line-price").first).to_have_value("40.00")
    page.screenshot(path="/tmp/daily-order-category.png", full_page=True)
