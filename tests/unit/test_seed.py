"""Defaults of a new installation (manual ch. 3) and the seeded sales roles."""

from sqlalchemy import func, select

from app.security.permissions import registry
from app.security.scope import visible_owner_ids
from app.services.seed import ROLES, ensure_admin, seed_defaults
from models.accounts import Role
from models.base_data import CustomerCategory, LogisticsCompany, Warehouse
from tests.helpers import make_employee


def test_seeding_twice_changes_nothing(db):
    counts = [db.session.scalar(select(func.count()).select_from(m)) for m in (CustomerCategory, Role, Warehouse)]
    seed_defaults()
    _, password = ensure_admin()
    db.session.commit()
    assert password is None
    assert [db.session.scalar(select(func.count()).select_from(m))
            for m in (CustomerCategory, Role, Warehouse)] == counts
    assert db.session.scalar(select(func.count()).where(LogisticsCompany.is_builtin.is_(True))) == 1


def test_seeded_role_permissions_are_real_codes():
    known = registry.all_codes()
    for name, (_parent, _dept, _desc, codes, _scope) in ROLES.items():
        assert set(codes) <= known, (name, set(codes) - known)


def test_seeded_sales_tree_scopes(db):
    roles = {r.name: r for r in db.session.scalars(select(Role))}
    director = make_employee("d", role=roles["销售总监"])
    manager = make_employee("m", role=roles["销售一部经理"])
    rep = make_employee("r", role=roles["销售一部销售员"])
    other_rep = make_employee("o", role=roles["销售二部销售员"])
    assert visible_owner_ids(director, "customer") is None
    assert visible_owner_ids(manager, "customer") == {manager.id, rep.id}
    assert visible_owner_ids(rep, "order") == {rep.id}
    assert other_rep.id not in visible_owner_ids(manager, "order")
    assert "order.approve" in {p.code for p in roles["销售一部经理"].permissions}
    assert "order.approve" not in {p.code for p in roles["销售一部销售员"].permissions}


def test_seeded_warehouse_keeper_runs_the_inventory(db):
    from app.security.permissions import can

    roles = {r.name: r for r in db.session.scalars(select(Role))}
    keeper = make_employee("k", role=roles["仓库管理员"])
    rep = make_employee("r2", role=roles["销售一部销售员"])
    for code in ("purchase.approve", "purchase.pay", "purchase_return.approve", "stocktake.approve", "stock.view"):
        assert can(code, keeper), code
        assert not can(code, rep), code
    assert can("stock.view", make_employee("d2", role=roles["销售总监"]))
