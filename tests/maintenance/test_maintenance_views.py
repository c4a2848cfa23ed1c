"""数据备份还原, 系统初始化 and 系统操作日志 through the test client: what a user sees, and what attackers get."""

import io
import tarfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.services.maintenance import catalogue
from models.customers import Customer
from models.maintenance import AuditEntry
from tests.helpers import ADMIN_PASSWORD, PASSWORD, login, make_employee, make_role
from tests.maintenance.conftest import *  # noqa: F403
from tests.maintenance.data import build_business


def _backup(client):
    response = client.post("/backup/backup", follow_redirects=True)
    assert response.status_code == 200
    return catalogue.all_backups()[0], response.get_data(as_text=True)


def test_backup_now_lists_a_verified_backup_that_downloads(client, db, maintenance_dirs):
    login(client)
    record, page = _backup(client)
    assert "备份成功" in page and f"{record.filename}" in page and "已校验" in page
    assert f'href="/backup/download/{record.name}"' in page
    response = client.get(f"/backup/download/{record.name}")
    assert response.status_code == 200
    assert f"{record.name}.bak" in response.headers["Content-Disposition"]
    with tarfile.open(fileobj=io.BytesIO(response.data)) as tar:
        assert "manifest.json" in tar.getnames()
    response.close()


def test_restore_needs_password_and_name_and_then_restores(client, db, maintenance_dirs):
    build_business(2)
    login(client)
    record, _ = _backup(client)
    build_business(1)
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 3
    page = client.get(f"/backup/restore/{record.name}").get_data(as_text=True)
    assert "请输入您的登录密码" in page and record.name in page

    wrong = client.post(f"/backup/restore/{record.name}", data={"password": "nope", "confirm_name": record.name})
    assert "登录密码不正确" in wrong.get_data(as_text=True)
    typo = client.post(f"/backup/restore/{record.name}", data={"password": ADMIN_PASSWORD, "confirm_name": "x"})
    assert f"请输入“{record.name}”" in typo.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 3

    done = client.post(f"/backup/restore/{record.name}", data={"password": ADMIN_PASSWORD,
                                                                "confirm_name": record.name}, follow_redirects=True)
    assert done.status_code == 200
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 2
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "restore")) is not None


@pytest.mark.parametrize("name", ["abc", "99999999999999", "2026120120000", "1" * 10000, "2026%00", "..%2F..%2Fetc"])
def test_crafted_backup_names_are_404(client, db, maintenance_dirs, name):
    login(client)
    assert client.get(f"/backup/download/{name}").status_code == 404
    assert client.get(f"/backup/restore/{name}").status_code == 404
    assert client.post(f"/backup/restore/{name}", data={"password": ADMIN_PASSWORD}).status_code == 404


def test_every_endpoint_needs_its_permission(client, db, maintenance_dirs):
    login(client)
    record, _ = _backup(client)
    client.post("/logout")
    role = make_role("只能查看备份", ["backup.view", "system_init.view", "audit_log.view"])
    make_employee("viewer", role=role)
    db.session.commit()
    login(client, "viewer", PASSWORD)
    page = client.get("/backup/").get_data(as_text=True)
    assert record.filename in page and "备份数据库</button>" not in page and "【下载】" not in page
    assert client.post("/backup/backup").status_code == 403
    assert client.get(f"/backup/download/{record.name}").status_code == 403
    assert client.get(f"/backup/restore/{record.name}").status_code == 403
    assert client.post(f"/backup/restore/{record.name}", data={"password": PASSWORD}).status_code == 403
    assert client.post("/system-init/preview", data={"groups": "客户信息"}).status_code == 403
    assert client.post("/system-init/run", data={"groups": "客户信息"}).status_code == 403
    assert client.get("/audit-log/export.xlsx").status_code == 403


def test_a_role_with_the_maintenance_permissions_may_back_up(client, db, maintenance_dirs):
    role = make_role("运维", ["backup.view", "backup.add", "backup.download"])
    make_employee("ops", role=role)
    db.session.commit()
    login(client, "ops", PASSWORD)
    record, page = _backup(client)
    assert record.is_good and record.created_by == "ops"
    assert client.get(f"/backup/download/{record.name}").status_code == 200
    assert client.get(f"/backup/restore/{record.name}").status_code == 403


