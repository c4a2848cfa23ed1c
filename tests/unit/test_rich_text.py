"""Rich text from the browser editor is sanitised on the server; the editor is served locally."""

import pytest

from app.services.errors import ValidationFailed
from app.services.rich_text import clean_rich_text


def test_keeps_formatting_and_drops_script():
    html = ('<p style="text-align: center; position: fixed">欢迎<strong>新客户</strong></p>'
            '<script>alert(1)</script><img src=x onerror=alert(2)>'
            '<a href="javascript:alert(3)">坏链接</a><a href="https://example.com/a">好链接</a>')
    cleaned = clean_rich_text(html, "正文")
    assert "<strong>新客户</strong>" in cleaned
    assert "text-align:center" in cleaned.replace(" ", "")
    assert "position" not in cleaned
    assert "script" not in cleaned and "onerror" not in cleaned and "<img" not in cleaned
    assert "javascript:" not in cleaned
    assert 'href="https://example.com/a"' in cleaned


def test_required_text_cannot_be_only_markup():
    with pytest.raises(ValidationFailed, match="正文不能为空"):
        clean_rich_text("<p><br></p>", "正文", required=True)
    assert clean_rich_text("", "备注") == ""


def test_too_long_is_refused():
    with pytest.raises(ValidationFailed, match="公告内容太长"):
        clean_rich_text("<p>" + "字" * 50 + "</p>", "公告内容", max_length=20)


def test_editor_is_served_locally(client):
    for path in ("/static/vendor/quill/quill.js", "/static/js/rich_text.js", "/static/vendor/quill/quill.snow.css"):
        response = client.get(path)
        assert response.status_code == 200, path
    assert b"Quill" in client.get("/static/vendor/quill/quill.js").data
