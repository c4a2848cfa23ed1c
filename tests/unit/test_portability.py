"""The schema stays portable: every table compiles for SQL Server, and the migrations print as T-SQL."""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.dialects import mssql
from sqlalchemy.schema import CreateIndex, CreateTable

from app.extensions import db

PROJECT = Path(__file__).resolve().parents[2]


def test_every_table_compiles_for_sql_server(app):
    dialect = mssql.dialect()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            ddl = str(CreateTable(table).compile(dialect=dialect))
            assert ddl.startswith("\nCREATE TABLE"), table.name
            for index in table.indexes:
                str(CreateIndex(index).compile(dialect=dialect))
        assert "NVARCHAR" in str(CreateTable(db.metadata.tables["products"]).compile(dialect=dialect))
        assert "NUMERIC(18, 2)" in str(CreateTable(db.metadata.tables["products"]).compile(dialect=dialect))
        for name in ("customer_search_tokens", "customer_search_vocabulary"):  # Chinese bigrams, binary order
            ddl = str(CreateTable(db.metadata.tables[name]).compile(dialect=dialect))
            assert "token NVARCHAR(40) COLLATE Latin1_General_100_BIN2 NOT NULL" in ddl, ddl


def test_offline_migration_sql_for_sql_server(tmp_path):
    env = {**os.environ, "FLASK_APP": "wsgi", "CRM_INSTANCE_DIR": str(tmp_path),
           "DATABASE_URL": "mssql+pymssql://crm:secret@sqlserver.invalid/xingzhu", "SECRET_KEY": "ddl"}
    env.pop("CAPTCHA_TEST_CODE", None)
    flask = Path(sys.executable).with_name("flask")
    result = subprocess.run([str(flask), "db", "upgrade", "heads", "--sql"], cwd=PROJECT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    sql = result.stdout
    assert "CREATE TABLE employees" in sql and "CREATE TABLE products" in sql
    assert "NVARCHAR" in sql and "GO" in sql  # T-SQL batches
    assert "AUTOINCREMENT" not in sql and "SERIAL" not in sql
    # 0002 made the token column VARCHAR; 0004 turns it into NVARCHAR around a rebuilt primary key.
    assert "ALTER TABLE customer_search_tokens ALTER COLUMN token NVARCHAR(40) COLLATE Latin1_General_100_BIN2" in sql
