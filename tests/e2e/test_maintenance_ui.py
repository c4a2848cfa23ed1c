"""数据备份还原 and 系统初始化 in the browser: 备份数据库, the verified backup in the list, 下载, then 初始化."""

import tarfile

import pytest
from playwright.sync_api import expect

from tests.helpers import ADMIN_PASSWORD


@pytest.fixture()
def own_storage(live_app, tmp_path):
    saved = {key: live_app.config[key] for key in ("STORAGE_DIR", "UPLOAD_DIR")}
    live_app.config.update(STORAGE_DIR=str(tmp_path / "storage"), UPLOAD_DIR=str(tmp_path / "uploads"))
    yield tmp_path
    live_app.config.update(saved)


def test_backup_download_and_initialise(admin_page, live, own_storage, tmp_path):
    page = admin_page
    page.click("#crm-menu >> text=数据备份还原")
    expect(page.locator(".crm-breadcrumb")).to_contain_text("系统设置 >> 数据备份还原")
    expect(page.locator("#backup-list")).to_contain_text("还没有备份")
    page.click("#backup-now")
    expect(page.locator(".alert-success")).to_contain_text("备份成功")
    row = page.locator("#backup-list tbody tr").first
    expect(row).to_contain_text(".bak")
    expect(row.locator(".backup-state")).to_contain_text("已校验")
    page.screenshot(path=str(tmp_path / "backups.png"), full_page=True)

    with page.expect_download() as info:
        row.locator(".backup-download").click()
    download = info.value
    assert download.suggested_filename.endswith(".bak")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with tarfile.open(saved) as tar:
        assert "manifest.json" in tar.getnames()

    page.click("#crm-menu >> text=系统初始化")
    expect(page.locator("#init-backup")).to_contain_text("最近一次校验通过的备份")
    page.check("text=日志初始化")
    page.click("#init-preview-button")
    expect(page.locator("#init-preview")).to_contain_text("login_logs")
    page.fill("#password", ADMIN_PASSWORD)
    page.fill("#confirm", "初始化")
    page.click("#init-run")
    expect(page.locator(".alert-success")).to_contain_text("已初始化：日志")
    expect(page.locator("#init-orphans")).to_contain_text("没有孤立数据")
    expect(page.locator("#init-result")).to_contain_text("系统登录日志")

    page.click("#crm-menu >> text=系统操作日志")
    expect(page.locator("table.model-list")).to_contain_text("系统初始化：日志")
