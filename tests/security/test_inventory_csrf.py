"""库存管理 state changes need the form's CSRF token: without it nothing is approved, paid, saved or deleted."""

from decimal import Decimal

from sqlalchemy import func, select

from app.extensions import db
from models.inventory import InventoryStatus, Purchase, StockMovement, Stocktake
from tests.inventory_factories import make_purchase, make_stocktake, product, supplier, warehouse
from tests.security.conftest import post, secure_login


def test_inventory_posts_without_a_token_change_nothing(client):
    item = product()
    pending = make_purchase([(item, 1, "10.00")])
    owed = make_purchase([(item, 1, "10.00")], approve=True)
    sheet = make_stocktake()
    db.session.commit()
    secure_login(client)
    form = {"supplier_id": supplier("测试公司").id, "warehouse_id": warehouse().id, "product_id": item.id,
            "unit_price": "1.00", "quantity": "1"}
    attempts = [("/purchase-pages/add", form), (f"/purchase-pages/{pending.id}/step/approve", {}),
                (f"/purchase/row-action/approve/{pending.id}", {}), (f"/purchase-pages/{pending.id}/delete", {}),
                ("/purchase/action/", {"action": "approve", "rowid": pending.id}),
                (f"/purchase-pages/{owed.id}/pay", {"amount": "1"}), ("/stocktake-pages/add", {"warehouse_id": warehouse().id}),
                (f"/stocktake-pages/{sheet.id}/step/approve", {}), (f"/stocktake-pages/{sheet.id}/delete", {})]
    for url, data in attempts:
        assert client.post(url, data=data).status_code == 400, url
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Purchase.id))) == 2
    assert db.session.get(Purchase, pending.id).status == InventoryStatus.PENDING
    assert db.session.get(Purchase, owed.id).debt == Decimal("10.00")
    assert db.session.scalar(select(func.count(Stocktake.id))) == 1
    assert db.session.scalar(select(func.count(StockMovement.id))) == 1  # only the approved purchase's
    # With the token the same approval goes through.
    assert post(client, f"/purchase-pages/{pending.id}/step/approve").status_code == 302
    db.session.expire_all()
    assert db.session.get(Purchase, pending.id).status == InventoryStatus.APPROVED
