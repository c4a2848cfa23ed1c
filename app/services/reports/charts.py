"""Server-rendered SVG bar charts (pygal) whose every bar links to its drill-down list.

pygal always writes a small inline <script> with its tooltip configuration; with js=[] nothing would
use it, and the Content-Security-Policy forbids inline scripts, so an xml filter removes it. The SVG is
embedded in the page (links do not work from <img>), with Chinese labels in WenQuanYi Micro Hei.
"""

from decimal import Decimal

import pygal
from markupsafe import Markup
from pygal.style import Style

FONT = "'WenQuanYi Micro Hei', 'Microsoft YaHei', 'PingFang SC', sans-serif"
STYLE = Style(font_family=FONT, label_font_family=FONT, major_label_font_family=FONT, value_font_family=FONT,
              title_font_family=FONT, legend_font_family=FONT, tooltip_font_family=FONT, label_font_size=15,
              major_label_font_size=15, value_font_size=12, title_font_size=15, background="white",
              plot_background="white", colors=("#3a7bbf",), foreground="#333", foreground_strong="#1f4e79",
              foreground_subtle="#dde3ea")


def _without_scripts(root):
    for parent in list(root.iter()):
        for child in list(parent):
            if str(child.tag).rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root


def _text(value, kind: str) -> str:
    if kind == "count":
        return f"{int(value):,}"
    if kind == "quantity":
        return f"{Decimal(value).normalize():f}"
    return f"{Decimal(value):,.2f}"


def _axis_text(value, kind: str) -> str:
    if kind == "money":
        return f"{value:,.2f}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def bar_chart(title: str, bars: list[tuple[str, Decimal | int, str]], kind: str) -> Markup:
    """bars: (label, value, drill-down URL). Values become floats only for the bar heights."""
    many = len(bars) > 12
    highest = max((float(value) for _, value, _ in bars), default=0)
    # a count axis of 0..1 would otherwise be labelled 0, 0.1, 0.2 ... (shown as 0, 0, 0)
    y_labels = list(range(0, int(highest) + 2)) if kind == "count" and highest < 8 else None
    chart = pygal.Bar(js=[], disable_xml_declaration=True, style=STYLE,
                      show_legend=False, width=900, height=420 if many else 360, title=title,
                      x_label_rotation=40 if many else 0, truncate_label=-1, print_values=len(bars) <= 20,
                      value_formatter=lambda v: _axis_text(v, kind), no_data_text="没有符合条件的数据",
                      y_labels=y_labels,
                      margin_bottom=10, spacing=12, show_y_guides=True)
    chart.add_xml_filter(_without_scripts)
    chart.x_labels = [label for label, _, _ in bars]
    chart.add(title, [{"value": float(value), "label": label, "formatter": lambda v, value=value: _text(value, kind),
                       "xlink": {"href": url, "target": "_self"}} for label, value, url in bars])
    return Markup(chart.render(is_unicode=True))
