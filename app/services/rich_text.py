"""Rich text typed in the browser editor (邮件正文, 公告内容): sanitised on the server before it is stored."""

import nh3

from app.services.errors import ValidationFailed

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "s", "span", "h1", "h2", "h3", "ol", "ul", "li", "a",
                "blockquote", "pre", "code", "sub", "sup"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "span": {"style"}, "p": {"style"}, "li": {"data-list"}}
ALLOWED_STYLE = {"color", "background-color", "text-align"}
URL_SCHEMES = {"http", "https", "mailto"}


def clean_rich_text(html: str | None, label: str, max_length: int = 100_000, required: bool = False) -> str:
    """The sanitised HTML; refuses empty text when required, and text over max_length characters."""
    cleaned = nh3.clean(html or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                        filter_style_properties=ALLOWED_STYLE, url_schemes=URL_SCHEMES,
                        link_rel="noopener noreferrer").strip()
    if required and not nh3.clean(cleaned, tags=set()).strip():
        raise ValidationFailed(f"{label}不能为空")
    if len(cleaned) > max_length:
        raise ValidationFailed(f"{label}太长，不能超过 {max_length} 个字符")
    return cleaned
