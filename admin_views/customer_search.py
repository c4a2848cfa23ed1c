"""Lists of rows that belong to customers (联系记录, 共享) search through the customer token index."""

from sqlalchemy import select

from app.services.customers.search import search_condition
from models.customers import Customer


class CustomerIndexSearchMixin:
    """The list search box matches the row's customer, as 万能检索 would, instead of scanning text columns."""

    customer_id_column = None  # e.g. FollowUp.__table__.c.customer_id

    def search_placeholder(self):
        return "客户编号/名称/拼音简码/联系人/电话"

    def _apply_search(self, query, count_query, joins, count_joins, search):
        condition = search_condition(search)
        if condition is not None:
            matching = self.customer_id_column.in_(select(Customer.id).where(condition))
            query = query.filter(matching)
            if count_query is not None:
                count_query = count_query.filter(matching)
        return query, count_query, joins, count_joins
