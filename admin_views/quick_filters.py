"""One-click filters (issue 11, item 8): a dropdown in the list's menu bar for each common filter.

Each dropdown drives the view's own Flask-Admin filter (same URL argument, so exports, bookmarks and the filter
chips keep working); choosing an entry reloads the list at once, choosing 全部 removes the filter.
"""

import re

from flask import request


def _find(view, name: str):
    for index, flt in enumerate(view._filters or ()):
        if str(flt.name) == name and flt.get_options(view) is not None:
            return index, flt
    return None, None


def filter_arg(view, name: str) -> str | None:
    """The URL argument (`flt0_<arg>`) of the view's first filter with choices called `name`."""
    index, flt = _find(view, name)
    return None if flt is None else f"flt0_{view.get_filter_arg(index, flt)}"


def quick_filters(view, names) -> list[dict]:
    """label, URL argument, choices and the value now applied, of each named filter the view has."""
    chosen = []
    for name in names:
        index, flt = _find(view, name)
        if flt is None:
            continue
        suffix = view.get_filter_arg(index, flt)
        pattern = re.compile(rf"^flt\d+_{re.escape(suffix)}$")
        current = next((value for key, value in request.args.items() if pattern.match(key)), "")
        options = [(str(value), label) for value, label in flt.get_options(view)]
        chosen.append({"label": name, "arg": f"flt0_{suffix}", "suffix": suffix, "options": options,
                       "value": current})
    return chosen


def filtered_list_url(endpoint: str, name: str, value) -> str | None:
    """The list of another view filtered by one of its filters, e.g. 客户资料管理 by 客服专员."""
    from flask import current_app, url_for

    view = next((v for v in current_app.extensions["admin"][0]._views if v.endpoint == endpoint), None)
    arg = filter_arg(view, name) if view is not None else None
    return f"{url_for(f'{endpoint}.index_view')}?{arg}={value}" if arg else None
