"""备份数据库 as an RQ job run by a real `rq worker` process, and the daily automatic backup."""

from app.services.maintenance import catalogue
from tests.helpers import login
from tests.jobs.conftest import run_burst_worker
from tests.maintenance.conftest import maintenance_dirs  # noqa: F401  (fixture)


def test_backup_is_queued_shown_running_and_verified_by_the_worker(queued_app, db, client, redis_url,
                                                                   maintenance_dirs, monkeypatch):  # noqa: F811
    monkeypatch.setenv("STORAGE_DIR", queued_app.config["STORAGE_DIR"])
    monkeypatch.setenv("UPLOAD_DIR", queued_app.config["UPLOAD_DIR"])
    login(client)
    page = client.post("/backup/backup", follow_redirects=True).get_data(as_text=True)
    assert "已开始备份" in page and "正在备份" in page
    assert '<meta http-equiv="refresh"' in page  # the list follows the job's progress
    assert "disabled" in page.split('id="backup-now"')[1][:40]  # one backup at a time
    result = run_burst_worker(queued_app, redis_url)
    assert result.returncode == 0, result.stderr
    record = catalogue.all_backups()[0]
    assert record.state == catalogue.VALID, record.message
    page = client.get("/backup/").get_data(as_text=True)
    assert "已校验" in page and '<meta http-equiv="refresh"' not in page


def test_scheduled_backup_is_in_the_schedule_and_makes_an_automatic_backup(app, db, maintenance_dirs):  # noqa: F811
    from rq import cron

    import jobs.cron  # noqa: F401  (registers on import)
    from jobs.maintenance_backup import scheduled_backup

    entry = next(e for e in cron._job_data_registry if e["func"].__name__ == "scheduled_backup")
    assert entry["cron"] == "30 18 * * *"
    result = scheduled_backup()
    assert result["state"] == catalogue.VALID
    record = catalogue.all_backups()[0]
    assert record.kind == "auto" and record.kind_label == "自动备份" and record.created_by == "系统"
