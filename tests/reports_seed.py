"""A small data set for the report tests whose every number is computed by hand in the tests.

Times are UTC as stored; Asia/Shanghai is UTC+8, so 15:30 UTC on 31 March is 23:30 that evening in
Shanghai (still March) and 16:30 UTC is 00:30 on 1 April (already April).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.services.orders.returns import create_return
from app.services.orders.workflow import transition
from models.base_data import CustomerCategory, CustomerSource, Department
from models.customers import Customer, FollowUp
from models.orders import OrderStatus, SalesOrder
from models.tickets import TicketStatus
from tests.helpers import admin, make_employee, make_role
from tests.order_factories import make_customer, make_order, make_product, order_input
from tests.ticket_factories import make_ticket

REPORT_CODES = [f"{code}.{action}" for code in ("report_customer", "report_follow_up", "report_sales",
                                               "report_product", "report_staff", "report_customer_sales",
                                               "report_ticket")
                for action in ("view", "export")]
LAST_DAY_2330 = datetime(2026, 3, 31, 15, 30)  # 2026-03-31 23:30 in Shanghai
FIRST_DAY_0030 = datetime(2026, 3, 31, 16, 30)  # 2026-04-01 00:30 in Shanghai


@dataclass
class Seeded:
    zhang: object
    li: object
    customers: dict
    orders: dict
    tickets: dict


def _by_name(model, name):
    return db.session.scalar(select(model).where(model.name == name))


def seed() -> Seeded:
    boss = admin()
    boss.department = _by_name(Department, "总经办")
    rep = make_role("报表销售员", REPORT_CODES + ["customer.view", "order_query.view", "ticket.view", "ticket.add"],
                    scopes={"customer": "self", "order": "self", "ticket": "self"})
    zhang = make_employee("zhangsan", role=rep, real_name="张三")
    zhang.department = _by_name(Department, "销售一部")
    li = make_employee("lisi", role=rep, real_name="李四")
    li.department = _by_name(Department, "销售二部")
    formal, keen, maybe = (_by_name(CustomerCategory, n) for n in ("正式客户", "意向客户", "潜在客户"))
    fair, referral = _by_name(CustomerSource, "展会"), _by_name(CustomerSource, "客户介绍")
    c = {
        "c1": make_customer("深圳鼎显自动化设备有限公司", owner=zhang, province="广东省", city="深圳市",
                            district="南山区", category_id=formal.id, source_id=fair.id, industry="电子",
                            created_at=datetime(2026, 3, 10, 2, 0)),
        "c2": make_customer("广州知客网络技术有限公司", owner=zhang, province="广东省", city="广州市",
                            district="天河区", category_id=keen.id, source_id=referral.id, industry="电子",
                            created_at=LAST_DAY_2330),
        "c3": make_customer("郑州创杰通达商贸有限公司", owner=li, province="河南省", city="郑州市",
                            district="金水区", category_id=formal.id, source_id=fair.id,
                            created_at=FIRST_DAY_0030),
        "c4": make_customer("郑州公海客户", owner=None, province="河南省", city="郑州市", district="二七区",
                            category_id=maybe.id, created_at=datetime(2025, 12, 20, 3, 0)),
        "c5": make_customer("龙秋菊", owner=boss, province=None, city=None, district=None,
                            created_at=datetime(2026, 5, 5, 3, 0)),
    }
    c["c4"].owner_id = None
    for when, customer, employee in ((LAST_DAY_2330, "c1", zhang), (FIRST_DAY_0030, "c1", zhang),
                                     (datetime(2026, 4, 15, 2), "c3", li), (datetime(2025, 7, 1, 2), "c2", zhang),
                                     (datetime(2026, 4, 20, 2), "c4", None)):
        db.session.add(FollowUp(customer_id=c[customer].id, contacted_at=when, content="电话沟通",
                                employee_id=employee.id if employee else None))
    gum = make_product("栀子黄色素", "100.00", spec="1*25/桶", unit="KG")
    box = make_product("来电显示盒", "500.00", spec="一路", unit="个")

    def order(customer, owner, status, lines, when, paid="0"):
        return make_order(c[customer], lines=lines, status=status, actor=boss, paid=paid, order_date=when,
                          owner_id=owner.id)

    o = {
        "o1": order("c1", zhang, OrderStatus.COMPLETED, [(gum, "2", "100.00")], LAST_DAY_2330, paid="200"),
        "o2": order("c1", zhang, OrderStatus.SHIPPED, [(box, "1", "500.00")], datetime(2026, 4, 10, 2), "100"),
        "o3": order("c3", li, OrderStatus.PICKING, [(gum, "5", "100.00")], FIRST_DAY_0030),
        "o4": order("c3", li, OrderStatus.PENDING, [(gum, "1", "100.00")], datetime(2026, 4, 11, 2)),
        "o5": order("c2", zhang, OrderStatus.CANCELLED, [(box, "1", "500.00")], datetime(2026, 4, 12, 2)),
        "o6": order("c5", boss, OrderStatus.COMPLETED, [(box, "2", "500.00")], datetime(2025, 6, 1, 2), "1000"),
    }
    o["r1"] = create_return(order_input(c["c1"], [(gum, "1", "100.00")], order_date=datetime(2026, 4, 2, 2),
                                        owner_id=zhang.id), boss, original_order_id=o["o1"].id)
    transition(o["r1"], "approve", boss)
    # a pending return is left out like any pending order
    pending_return = create_return(order_input(c["c1"], [(gum, "1", "100.00")], order_date=datetime(2026, 4, 3, 2),
                                               owner_id=zhang.id), boss, original_order_id=o["o1"].id)
    o["r_pending"] = pending_return
    # Tickets (7.7): 张三 sees those he submitted (t1, t2) or handles (t3); 李四 t1, t4, t5.
    t = {
        "t1": make_ticket(TicketStatus.ASSIGNED, owner=zhang, assignee=li, customer=c["c1"]),
        "t2": make_ticket(TicketStatus.NEW, owner=zhang, customer=c["c2"]),
        "t3": make_ticket(TicketStatus.RESOLVED, owner=boss, assignee=zhang, customer=c["c3"]),
        "t4": make_ticket(TicketStatus.CLOSED, owner=boss, assignee=li, customer=c["c5"]),
        "t5": make_ticket(TicketStatus.CANCELLED, owner=li, customer=c["c3"]),
        "t6": make_ticket(TicketStatus.ASSIGNED, owner=boss, assignee=boss, customer=c["c5"]),
    }
    t["t1"].created_at = LAST_DAY_2330
    t["t2"].created_at = FIRST_DAY_0030
    db.session.commit()
    assert db.session.get(Customer, c["c4"].id).owner_id is None
    assert db.session.get(SalesOrder, o["r1"].id).status == OrderStatus.PICKING
    return Seeded(zhang, li, c, o, t)
