"""数据范围 from the role tree: 总监 > 经理 > 销售员 see all / own + subordinates' / own."""

from app.security.scope import visible_owner_ids
from tests.helpers import make_employee, make_role


def test_three_level_role_tree(db):
    director_role = make_role("总监", ["employee.view"], scopes={"employee": "all"})
    manager_role = make_role("经理", ["employee.view"], parent=director_role, scopes={"employee": "subordinates"})
    rep_role = make_role("销售员", ["employee.view"], parent=manager_role, scopes={"employee": "self"})
    other_manager_role = make_role("二部经理", ["employee.view"], parent=director_role,
                                   scopes={"employee": "subordinates"})
    director = make_employee("director", role=director_role)
    manager = make_employee("manager", role=manager_role)
    peer_manager = make_employee("peer", role=manager_role)
    rep = make_employee("rep", role=rep_role)
    other_rep = make_employee("other", role=make_role("二部销售员", [], parent=other_manager_role))

    assert visible_owner_ids(director, "employee") is None
    # Subordinates are roles below, not peers with the same role.
    assert visible_owner_ids(manager, "employee") == {manager.id, rep.id}
    assert visible_owner_ids(peer_manager, "employee") == {peer_manager.id, rep.id}
    assert visible_owner_ids(rep, "employee") == {rep.id}
    assert other_rep.id not in visible_owner_ids(manager, "employee")


def test_missing_scope_means_only_own_records(db):
    role = make_role("无范围", ["employee.view"])
    someone = make_employee("someone", role=role)
    assert visible_owner_ids(someone, "employee") == {someone.id}


def test_superadmin_sees_everything(db):
    from tests.helpers import admin

    assert visible_owner_ids(admin(), "customer") is None
