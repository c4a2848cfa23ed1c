"""The progress bar of a long job, in the browser: a big 导出Excel waits in the queue with its bar, a real
`rq worker` runs it, and the bar's script (polling /jobs/<token>/progress.json) turns the page into 下载文件."""

import os

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.services.customer_demo import make_customer
from tests.helpers import admin
from tests.jobs.conftest import run_burst_worker


@pytest.fixture()
def queued_live(live_app, live, monkeypatch):
    url = os.environ.get("REDIS_TEST_URL")
    if not url:
        pytest.skip("REDIS_TEST_URL is not set (make test sets it when Redis runs)")
    from redis import Redis

    Redis.from_url(url).flushdb()
    monkeypatch.setitem(live_app.config, "REDIS_URL", url)
    monkeypatch.setitem(live_app.config, "EXPORT_INLINE_LIMIT", 2)
    monkeypatch.setenv("EXPORT_DIR", live_app.config["EXPORT_DIR"])
    yield url
    Redis.from_url(url).flushdb()


def test_export_progress_bar_finishes_and_offers_the_file(admin_page, live_app, queued_live):
    for i in range(4):
        make_customer(admin(), name=f"进度客户{i}")
    db.session.commit()
    page = admin_page
    page.click("text=客户资料管理")
    page.click("#export-xlsx")
    expect(page.locator(".job-progress-text")).to_have_text("已排队，等待处理……")
    expect(page.locator(".job-progress .progress-bar")).to_have_text("0%")
    result = run_burst_worker(live_app, queued_live)
    assert result.returncode == 0, result.stderr[-2000:]
    expect(page.locator("#job-download")).to_be_visible(timeout=15000)  # no reload by the test: the script did it
    expect(page.locator(".job-progress .progress-bar")).to_have_text("100%")
    with page.expect_download() as download:
        page.click("#job-download")
    assert download.value.suggested_filename == "客户资料.xlsx"
