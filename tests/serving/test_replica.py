"""REPORTS_DATABASE_URL with a real streaming replica: a PostgreSQL primary and a hot standby made by
`pg_basebackup -R`, both started by the test on their own ports. Reports and Excel exports read the
standby (what it has not replayed yet is not in them), the data scope still applies there, saves go to
the primary, and a standby that lags, is down or was promoted sends the reads back to the primary."""

import io
import logging
import shutil
import time

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, text

from app.extensions import db
from app.replica import EXTENSION, replica_engine, replica_reads
from models.orders import OrderStatus
from tests.conftest import build_schema, make_test_app, reset_data
from tests.helpers import PASSWORD, admin, login, make_employee, make_role
from tests.live_server import free_port
from tests.order_factories import make_customer, make_order
from tests.serving.private_services import PrivatePostgres, PrivateStandby

REPORT = "/report-customer-sales/?r=customer"


@pytest.fixture(scope="module")
def cluster():
    primary = PrivatePostgres()
    standby = PrivateStandby(primary)
    if not standby.available:
        primary.remove()
        standby.remove()
        pytest.skip("PostgreSQL server binaries (initdb, pg_basebackup) are not installed")
    try:
        primary.init(replication=True)
        primary.start()
        standby.init()
        standby.start()
        app = make_test_app(primary.url, REPORTS_DATABASE_URL=standby.url, REPORTS_REPLICA_MAX_LAG=300,
                            REPORTS_REPLICA_RETRY_SECONDS=0)
        build_schema(app)
        reset_data(app)
        logging.getLogger("app.replica").disabled = False  # alembic's fileConfig() disables existing loggers
        yield app, primary, standby
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
            replica_engine().dispose()
    finally:
        standby.remove()
        primary.remove()


@pytest.fixture()
def app(cluster):
    application = cluster[0]
    with application.app_context():
        yield application
        db.session.remove()


def _on_replica(sql: str):
    with replica_engine().connect() as connection:
        return connection.execute(text(sql)).scalar()


def wait_for_replay(timeout: float = 20.0) -> None:
    """Until the standby has replayed everything the primary had written when this was called."""
    lsn = db.session.execute(text("SELECT CAST(pg_current_wal_lsn() AS text)")).scalar()
    db.session.commit()
    deadline = time.monotonic() + timeout
    while _on_replica(f"SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '{lsn}') >= 0") is not True:
        assert time.monotonic() < deadline, "the standby did not replay in time"
        time.sleep(0.05)


def _ordered(name: str, owner=None):
    customer = make_customer(name, owner=owner)
    order = make_order(customer, status=OrderStatus.PICKING, actor=owner)
    db.session.commit()
    return order.number


def _sheet_text(response) -> str:
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    return " ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)


def test_reads_inside_the_block_run_on_the_standby_and_saves_still_go_to_the_primary(app):
    with app.test_request_context():
        assert db.session.scalar(select(func.pg_is_in_recovery())) is False
        with replica_reads():
            assert db.session.scalar(select(func.pg_is_in_recovery())) is True
            assert db.session.scalar(select(func.inet_server_port())) == app.extensions[EXTENSION].engine.url.port
            make_customer("块内保存有限公司")  # INSERTs while routing: a standby would refuse them
        db.session.commit()
        assert db.session.scalar(select(func.inet_server_port())) == db.engine.url.port


def test_a_report_shows_an_order_once_the_standby_has_replayed_it(app):
    _ordered("复制一号贸易有限公司")
    wait_for_replay()
    client = app.test_client()
    login(client)
    page = client.get(REPORT)
    assert page.status_code == 200
    assert "复制一号贸易有限公司" in page.get_data(as_text=True)


