"""The list pager: 当前第N页，每页M条，共X条记录 首页 上页 1 2 3 … 下页 尾页 转到 [ ] 页.

Totals stay cheap on big tables: the count reads at most COUNT_CAP + 1 rows of the list's own
query (filters, search and data scope included) through a LIMITed subquery, so a list of a million
customers says "共 10,000+ 条记录" after reading 10,001 index entries instead of counting them all.
Only an exact total has a last page (尾页); a capped one pages on with 下页.
"""

from dataclasses import dataclass

from flask import g, request
from sqlalchemy import func, inspect, select

from app.extensions import db

COUNT_CAP = 10_000
WINDOW = 2  # page links shown either side of the current page


def capped_count(query, cap: int | None = None) -> tuple[int, bool]:
    """(rows, exact) for a list query: exact up to `cap`, else (cap, False).

    Sorting, paging and eager loads are dropped: they do not change how many rows match.
    """
    cap = COUNT_CAP if cap is None else cap
    key = inspect(query.column_descriptions[0]["entity"]).primary_key  # keeps the FROM, reads the index only
    rows = (query.limit(None).offset(None).enable_eagerloads(False).order_by(None)
            .with_entities(*key).limit(cap + 1).subquery())
    count = db.session.scalar(select(func.count()).select_from(rows))
    return (count, True) if count <= cap else (cap, False)


@dataclass(frozen=True)
class Pager:
    """Page numbers for one list page (`page` counts from 0, as Flask-Admin's ?page= does)."""

    page: int
    page_size: int
    total: int
    exact: bool
    has_next: bool

    @property
    def number(self) -> int:
        return self.page + 1

    @property
    def last_page(self) -> int | None:
        """The last page's index when the total is exact, else None (no 尾页 link)."""
        if not self.exact:
            return None
        return max(0, (self.total - 1) // self.page_size) if self.page_size else 0

    @property
    def total_text(self) -> str:
        return f"{self.total:,}" if self.exact else f"{self.total:,}+"

    @property
    def more_after(self) -> bool:
        return self.has_next if self.last_page is None else self.page < self.last_page

    def window(self) -> list[int | None]:
        """Page indexes to link, None where pages are left out (shown as …)."""
        last = self.last_page
        high = self.page + WINDOW if last is None else min(last, self.page + WINDOW)
        if last is None and not self.has_next:
            high = self.page
        low = max(0, self.page - WINDOW)
        pages: list[int | None] = []
        if low > 0:
            pages.append(0)
            if low > 1:
                pages.append(None)
        pages.extend(range(low, high + 1))
        if last is not None and high < last:
            if high < last - 1:
                pages.append(None)
            pages.append(last)
        elif last is None and self.has_next:
            pages.append(None)
        return pages


def make_pager(page: int, page_size: int, rows_on_page: int, total: int, exact: bool) -> Pager:
    return Pager(page=page, page_size=page_size, total=total, exact=exact,
                 has_next=bool(page_size) and rows_on_page >= page_size)


class ListTotalsMixin:
    """For CrmModelView: counts the list page's rows (capped) and hands the template a Pager."""

    show_list_total = True

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        count, query = super().get_list(page, sort_column, sort_desc, search, filters, False, page_size)
        if self.show_list_total and "crm_list_total" not in g and request.endpoint == f"{self.endpoint}.index_view":
            total, exact = capped_count(query)
            if getattr(self, "_after", None) is not None:
                # A keyset page (?after=) counts from its cursor: the pages before it hold the rest.
                total += self._get_list_extra_args().page * (page_size or self.page_size)
            g.crm_list_total = (total, exact)
        return count, (query.all() if execute else query)

    def render(self, template, **kwargs):
        if template == self.list_template and "crm_list_total" in g and "data" in kwargs:
            total, exact = g.crm_list_total
            kwargs["list_pager"] = make_pager(kwargs["page"], kwargs["page_size"], len(kwargs["data"]), total, exact)
        return super().render(template, **kwargs)
