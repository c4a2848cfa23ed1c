"""The company the load test works in: staff in four kinds of role, demo customers, products with stock.

Everything goes through the application's own services (numbers, ledger, 订单金额汇总), so the invariants
checked afterwards hold before the first simulated request.
"""

from dataclasses import dataclass, field

from sqlalchemy import select

PASSWORD = "Load#2026"
# Role kind -> share of the simulated staff (the rest are sales reps). Each kind has at least one person.
SHARES = {"manager": 0.1, "warehouse": 0.16, "after_sales": 0.1}
WAREHOUSE_EXTRA = ["order.view", "order.ship", "customer.view"]
MANAGER_EXTRA = ["report_staff.view", "report_sales.view"]  # seeded roles hold no report: 分配权限 adds them
AFTER_SALES = ["ticket.view", "ticket.add", "ticket.edit", "ticket.assign", "ticket.reassign", "ticket.reply",
               "ticket.resolve", "ticket.close", "ticket.export", "customer.view", "employee.view",
               "employee.edit"]


@dataclass
class Company:
    staff: dict[str, list[str]] = field(default_factory=dict)  # role kind -> usernames
    products: list[int] = field(default_factory=list)
    supplier: int = 0
    warehouse: int = 0

    def as_dict(self) -> dict:
        return {"staff": self.staff, "products": self.products, "supplier": self.supplier,
                "warehouse": self.warehouse}


def head_counts(users: int) -> dict[str, int]:
    """How many of `users` simulated staff hold each role kind: 50 -> 5 managers, 8 warehouse, 5 after-sales,
    32 reps; 3 -> one manager, one warehouse keeper, one after-sales clerk."""
    counts = {kind: max(1, round(users * share)) for kind, share in SHARES.items()}
    counts["rep"] = max(0, users - sum(counts.values()))
    return counts


def _roles():
    from app.extensions import db
    from app.security.scope import set_role_scope
    from models.accounts import Role, RolePermission
    from models.enums import DataScope
    from tests.helpers import make_role

    by_name = {role.name: role for role in db.session.scalars(select(Role))}
    keeper = by_name["仓库管理员"]  # ships what the sales side approved, as the manual's 正在配货 describes
    for role, extra in ((keeper, WAREHOUSE_EXTRA), (by_name["销售总监"], MANAGER_EXTRA)):
        role.permissions += [RolePermission(code=code) for code in extra if code not in {p.code for p in role.permissions}]
    set_role_scope(keeper, "order", DataScope.ALL)
    set_role_scope(keeper, "customer", DataScope.ALL)
    after_sales = make_role("售后专员", AFTER_SALES, scopes={"ticket": "all", "customer": "all"})
    return {"manager": [by_name["销售总监"]], "warehouse": [keeper], "after_sales": [after_sales],
            "rep": [by_name["销售一部销售员"], by_name["销售二部销售员"]]}


def _stock_purchase(company: Company, products, admin, quantity: str) -> None:
    """One approved 采购进货单 puts `quantity` of every product into the default warehouse."""
    from app.services import workflow
    from app.services.inventory import documents
    from app.services.inventory.flow import PURCHASE_FLOW

    lines = [documents.LineInput(str(p.id), f"{p.price * 6 / 10:.2f}", quantity) for p in products]
    doc = documents.create_document(PURCHASE_FLOW, documents.DocumentInput(
        company.supplier, company.warehouse, lines, None, "0", "0", "期初备货"), admin)
    workflow.advance_one(PURCHASE_FLOW, doc, "approve", admin)


def prepare(database_url: str, users: int, customers: int, products: int = 30, orders: int = 60) -> Company:
    """Staff accounts, `customers` demo customers (owned by the staff), `products` products in stock, some
    history of orders in every status; committed."""
    from app.extensions import db
    from app.services.customer_demo import CustomerDemoBuilder
    from app.services.demo import DemoBuilder
    from app.services.order_demo import OrderDemoBuilder
    from models.base_data import Supplier, Warehouse
    from models.products import Product
    from tests.conftest import make_test_app
    from tests.helpers import admin, make_employee

    app = make_test_app(database_url)
    company = Company()
    with app.app_context():
        roles = _roles()
        for kind, count in head_counts(users).items():
            company.staff[kind] = []
            for n in range(count):
                role = roles[kind][n % len(roles[kind])]
                person = make_employee(f"{kind.replace('_', '')}{n:02d}", role=role, real_name=f"{role.name}{n:02d}",
                                       password=PASSWORD)
                company.staff[kind].append(person.username)
        supplier = Supplier(name="长沙星河办公用品有限公司", contact="刘经理", mobile="13800000001")
        db.session.add(supplier)
        db.session.commit()
        DemoBuilder(seed=7).products(products)
        CustomerDemoBuilder(seed=7).customers(customers, customers * 2)
        company.supplier = supplier.id
        company.warehouse = db.session.scalar(select(Warehouse.id).where(Warehouse.is_default.is_(True)))
        stocked = db.session.scalars(select(Product).order_by(Product.id)).all()
        company.products = [p.id for p in stocked if p.on_shelf]  # what the order form offers
        _stock_purchase(company, stocked, admin(), "5000")
        OrderDemoBuilder(seed=7).orders(orders, 5)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return company