def test_reports_and_exports_read_the_standby_and_fall_back_to_the_primary_when_it_lags(app, cluster, caplog):
    replica = app.extensions[EXTENSION]
    seen = _ordered("复制二号已同步有限公司")
    wait_for_replay()
    _on_replica("SELECT pg_wal_replay_pause()")
    try:
        unseen = _ordered("复制三号未同步有限公司")  # committed on the primary, not replayed by the standby
        client = app.test_client()
        login(client)
        page = client.get(REPORT).get_data(as_text=True)
        assert "复制二号已同步有限公司" in page and "复制三号未同步有限公司" not in page
        orders = _sheet_text(client.get("/order-query/export.xlsx"))
        assert seen in orders and unseen not in orders
        customers = _sheet_text(client.get("/customer/export.xlsx"))
        assert "复制二号已同步有限公司" in customers and "复制三号未同步有限公司" not in customers
        assert "复制三号未同步有限公司" in client.get("/customer/").get_data(as_text=True)  # lists: the primary

        replica.max_lag = 0  # the standby's last replayed commit is now "too old"
        with caplog.at_level(logging.WARNING, logger="app.replica"):
            page = client.get(REPORT).get_data(as_text=True)
        assert "复制三号未同步有限公司" in page
        assert "reports replica not used" in caplog.text and "behind the primary" in caplog.text
        assert unseen in _sheet_text(client.get("/order-query/export.xlsx"))
    finally:
        replica.max_lag = 300
        _on_replica("SELECT pg_wal_replay_resume()")
    wait_for_replay()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="app.replica"):
        assert "复制三号未同步有限公司" in client.get(REPORT).get_data(as_text=True)
    assert "reports replica not used" not in caplog.text


def test_the_data_scope_applies_on_the_standby(app):
    role = make_role("复制报表员", ["report_customer_sales.view", "report_customer_sales.export", "order.add",
                                  "order.approve"],
                     scopes={"order": "self", "customer": "self"})
    own = make_employee("replica_rep", role=role)
    db.session.commit()
    _ordered("复制四号自己的有限公司", owner=own)
    _ordered("复制五号别人的有限公司", owner=admin())
    wait_for_replay()
    client = app.test_client()
    login(client, "replica_rep", PASSWORD)
    page = client.get(REPORT).get_data(as_text=True)
    assert "复制四号自己的有限公司" in page and "复制五号别人的有限公司" not in page
    sheet = _sheet_text(client.get("/report-customer-sales/export.xlsx?r=customer"))
    assert "复制四号自己的有限公司" in sheet and "复制五号别人的有限公司" not in sheet


@pytest.mark.parametrize("case", ["down", "promoted"])
def test_a_standby_that_is_down_or_promoted_leaves_the_reports_on_the_primary(cluster, case, caplog):
    primary = cluster[1]
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/postgres" if case == "down" else primary.url
    other = make_test_app(primary.url, REPORTS_DATABASE_URL=url, REPORTS_REPLICA_RETRY_SECONDS=60)
    with other.app_context():
        _ordered(f"复制六号{case}有限公司")
        client = other.test_client()
        login(client)
        with caplog.at_level(logging.WARNING, logger="app.replica"):
            first = client.get(REPORT)
            second = client.get(REPORT)
        assert first.status_code == second.status_code == 200
        assert f"复制六号{case}有限公司" in first.get_data(as_text=True)
        expected = "unreachable" if case == "down" else "not a standby"
        assert caplog.text.count("reports replica not used") == 1  # the second page did not try it again
        assert expected in caplog.text
        db.session.remove()
        other.extensions[EXTENSION].engine.dispose()


def test_any_database_can_serve_the_reports_a_snapshot_of_sqlite_included(tmp_path):
    """Without PostgreSQL binaries too: a copy of the database file as REPORTS_DATABASE_URL serves the report, so
    what was saved after the copy is not in it (only reachability is checked on other databases)."""
    primary, snapshot = tmp_path / "primary.db", tmp_path / "snapshot.db"
    first = make_test_app(f"sqlite:///{primary}")
    build_schema(first)
    reset_data(first)
    with first.app_context():
        _ordered("复制七号快照里的有限公司")
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.remove()
        db.engine.dispose()
    shutil.copyfile(primary, snapshot)
    app = make_test_app(f"sqlite:///{primary}", REPORTS_DATABASE_URL=f"sqlite:///{snapshot}")
    with app.app_context():
        _ordered("复制八号快照后的有限公司")
        client = app.test_client()
        login(client)
        page = client.get(REPORT).get_data(as_text=True)
        assert "复制七号快照里的有限公司" in page and "复制八号快照后的有限公司" not in page
        db.session.remove()
        db.engine.dispose()
        replica_engine().dispose()
