"""Maintenance tests: each test gets its own storage and upload folders."""

import pytest

from tests.s3_server import s3_bucket, s3_endpoint  # noqa: F401  (fixtures)


@pytest.fixture()
def maintenance_dirs(app, tmp_path):
    saved = {key: app.config.get(key) for key in ("STORAGE_DIR", "UPLOAD_DIR", "STORAGE_BACKEND", "S3_BUCKET")}
    app.config.update(STORAGE_DIR=str(tmp_path / "storage"), UPLOAD_DIR=str(tmp_path / "uploads"),
                      STORAGE_BACKEND="local", S3_BUCKET=None)
    (tmp_path / "uploads").mkdir()
    yield tmp_path
    app.config.update(saved)
