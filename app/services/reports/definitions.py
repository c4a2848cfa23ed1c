"""Every report of manual chapter 7, declared once: entity, dimension, measures, filters.

The aggregate, the chart, the Excel export and the drill-down list are all built from these
declarations by app.services.reports.engine, so a bar and the list behind it cannot disagree.
"""

from dataclasses import dataclass

from app.services.reports import dimensions as dim
from app.services.reports import measures as m
from app.services.reports.entities import CUSTOMERS, FOLLOW_UPS, ORDER_LINES, ORDERS, TICKETS, Entity
from app.services.reports.filters import (
    CategoryFilter,
    DateRange,
    DebtFilter,
    Filter,
    MonthFilter,
    ProvinceFilter,
    YearFilter,
)


@dataclass(frozen=True)
class Report:
    key: str
    label: str  # the tab: 按省份统计 ...
    entity: Entity
    dimension: dim.Dimension
    measures: tuple[m.Measure, ...]
    filters: tuple[Filter, ...] = ()
    chart: str | None = None  # the measure drawn as bars; None: the first one
    page_size: int | None = None  # long tables (one row per customer or product) are paged
    chart_limit: int = 30  # bars drawn at most (the table lists every row)

    @property
    def chart_measure(self) -> m.Measure:
        return self.measure(self.chart) if self.chart else self.measures[0]

    def measure(self, key: str) -> m.Measure | None:
        return next((x for x in self.measures if x.key == key), None)

    def filter(self, name: str) -> Filter | None:
        return next((f for f in self.filters if f.name == name), None)


@dataclass(frozen=True)
class ReportGroup:
    code: str  # the screen's permission code
    label: str
    reports: tuple[Report, ...]

    def report(self, key: str | None) -> Report | None:
        if not key:
            return self.reports[0]
        return next((r for r in self.reports if r.key == key), None)


CREATED = DateRange("建档时间")
CONTACTED = DateRange("联系时间")
ORDERED = DateRange("下单日期")
CATEGORY = CategoryFilter()
PROVINCE = ProvinceFilter()
YEAR = YearFilter()
MONTH = MonthFilter()
DEBT = DebtFilter()

CUSTOMER_COUNT = (m.count("customers", "客户数量"),)
FOLLOW_UP_COUNT = (m.count("follow_ups", "跟进数量"),)
SALES_AMOUNT = (m.count("orders", "订单数"), m.money("amount", "销售金额", m.PAYABLE))
STAFF_MEASURES = (
    m.count("sales_count", "销售单数", m.SALES), m.money("sales_total", "销售总额", m.PAYABLE, m.SALES),
    m.money("paid_total", "实收总额", m.PAID, m.SALES), m.money("debt_total", "欠款总额", m.DEBT, m.SALES),
    m.count("return_count", "退货单数", m.RETURNS), m.money("return_total", "退货总额", m.PAYABLE, m.RETURNS))
CUSTOMER_SALES_MEASURES = (STAFF_MEASURES[0], m.money("sales_total", "应收总额", m.PAYABLE, m.SALES),
                           *STAFF_MEASURES[2:])
PRODUCT_MEASURES = (
    m.quantity("sold_quantity", "销售数量", m.LINE_QUANTITY, m.SALES),
    m.money("sold_amount", "销售金额", m.LINE_AMOUNT, m.SALES),
    m.quantity("returned_quantity", "退货数量", m.LINE_QUANTITY, m.RETURNS),
    m.money("returned_amount", "退货金额", -m.LINE_AMOUNT, m.RETURNS))

CUSTOMER_REPORTS = ReportGroup("report_customer", "客户数量报表", (
    Report("province", "按省份统计", CUSTOMERS, dim.PROVINCE, CUSTOMER_COUNT, (CREATED, CATEGORY)),
    Report("region", "按地区统计", CUSTOMERS, dim.REGION, CUSTOMER_COUNT, (PROVINCE, CREATED, CATEGORY)),
    Report("department", "按部门统计", CUSTOMERS, dim.DEPARTMENT, CUSTOMER_COUNT, (CREATED, CATEGORY)),
    Report("category", "按类别统计", CUSTOMERS, dim.CATEGORY, CUSTOMER_COUNT, (CREATED,)),
    Report("employee", "按员工统计", CUSTOMERS, dim.employee("客服专员", "公共客户池"), CUSTOMER_COUNT,
           (CREATED, CATEGORY)),
    Report("source", "按来源统计", CUSTOMERS, dim.SOURCE, CUSTOMER_COUNT, (CREATED, CATEGORY)),
    Report("year", "按年份统计", CUSTOMERS, dim.Buckets("月份", "month"), CUSTOMER_COUNT, (YEAR, CATEGORY)),
    Report("industry", "按行业统计", CUSTOMERS, dim.INDUSTRY, CUSTOMER_COUNT, (CREATED, CATEGORY)),
))

