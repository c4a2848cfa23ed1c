"""Customer demo data: one realistic customer for tests and demos, and bulk builders for benchmark volumes."""

import itertools

from app.services.customers.records import create_customer

_counter = itertools.count(1)


def make_customer(actor, name: str | None = None, mobile: str | None = None, **values):
    """Create one customer through the real service (duplicate rules and search index included)."""
    n = next(_counter)
    values.setdefault("contact_name", "陈军")
    values["name"] = name or f"深圳晶显自动化设备有限公司{n}"
    if mobile is None and not any(values.get(k) for k in ("phone", "office_phone", "fax")):
        mobile = f"139{n:08d}"
    values["mobile"] = mobile
    owner = values.pop("owner", None)
    to_pool = values.pop("to_pool", False)
    return create_customer(values, actor, owner=owner, to_pool=to_pool)
