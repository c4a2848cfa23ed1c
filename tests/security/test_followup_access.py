"""Item 6: a 销售员 cannot rewrite or delete someone else's follow-up on a pool customer or on a
customer shared with them, and the author (联系客服) is never taken from the form."""

import pytest
from sqlalchemy import select

from app.extensions import db as _db
from app.services.customer_demo import make_customer
from app.services.customers.followups import add_follow_up
from models.customers import CustomerShare, FollowUp
from tests.helpers import PASSWORD, admin, make_employee, make_role
from tests.security.conftest import post, secure_login

SELLER = ["customer.view", "follow_up.view", "follow_up.add", "follow_up.edit", "follow_up.delete",
          "customer_pool.view", "customer_share.view"]


@pytest.fixture()
def scene(db):
    manager_role = make_role("经理", SELLER, scopes={"customer": "subordinates"})
    seller_role = make_role("销售员", SELLER, parent=manager_role, scopes={"customer": "self"})
    manager = make_employee("manager", role=manager_role, real_name="经理甲")
    author = make_employee("author", role=seller_role, real_name="作者乙")
    attacker = make_employee("attacker", role=seller_role, real_name="攻击者丙")
    shared = make_customer(author, name="共享给攻击者的客户")
    _db.session.add(CustomerShare(customer_id=shared.id, employee_id=attacker.id, shared_by_id=author.id))
    pool = make_customer(admin(), name="公共池里的客户")
    pool.owner_id = None
    notes = {"shared": add_follow_up(shared, {"content": "作者写的原文"}, author),
             "pool": add_follow_up(pool, {"content": "池中客户的原文"}, author)}
    _db.session.commit()
    return {"manager": manager, "author": author, "attacker": attacker, "shared_customer": shared,
            "pool_customer": pool, **notes}


def _row(follow_up_id):
    _db.session.expire_all()
    return _db.session.get(FollowUp, follow_up_id)


@pytest.mark.parametrize("where", ["shared", "pool"])
def test_someone_elses_follow_up_cannot_be_edited(client, scene, where):
    secure_login(client, "attacker", PASSWORD)
    note = scene[where]
    assert client.get(f"/follow-up/edit/?id={note.id}").status_code == 404
    if where == "shared":  # the customer page offers no 编辑 for someone else's note
        page = client.get(f"/customer/details/?id={scene['shared_customer'].id}").get_data(as_text=True)
        assert "作者写的原文" in page and f"/follow-up/edit/?id={note.id}" not in page
    response = post(client, f"/follow-up/edit/?id={note.id}",
                    {"content": "被篡改", "kind": "revisit", "employee_id": str(scene["attacker"].id)})
    assert response.status_code == 404
    row = _row(note.id)
    assert row.content != "被篡改" and row.employee_id == scene["author"].id


@pytest.mark.parametrize("where", ["shared", "pool"])
def test_someone_elses_follow_up_cannot_be_deleted(client, scene, where):
    secure_login(client, "attacker", PASSWORD)
    note = scene[where]
    post(client, "/follow-up/delete/", {"id": str(note.id)}, follow_redirects=True)
    post(client, "/follow-up/action/", {"action": "delete", "rowid": [str(note.id)]}, follow_redirects=True)
    assert _row(note.id) is not None


def test_the_author_is_who_writes_never_the_form(client, scene):
    secure_login(client, "attacker", PASSWORD)
    shared = scene["shared_customer"]
    response = post(client, f"/follow-up/new/?customer_id={shared.id}",
                    {"content": "我写的回访", "kind": "revisit", "employee_id": str(scene["author"].id)})
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    mine = _db.session.scalar(select(FollowUp).where(FollowUp.content == "我写的回访"))
    assert mine.employee_id == scene["attacker"].id
    # The author may still edit their own note on the shared customer, and cannot hand it to someone else.
    post(client, f"/follow-up/edit/?id={mine.id}",
         {"content": "我改过的回访", "kind": "revisit", "employee_id": str(scene["author"].id)})
    row = _row(mine.id)
    assert row.content == "我改过的回访" and row.employee_id == scene["attacker"].id


def test_the_authors_manager_may_edit_it(client, scene):
    secure_login(client, "manager", PASSWORD)
    note = scene["shared"]
    post(client, f"/follow-up/edit/?id={note.id}", {"content": "经理补充", "kind": "revisit"})
    assert _row(note.id).content == "经理补充"