def test_initialise_page_preview_confirmation_and_counts(client, db, maintenance_dirs):
    build_business(3)
    login(client)
    page = client.get("/system-init/").get_data(as_text=True)
    assert "客户信息初始化" in page and "必须先备份" in page
    _backup(client)
    preview = client.post("/system-init/preview", data={"groups": ["客户信息"]}).get_data(as_text=True)
    assert 'data-table="sales_orders"' in preview and 'data-table="follow_ups"' in preview
    refused = client.post("/system-init/run", data={"groups": ["客户信息"], "password": "bad", "confirm": "初始化"})
    assert "登录密码不正确" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 3
    crafted = client.post("/system-init/run", data={"groups": ["x" * 10000, "\x00"], "password": ADMIN_PASSWORD,
                                                    "confirm": "初始化"})
    assert crafted.status_code == 200 and "请选择要初始化的项目" in crafted.get_data(as_text=True)
    done = client.post("/system-init/run", data={"groups": ["客户信息"], "password": ADMIN_PASSWORD,
                                                 "confirm": "初始化"}).get_data(as_text=True)
    assert "初始化完成" in done and "没有孤立数据" in done
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 0


def test_audit_log_records_field_changes_and_filters_and_exports(client, db):
    login(client)
    client.post("/warehouse/new/", data={"name": "二号仓", "contact": "王五", "sort_order": "2"})
    warehouse_id = db.session.scalar(select(AuditEntry.record_id).where(
        AuditEntry.table_name == "warehouses", AuditEntry.action == "create", AuditEntry.record_label == "二号仓"))
    client.post(f"/warehouse/edit/?id={warehouse_id}", data={"name": "二号仓", "contact": "赵六", "sort_order": "2"})
    page = client.get("/audit-log/?flt0_1=warehouses").get_data(as_text=True)
    assert "联系人：王五 → 赵六" in page and "是否启用：否" in page and "拥有系统全部权限" not in page
    # 操作人 filter, record filter, and date ranges in local time
    assert "赵六" in client.get("/audit-log/?flt0_0=系统管理员").get_data(as_text=True)
    assert "赵六" not in client.get("/audit-log/?flt0_0=销售员").get_data(as_text=True)
    assert "赵六" in client.get(f"/audit-log/?flt0_1=warehouses&flt1_4={warehouse_id}").get_data(as_text=True)
    assert "赵六" not in client.get("/audit-log/?flt0_3=2000-01-01+to+2000-01-02").get_data(as_text=True)
    from app.timeutil import local_today

    today = local_today().isoformat()
    assert "赵六" in client.get(f"/audit-log/?flt0_3={today}+to+{today}").get_data(as_text=True)
    assert client.get("/audit-log/?flt0_3=garbage&flt0_4=" + "9" * 50).status_code == 200
    response = client.get("/audit-log/export.xlsx?flt0_1=warehouses")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.values)
    assert rows[0][0] == "操作时间" and any("王五 → 赵六" in str(row[-1]) for row in rows[1:])


def test_passwords_never_reach_the_trail(client, db):
    login(client)
    employee = make_employee("clerk")
    db.session.commit()
    client.post(f"/employee/password/?id={employee.id}", data={"new_password": "Another#2027",
                                                              "confirm_password": "Another#2027"})
    texts = " ".join(row or "" for row in db.session.scalars(select(AuditEntry.changes)))
    assert "pbkdf2" not in texts and "scrypt" not in texts and "Another#2027" not in texts
    assert "（已修改）" in texts


def test_customer_page_shows_its_field_changes(client, db):
    login(client)
    client.post("/customer/new/", data={"name": "修改记录测试公司", "mobile": "13911112222"})
    customer = db.session.scalar(select(Customer).where(Customer.name == "修改记录测试公司"))
    client.post(f"/customer/edit/?id={customer.id}", data={"name": "修改记录测试公司", "mobile": "13933334444"})
    page = client.get(f"/customer/details/?id={customer.id}").get_data(as_text=True)
    tab = page.split('id="changes-table"')[1].split("</table>")[0]
    assert "13911112222 → 13933334444" in tab and "新增" in tab
    assert f"flt1_4={customer.id}" in page


def test_a_bulk_import_leaves_one_summary_entry(client, db):
    from tests.web.test_customer_import import _row, _upload, _workbook

    login(client)
    token = _upload(client, _workbook([_row(f"导入客户{n}", f"1390000{n:04d}") for n in range(5)])).rsplit("/", 1)[-1]
    client.post(f"/customer-import/start/{token}")
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.table_name == "customers")).all()
    assert [(e.action, e.actor_name) for e in entries] == [("bulk", "系统管理员")]
    assert "5 个客户" in entries[0].record_label
    page = client.get("/audit-log/?flt0_2=bulk").get_data(as_text=True)
    assert "客户资料导入：5 个客户" in page and "批量导入" in page
