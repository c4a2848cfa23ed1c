"""统计报表 (manual ch. 7): one screen per report group, each with its chart, table, drill-down and export.

The views only parse the request and render: what a report counts, how it is grouped and filtered,
and which records sit behind a bar all come from app/services/reports/definitions.py.
"""

from decimal import Decimal

from flask import abort, request, url_for
from flask_admin import expose
from flask_login import current_user

from admin_views.base import SecuredView, send_temporary_xlsx
from admin_views.reports_records import COLUMNS, LOAD_OPTIONS
from app.security.permissions import Screen
from app.services.customers.regions import region_tree
from app.services.errors import DomainError
from app.services.excel import write_workbook
from app.services.reports import definitions as defs
from app.services.reports import engine
from app.services.reports.charts import bar_chart
from app.services.reports.filters import CategoryFilter, DebtFilter

MODULE = "统计报表"


def number(value, kind: str) -> str:
    """Amounts as the manual's tables print them: 106841.12, quantities without trailing zeros."""
    if kind == "count":
        return str(int(value))
    if kind == "quantity":
        text = f"{Decimal(value).normalize():f}"
        return "0" if text in ("-0", "0E-3") else text
    return f"{Decimal(value):.2f}"


class ReportView(SecuredView):
    """A report group (客户数量报表 ...): tabs for its reports, filters, an SVG chart beside the table."""

    group: defs.ReportGroup

    def __init__(self, model=None, **kwargs):
        super().__init__(**kwargs)

    def _report(self) -> defs.Report:
        report = self.group.report(request.args.get("r"))
        if report is None:
            abort(404)
        return report

    def _url(self, name: str, report, params, **extra) -> str:
        return url_for(f".{name}", r=report.key, **params.query_args(report), **extra)

    def _records_url(self, report, params, key, measure) -> str:
        extra = {"k": list(key)} if key is not None else {}
        return self._url("records", report, params, m=measure.key, **extra)

    def _context(self, report):
        return {"group": self.group, "report": report, "number": number, "tab_url": self._tab_url,
                "categories": CategoryFilter.choices() if report.filter("category") else [],
                "provinces": list(region_tree()) if report.filter("province") else [],
                "debt_choices": DebtFilter.CHOICES, "args": request.args,
                "can_export": self.allowed("export")}

    def _tab_url(self, report) -> str:
        return url_for(".index", r=report.key)

    def _failed(self, report, exc: DomainError):
        return self.render("admin/reports/report.html", error=exc.message, table=None, chart=None,
                           params=None, **self._context(report)), 400

    @expose("/")
    def index(self):
        report = self._report()
        try:
            params = engine.parse_params(report, request.args, current_user)
            page = engine.parse_page(request.args.get("page")) if report.page_size else 1
            table = engine.aggregate(report, params, current_user, page=page)
        except DomainError as exc:
            return self._failed(report, exc)
        measure = report.chart_measure
        bars = [(report.dimension.chart_label(row.key, row.labels), row.values[measure.key],
                 self._records_url(report, params, row.key, measure))
                for row in table.rows[:report.chart_limit]]
        chart = bar_chart(f"{report.label if len(self.group.reports) > 1 else ''}{measure.label}".strip(),
                          bars, measure.kind)
        cell_url = {(row.key, x.key): self._records_url(report, params, row.key, x)
                    for row in table.rows for x in report.measures}
        total_url = {x.key: self._records_url(report, params, None, x) for x in report.measures}
        page_url = (lambda n: self._url("index", report, params, page=n)) if report.page_size else None
        return self.render("admin/reports/report.html", error=None, table=table, chart=chart, params=params,
                           chips=params.chips(report), cell_url=cell_url, total_url=total_url,
                           export_url=self._url("export", report, params), page_url=page_url,
                           **self._context(report))

    @expose("/records")
    def records(self):
        report = self._report()
        entity = report.entity
        try:
            params = engine.parse_params(report, request.args, current_user)
            page = engine.parse_page(request.args.get("page"))
            key = tuple(request.args.getlist("k")) if "k" in request.args else None
            found = engine.records(report, params, current_user, key, request.args.get("m"), page=page,
                                   options=LOAD_OPTIONS[entity.key])
            measure = report.measure(request.args.get("m") or "") or report.chart_measure
            chips = params.chips(report) + engine.key_chips(report, params, key, measure)
        except DomainError as exc:
            return self.render("admin/reports/records.html", error=exc.message, report=report, group=self.group,
                               measure=report.chart_measure, back_url=url_for(".index", r=report.key)), 400
        shown = [x for x in engine.siblings(report, measure) if x.value is not None]

        def page_url(n):
            return url_for(".records", **{**request.args.to_dict(flat=False), "page": n})

        return self.render("admin/reports/records.html", error=None, report=report, group=self.group, found=found,
                           columns=COLUMNS[entity.key], chips=chips, measure=measure, shown=shown, number=number,
                           back_url=self._url("index", report, params), page_url=page_url, entity=entity)

    @expose("/export.xlsx")
    def export(self):
        self.require("export")
        report = self._report()
        try:
            params = engine.parse_params(report, request.args, current_user)
            table = engine.aggregate(report, params, current_user, everything=True)
        except DomainError as exc:
            return self._failed(report, exc)
        headers = [*report.dimension.headers, *[x.label for x in report.measures]]
        width = len(report.dimension.headers)
        rows = [[*row.labels, *[row.values[x.key] for x in report.measures]] for row in table.rows]
        rows.append(["合计", *[""] * (width - 1), *[table.total[x.key] for x in report.measures]])
        title = self.group.label if len(self.group.reports) == 1 else f"{self.group.label}-{report.label}"
        path = write_workbook([(title[:31], headers, rows)])
        return send_temporary_xlsx(path, title)


def _screen(code: str, label: str) -> Screen:
    return Screen(code, label, MODULE, ("view", "export"))


class CustomerCountReportView(ReportView):
    group = defs.CUSTOMER_REPORTS
    screen = _screen(group.code, group.label)


class FollowUpReportView(ReportView):
    group = defs.FOLLOW_UP_REPORTS
    screen = _screen(group.code, group.label)


class SalesReportView(ReportView):
    group = defs.SALES_REPORTS
    screen = _screen(group.code, group.label)


class ProductSalesReportView(ReportView):
    group = defs.PRODUCT_REPORTS
    screen = _screen(group.code, group.label)


class StaffReportView(ReportView):
    group = defs.STAFF_REPORTS
    screen = _screen(group.code, group.label)


class CustomerSalesReportView(ReportView):
    group = defs.CUSTOMER_SALES_REPORTS
    screen = _screen(group.code, group.label)


class TicketReportView(ReportView):
    group = defs.TICKET_REPORTS
    screen = _screen(group.code, group.label)


REPORT_VIEWS = [CustomerCountReportView, FollowUpReportView, SalesReportView, ProductSalesReportView,
                StaffReportView, CustomerSalesReportView, TicketReportView]
