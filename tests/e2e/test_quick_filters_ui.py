"""One-click filters (issue 11, item 8): 客户类别 / 客户来源 on 客户资料管理 and 所属部门 on 员工信息管理 are one dropdown
each that applies at once."""

from playwright.sync_api import expect

from app.extensions import db
from app.services.customer_demo import make_customer
from models.base_data import CustomerCategory, CustomerSource, Department
from tests.helpers import admin, make_employee


def choose(page, label, option):
    """Pick an entry of a one-click filter; the list reloads at once."""
    page.wait_for_load_state()  # crm-ui.js, at the end of the page, listens for the change
    with page.expect_navigation():
        page.locator(f"select[aria-label='{label}']").select_option(label=f"{label}：{option}")


def _category(name):
    row = CustomerCategory(name=name, sort_order=90)
    db.session.add(row)
    db.session.flush()
    return row


def test_customer_category_and_source_apply_at_once(admin_page, live):
    vip, plain = _category("钻石客户"), _category("试用客户")
    fair = CustomerSource(name="展会名片", sort_order=90)
    db.session.add(fair)
    db.session.flush()
    make_customer(admin(), name="上海钻石贸易有限公司", category_id=vip.id, source_id=fair.id)
    make_customer(admin(), name="杭州试用科技有限公司", category_id=plain.id, source_id=fair.id)
    make_customer(admin(), name="苏州钻石电子有限公司", category_id=vip.id)
    db.session.commit()
    page = admin_page
    page.click("text=客户资料管理")
    rows = page.locator("table.model-list tbody")
    choose(page, "客户类别", "钻石客户")
    expect(rows).to_contain_text("上海钻石贸易有限公司")
    expect(rows).to_contain_text("苏州钻石电子有限公司")
    expect(rows).not_to_contain_text("杭州试用科技有限公司")
    expect(page.locator("select[aria-label='客户类别']")).to_have_value(str(vip.id))
    choose(page, "客户来源", "展会名片")  # adds to the category
    expect(rows).not_to_contain_text("苏州钻石电子有限公司")
    expect(rows).to_contain_text("上海钻石贸易有限公司")
    choose(page, "客户类别", "全部")
    expect(rows).to_contain_text("杭州试用科技有限公司")
    expect(rows).not_to_contain_text("苏州钻石电子有限公司")  # the source filter stays


def test_employee_department_applies_at_once(admin_page, live):
    sales, service = Department(name="华东销售部", sort_order=90), Department(name="华南维修部", sort_order=91)
    db.session.add_all([sales, service])
    db.session.flush()
    make_employee("huadong", real_name="华东王经理").department_id = sales.id
    make_employee("shouhou", real_name="售后李工").department_id = service.id
    db.session.commit()
    page = admin_page
    page.goto(live + "/employee/")
    choose(page, "所属部门", "华南维修部")
    rows = page.locator("table.model-list tbody")
    expect(rows).to_contain_text("售后李工")
    expect(rows).not_to_contain_text("华东王经理")
    page.screenshot(path="/tmp/daily-employee-filter.png", full_page=True)
