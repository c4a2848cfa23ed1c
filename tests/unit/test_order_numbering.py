"""XS numbers stay unique when several users submit orders at the same moment."""

import threading

from sqlalchemy import func, select

from app.services.errors import DomainError
from app.services.orders.orders import create_order
from models.accounts import Employee
from models.customers import Customer
from models.orders import SalesOrder
from models.products import Product
from tests.helpers import admin
from tests.order_factories import make_customer, make_product, order_input

WORKERS = 6
PER_WORKER = 5


def test_parallel_order_creation_gives_distinct_consecutive_numbers(app, db):
    customer, product = make_customer(), make_product()
    db.session.commit()
    customer_id, product_id, admin_id = customer.id, product.id, admin().id
    barrier = threading.Barrier(WORKERS)
    errors = []

    def submit():
        with app.app_context():
            actor = db.session.get(Employee, admin_id)
            barrier.wait()
            for _ in range(PER_WORKER):
                try:
                    create_order(order_input(db.session.get(Customer, customer_id),
                                             [(db.session.get(Product, product_id), "1", None)]), actor)
                    db.session.commit()
                except DomainError as exc:
                    db.session.rollback()
                    errors.append(exc.message)
            db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    numbers = sorted(db.session.scalars(select(SalesOrder.number)))
    assert len(numbers) == len(set(numbers)) == WORKERS * PER_WORKER
    assert [int(n[-5:]) for n in numbers] == list(range(1, WORKERS * PER_WORKER + 1))
    assert db.session.scalar(select(func.count(SalesOrder.id))) == WORKERS * PER_WORKER
