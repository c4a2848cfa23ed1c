"""Views with rich-text fields list these in extra_css / extra_js and mark the textarea `data-rich-text`."""

from flask import url_for


class StaticUrl:
    """A static file's URL, built when the page renders (view classes are declared before any request)."""

    def __init__(self, filename: str):
        self.filename = filename

    def __str__(self) -> str:
        return url_for("static", filename=self.filename)


RICH_TEXT_CSS = [StaticUrl("vendor/quill/quill.snow.css")]
RICH_TEXT_JS = [StaticUrl("vendor/quill/quill.js"), StaticUrl("js/rich_text.js")]
RICH_TEXT_WIDGET = {"data-rich-text": "1", "rows": 12}