FOLLOW_UP_REPORTS = ReportGroup("report_follow_up", "客户跟进报表", (
    Report("employee", "按员工统计", FOLLOW_UPS, dim.employee("联系客服", "未指定"), FOLLOW_UP_COUNT, (CONTACTED,)),
    Report("department", "按部门统计", FOLLOW_UPS, dim.DEPARTMENT, FOLLOW_UP_COUNT, (CONTACTED,)),
    Report("day", "按天统计", FOLLOW_UPS, dim.Buckets("日期", "day"), FOLLOW_UP_COUNT, (MONTH,)),
    Report("month", "按月统计", FOLLOW_UPS, dim.Buckets("月份", "month"), FOLLOW_UP_COUNT, (YEAR,)),
    Report("year", "按年统计", FOLLOW_UPS, dim.Buckets("年份", "year"), FOLLOW_UP_COUNT),
))

SALES_REPORTS = ReportGroup("report_sales", "公司销售报表", (
    Report("province", "按省份统计", ORDERS, dim.PROVINCE, SALES_AMOUNT, (ORDERED,), chart="amount"),
    Report("region", "按地区统计", ORDERS, dim.REGION, SALES_AMOUNT, (PROVINCE, ORDERED), chart="amount"),
    Report("department", "按部门统计", ORDERS, dim.DEPARTMENT, SALES_AMOUNT, (ORDERED,), chart="amount"),
    Report("source", "按来源统计", ORDERS, dim.SOURCE, SALES_AMOUNT, (ORDERED,), chart="amount"),
    Report("year", "按年份统计", ORDERS, dim.Buckets("年份", "year"), SALES_AMOUNT, chart="amount"),
    Report("industry", "按行业统计", ORDERS, dim.INDUSTRY, SALES_AMOUNT, (ORDERED,), chart="amount"),
))

PRODUCT_REPORTS = ReportGroup("report_product", "产品销售报表", (
    Report("product", "产品销售报表", ORDER_LINES, dim.PRODUCT, PRODUCT_MEASURES, (ORDERED,), chart="sold_amount",
           page_size=50),
))

STAFF_REPORTS = ReportGroup("report_staff", "客服业绩报表", (
    Report("employee", "客服业绩报表", ORDERS, dim.employee("业务员", "未指定"), STAFF_MEASURES, (ORDERED,),
           chart="sales_total"),
))

CUSTOMER_SALES_REPORTS = ReportGroup("report_customer_sales", "客户销售报表", (
    Report("customer", "客户销售报表", ORDERS, dim.CUSTOMER, CUSTOMER_SALES_MEASURES, (ORDERED, DEBT),
           chart="sales_total", page_size=50, chart_limit=20),
))

SUBMITTED = DateRange("提交时间")
TICKET_COUNT = (m.count("tickets", "工单数量"),)
ASSIGNEE_MEASURES = (
    m.count("tickets", "工单数量"), m.count("working", "处理中", m.TICKETS_WORKING),
    m.count("solved", "已解决", m.TICKETS_SOLVED), m.count("cancelled", "已取消", m.TICKETS_CANCELLED))

# 7.7: how the company's tickets are spread over the states; each employee's tickets and how many are solved.
TICKET_REPORTS = ReportGroup("report_ticket", "售后工单报表", (
    Report("status", "按状态统计", TICKETS, dim.TICKET_STATUS, TICKET_COUNT, (SUBMITTED,)),
    Report("assignee", "按处理人统计", TICKETS, dim.ASSIGNEE, ASSIGNEE_MEASURES, (SUBMITTED,), chart="tickets"),
))

GROUPS = (CUSTOMER_REPORTS, FOLLOW_UP_REPORTS, SALES_REPORTS, PRODUCT_REPORTS, STAFF_REPORTS, CUSTOMER_SALES_REPORTS,
          TICKET_REPORTS)
