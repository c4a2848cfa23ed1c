"""产品信息管理 list and search at scale, against a plain Flask-Admin ModelView on the same table."""

import time

from flask_admin.contrib.sqla import ModelView

from app.extensions import db
from app.services.demo import DemoBuilder
from models.products import Product
from tests.perf.harness import bench_app, line, logged_in_client, measure


class PlainProductView(ModelView):
    """What Flask-Admin gives out of the box: COUNT(*) per page, lower(CAST(..)) LIKE search."""

    column_searchable_list = ("code", "name", "pinyin", "spec")
    page_size = 20


def run(scale: int = 100_000) -> list[str]:
    app = bench_app("products")
    admin = app.extensions["admin"][0]
    admin.add_view(PlainProductView(Product, db, endpoint="plain_product", url="/plain-product"))
    with app.app_context():
        started = time.perf_counter()
        DemoBuilder(seed=7).products(scale)
        build_seconds = time.perf_counter() - started
    client = logged_in_client(app)
    deep_page = scale // 20 // 2
    cases = [
        ("list page 1", "/product/", "/plain-product/"),
        (f"list page {deep_page}", f"/product/?page={deep_page}", f"/plain-product/?page={deep_page}"),
        ("search name 联想", "/product/?search=联想", "/plain-product/?search=联想"),
        ("search pinyin lxbjb", "/product/?search=lxbjb", "/plain-product/?search=lxbjb"),
        ("search code P0009", "/product/?search=P0009", "/plain-product/?search=P0009"),
        ("search rare 不存在的产品", "/product/?search=不存在的产品", "/plain-product/?search=不存在的产品"),
    ]
    lines = [f"products: {scale:,} rows built in {build_seconds:.1f} s (SQLite, WAL)"]
    with app.app_context():
        for label, ours, plain in cases:
            lines.append(line(label, measure(client, ours), measure(client, plain)))
    return lines
