"""The list pager (issue 11.1): 当前第N页，每页M条，共X条记录, page links, 转到 N 页, capped totals."""

import re

import pytest

import admin_views.paging as paging
from tests.helpers import PASSWORD, login, make_employee, make_role
from tests.order_factories import make_customer, make_product


def _summary(page: str) -> str:
    return re.search(r'id="pager-summary">([^<]+)<', page).group(1)


def _links(page: str) -> dict[str, str]:
    nav = page[page.index('id="list-pager"'):page.index('id="pager-goto"')]
    found = re.findall(r'<a class="page-link"(?: id="[^"]+")? href="([^"]+)">([^<]+)</a>', nav)
    return {label: href.replace("&amp;", "&") for href, label in found}


@pytest.fixture()
def products(db):
    for i in range(45):
        make_product(name=f"分页产品{i:02d}")
    db.session.commit()


def test_small_list_shows_exact_total_and_page_links(client, products):
    login(client)
    page = client.get("/product/").get_data(as_text=True)
    assert _summary(page) == "当前第1页，每页20条，共45条记录"
    links = _links(page)
    assert {"2", "3", "下页", "尾页"} <= set(links) and "首页" not in links and "上页" not in links
    assert "page=2" in links["尾页"] and "page=1" in links["2"]
    last = client.get(links["尾页"]).get_data(as_text=True)
    assert _summary(last) == "当前第3页，每页20条，共45条记录"
    assert "下页" not in _links(last) and {"首页", "上页", "1", "2"} <= set(_links(last))
    assert len(re.findall(r"<td class=\"col-name\">分页产品\d\d", last)) == 5


def test_page_size_and_search_narrow_the_total(client, products):
    login(client)
    page = client.get("/product/?page_size=50").get_data(as_text=True)
    assert _summary(page) == "当前第1页，每页50条，共45条记录" and "尾页" not in _links(page)
    page = client.get("/product/?search=分页产品0").get_data(as_text=True)
    assert _summary(page) == "当前第1页，每页20条，共10条记录"
    assert 'name="search" value="分页产品0"' in page[page.index('id="pager-goto"'):]  # 转到 keeps the search


@pytest.mark.parametrize("typed, shown", [("3", 3), ("2", 2), ("abc", 1), ("0", 1), ("-2", 1), ("²", 1),
                                          ("99999999999", 1), ("", 1)])
def test_typed_page_number_jumps_there_or_to_page_one(client, products, typed, shown):
    login(client)
    response = client.get("/product/", query_string={"goto": typed})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _summary(page) == f"当前第{shown}页，每页20条，共45条记录"
    assert "goto=" not in "".join(_links(page).values())  # never copied into the page links


def test_big_list_says_capped_total_and_has_no_last_page(client, products, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 30)
    login(client)
    page = client.get("/product/").get_data(as_text=True)
    assert _summary(page) == "当前第1页，每页20条，共30+条记录"
    links = _links(page)
    assert "尾页" not in links and "下页" in links
    page = client.get("/product/?goto=3").get_data(as_text=True)
    assert "下页" not in _links(page)  # only 5 rows: nothing after


def test_total_follows_data_scope(client, db):
    role = make_role("销售员", ["customer.view"], scopes={"customer": "self"})
    rep = make_employee("rep", role=role, real_name="销售丙")
    for i in range(3):
        make_customer(name=f"自己的客户{i}", owner=rep)
    for i in range(4):
        make_customer(name=f"别人的客户{i}")
    db.session.commit()
    login(client, "rep", PASSWORD)
    assert _summary(client.get("/customer/").get_data(as_text=True)) == "当前第1页，每页20条，共3条记录"


def test_keyset_pages_keep_page_numbers_and_total(client, db):
    for i in range(45):
        make_customer(name=f"分页客户{i:02d}")
    db.session.commit()
    login(client)
    page = client.get("/customer/").get_data(as_text=True)
    assert _summary(page) == "当前第1页，每页20条，共45条记录"
    following = _links(page)["下页"]
    assert "after=" in following and "page=1" in following
    page = client.get(following).get_data(as_text=True)
    assert _summary(page) == "当前第2页，每页20条，共45条记录"
    assert re.findall(r"分页客户(\d\d)", page)[0] == "24"
