"""Chapter-3 lookups through the admin screens: defaults, trees, built-ins, bad input."""

from sqlalchemy import func, select

from models.base_data import CustomerCategory, CustomerSource, Department, LogisticsCompany, Warehouse
from tests.helpers import login


def _default_names(db, model):
    return db.session.scalars(select(model.name).where(model.is_default.is_(True))).all()


def test_seeded_defaults_match_the_manual(client, db):
    login(client)
    page = client.get("/customer-category/").get_data(as_text=True)
    for name in ["潜在客户", "意向客户", "正式客户", "流失客户", "无意向客户"]:
        assert name in page
    assert _default_names(db, CustomerCategory) == ["潜在客户"]
    assert _default_names(db, CustomerSource) == ["主动开拓"]
    assert "无需物流" in client.get("/logistics/").get_data(as_text=True)


def test_setting_a_default_category_clears_the_previous_one(client, db):
    login(client)
    target = db.session.scalar(select(CustomerCategory).where(CustomerCategory.name == "正式客户"))
    response = client.post(f"/customer-category/row-action/make_default/{target.id}", follow_redirects=True)
    assert "已将“正式客户”设为默认" in response.get_data(as_text=True)
    db.session.expire_all()
    assert _default_names(db, CustomerCategory) == ["正式客户"]


def test_saving_a_new_default_source_through_the_form_clears_the_old(client, db):
    login(client)
    client.post("/customer-source/new/", data={"name": "微信朋友圈", "sort_order": "9", "is_default": "y"})
    assert _default_names(db, CustomerSource) == ["微信朋友圈"]


def test_required_and_overlong_names_are_refused_without_saving(client, db):
    login(client)
    before = db.session.scalar(select(func.count(CustomerCategory.id)))
    page = client.post("/customer-category/new/", data={"name": ""}).get_data(as_text=True)
    assert "名称不能为空" in page
    page = client.post("/customer-category/new/", data={"name": "长" * 51}).get_data(as_text=True)
    assert "名称不能超过 50 个字" in page
    page = client.post("/customer-category/new/", data={"name": "正常", "sort_order": "-1"}).get_data(as_text=True)
    assert "排序值须为 0 到 999999 的整数" in page
    assert db.session.scalar(select(func.count(CustomerCategory.id))) == before


def test_duplicate_category_name_is_refused_with_a_message(client, db):
    login(client)
    page = client.post("/customer-category/new/", data={"name": "潜在客户"}, follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "保存失败，请根据提示修改后重试" in text and "已经存在" in text
    assert db.session.scalar(select(func.count()).where(CustomerCategory.name == "潜在客户")) == 1


def test_department_tree_refuses_its_own_child_as_parent(client, db):
    login(client)
    sales = db.session.scalar(select(Department).where(Department.name == "销售部"))
    child = db.session.scalar(select(Department).where(Department.name == "销售一部"))
    page = client.post(f"/department/edit/?id={sales.id}", data={"name": "销售部", "parent": str(child.id)},
                       follow_redirects=True).get_data(as_text=True)
    assert "不能选择自身或自身的下级作为上级部门" in page
    db.session.expire_all()
    assert db.session.get(Department, sales.id).parent_id is None


def test_department_list_shows_the_hierarchy(client, db):
    login(client)
    page = client.get("/department/").get_data(as_text=True)
    assert page.index("销售部") < page.index("└ 销售一部") < page.index("└ 销售二部")


def test_builtin_no_shipping_cannot_be_renamed_or_deleted(client, db):
    login(client)
    builtin = db.session.scalar(select(LogisticsCompany).where(LogisticsCompany.is_builtin.is_(True)))
    page = client.post(f"/logistics/edit/?id={builtin.id}", data={"name": "自提", "sort_order": "11"},
                       follow_redirects=True).get_data(as_text=True)
    assert "系统内置的“无需物流”不能修改名称" in page
    page = client.post("/logistics/delete/", data={"id": str(builtin.id)}, follow_redirects=True).get_data(as_text=True)
    assert "系统内置的“无需物流”不能删除" in page
    db.session.expire_all()
    assert db.session.get(LogisticsCompany, builtin.id).name == "无需物流"


def test_new_logistics_company_records_the_operator(client, db):
    login(client)
    client.post("/logistics/new/", data={"name": "韵达快递", "contact": "张先生", "phone": "0379-6141242",
                                         "sort_order": "1"})
    company = db.session.scalar(select(LogisticsCompany).where(LogisticsCompany.name == "韵达快递"))
    assert company.operator_name == "系统管理员"
    page = client.get("/logistics/").get_data(as_text=True)
    assert page.index("韵达快递") < page.index("无需物流")  # 排序值 1 before 11


def test_disabled_warehouse_cannot_be_default(client, db):
    login(client)
    page = client.post("/warehouse/new/", data={"name": "二号仓", "is_default": "y", "sort_order": "2"},
                       follow_redirects=True).get_data(as_text=True)
    assert "停用的仓库不能设为默认" in page
    assert db.session.scalar(select(func.count()).where(Warehouse.name == "二号仓")) == 0
    assert _default_names(db, Warehouse) == ["默认仓库"]


def test_supplier_default_and_export(client, db):
    login(client)
    client.post("/supplier/new/", data={"name": "=HYPERLINK(\"x\")公司", "contact": "王五", "is_default": "y"})
    client.post("/supplier/new/", data={"name": "华南供应链", "is_default": "y"})
    from models.base_data import Supplier

    assert _default_names(db, Supplier) == ["华南供应链"]
    import io

    from openpyxl import load_workbook

    response = client.get("/supplier/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "=HYPERLINK(\"x\")公司" in names  # exactly as typed, written as text (tests/security/test_export_cells.py)
