"""The SVG chart: no script of any kind, each bar a same-window link, Chinese labels and exact values."""

from decimal import Decimal

from app.services.reports.charts import bar_chart


def test_bars_link_to_their_lists_without_any_script():
    svg = str(bar_chart("销售金额", [("广东省", Decimal("19000.00"), "/report-sales/records?r=province&k=广东省"),
                                     ("河南省", Decimal("-336.00"), "/report-sales/records?r=province&k=河南省")],
                        "money"))
    assert svg.startswith("<svg") and "<script" not in svg and "javascript" not in svg.lower()
    assert svg.count('target="_self"') == 2
    assert 'xlink:href="/report-sales/records?r=province&amp;k=广东省"' in svg
    assert "广东省" in svg and "19,000.00" in svg and "-336.00" in svg
    assert "WenQuanYi Micro Hei" in svg


def test_small_counts_get_whole_number_ticks_and_an_empty_chart_says_so():
    svg = str(bar_chart("客户数量", [("张三", 1, "/a"), ("李四", 2, "/b")], "count"))
    assert ">0.5<" not in svg and ">1<" in svg and ">2<" in svg
    assert "没有符合条件的数据" in str(bar_chart("客户数量", [], "count"))
