"""我的桌面 shows counts the user may see, each linking to its screen."""

import re

from models.customers import Customer
from tests.helpers import PASSWORD, admin, login, make_employee, make_role


def _cards(page: str) -> dict[str, int]:
    return {label: int(value) for label, value in re.findall(r'data-label="([^"]+)"[^>]*>(\d+)<', page)}


def test_admin_sees_every_card_with_real_counts(client, db):
    boss = admin()
    db.session.add_all([Customer(code=f"CT2026112900{i:03d}", name=f"客户{i}", owner_id=boss.id if i < 3 else None,
                                 creator_id=boss.id) for i in range(5)])
    db.session.commit()
    login(client)
    cards = _cards(client.get("/").get_data(as_text=True))
    assert cards["我的客户"] == 3
    assert cards["公共客户池"] == 2
    assert cards["等待审核订单"] == 0
    assert cards["可用账号"] == 1


def test_cards_follow_permissions(client, db):
    make_employee("shop", role=make_role("店员", ["product.view"]))
    db.session.commit()
    login(client, "shop", PASSWORD)
    page = client.get("/").get_data(as_text=True)
    assert set(_cards(page)) == {"在售产品"}
    assert 'href="/product/"' in page
