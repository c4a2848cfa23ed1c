"""Demo orders and quotes for the demo customers (`crm demo --orders N --quotes N`), through the real services
so numbers, logs, 订单金额汇总 and 销售总额 agree with what a user would have entered."""

import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.services.orders import payments, quotes
from app.services.orders.lines import LineInput
from app.services.orders.orders import OrderInput, create_order, receiver_defaults
from app.services.orders.workflow import transition
from models.accounts import Employee, Role
from models.base import utcnow
from models.customers import Customer
from models.orders import OrderStatus, Payment
from models.products import Product

# The steps that lead from 等待审核 to each status, and how often each status turns up.
PATHS = {OrderStatus.PENDING: (), OrderStatus.PICKING: ("approve",), OrderStatus.SHIPPED: ("approve", "ship"),
         OrderStatus.COMPLETED: ("approve", "ship", "complete"), OrderStatus.CANCELLED: ("approve", "cancel")}
WEIGHTS = {OrderStatus.PENDING: 3, OrderStatus.PICKING: 2, OrderStatus.SHIPPED: 2, OrderStatus.COMPLETED: 5,
           OrderStatus.CANCELLED: 1}
REMARKS = ["", "", "请尽快发货", "周末不收货", "开增值税专用发票", "送货前电话联系"]


class OrderDemoBuilder:
    def __init__(self, seed: int = 2026):
        self.rng = random.Random(seed)

    def _pick(self):
        customers = db.session.scalars(select(Customer).where(Customer.owner_id.is_not(None))
                                       .order_by(Customer.id).limit(500)).all()
        products = db.session.scalars(select(Product).where(Product.on_shelf.is_(True))
                                      .order_by(Product.id).limit(300)).all()
        approver = db.session.scalar(select(Employee).join(Role, Employee.role_id == Role.id)
                                     .where(Role.is_superadmin.is_(True)).order_by(Employee.id))
        return customers, products, approver

    def _lines(self, products) -> list[LineInput]:
        chosen = self.rng.sample(products, k=min(len(products), self.rng.choice((1, 1, 2, 3))))
        return [LineInput(p.id, str(self.rng.choice((1, 1, 2, 3, 5, 10)))) for p in chosen]

    def orders(self, count: int, quote_count: int) -> tuple[int, int]:
        """`count` orders spread over the last 90 days in every status, part paid; `quote_count` open quotes."""
        customers, products, approver = self._pick()
        if not customers or not products or approver is None or count + quote_count <= 0:
            return 0, 0
        statuses, weights = list(WEIGHTS), list(WEIGHTS.values())
        made = 0
        for _ in range(count):
            customer = self.rng.choice(customers)
            owner = db.session.get(Employee, customer.owner_id)
            texts = {k: v for k, v in receiver_defaults(customer).items() if v}
            texts["remark"] = self.rng.choice(REMARKS)
            order_date = utcnow() - timedelta(days=self.rng.randint(0, 90), minutes=self.rng.randint(0, 600))
            order = create_order(OrderInput(customer.id, self._lines(products), owner_id=owner.id,
                                            order_date=order_date, texts=texts), approver)
            for step in PATHS[self.rng.choices(statuses, weights)[0]]:
                transition(order, step, approver)
            if order.status != OrderStatus.CANCELLED and self.rng.random() < 0.6:
                share = self.rng.choice((Decimal("0.3"), Decimal("0.5"), Decimal("1")))
                amount = (order.payable * share).quantize(Decimal("0.01"))
                if amount > 0:
                    payments.record_payment(order, str(amount), None, self.rng.choice(Payment.METHODS), "演示回款",
                                           approver)
            made += 1
        quoted = 0
        for _ in range(quote_count):
            customer = self.rng.choice(customers)
            quotes.create_quote(quotes.QuoteInput(customer.id, self._lines(products), customer.contact_name,
                                                  customer.mobile, "报价有效期 30 天"), approver)
            quoted += 1
        db.session.flush()
        return made, quoted
