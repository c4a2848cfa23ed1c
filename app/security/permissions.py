"""Named permission codes, grouped as the menu is: module -> screen -> action.

Each admin view declares its screen; registering the view registers its codes here, so a new
module shows up in 分配权限 without touching this file.
"""

from dataclasses import dataclass, field

from flask import g, has_app_context
from flask_login import current_user

ACTION_LABELS = {
    "view": "查看",
    "add": "添加",
    "edit": "编辑",
    "delete": "删除",
    "export": "导出",
    "approve": "审核",
    "assign": "指派",
    "shelf": "上架/下架",
    "password": "修改密码",
    "permission": "分配权限",
    "transfer": "客户转移",
    "ship": "发货",
    "complete": "订单完成",
    "cancel": "取消订单",
    "pay": "回款",
    "print": "打印",
    "convert": "转为销售",
    "share": "共享",
    "abandon": "放弃",
    "claim": "领用",
    "comment": "点评",
    "download": "下载",
    "restore": "还原",
    "initialise": "初始化",
    "resend": "重新发送",
    "send": "发送",
}

# Menu categories in the manual's order (chapters 4-12); the registry keeps this order.
MODULE_ORDER = [
    "客户管理",
    "订单管理",
    "售后管理",
    "统计报表",
    "产品管理",
    "办公OA",
    "系统设置",
    "邮件管理",
    "短信管理",
    "库存管理",
]


@dataclass
class Screen:
    code: str
    label: str
    module: str
    actions: tuple[str, ...]
    scoped: bool = False  # record-owning: a role also picks a 数据范围 for it

    def codes(self) -> list[str]:
        return [f"{self.code}.{action}" for action in self.actions]


@dataclass
class Registry:
    screens: dict[str, Screen] = field(default_factory=dict)

    def register(self, screen: Screen) -> Screen:
        existing = self.screens.get(screen.code)
        if existing:
            merged = tuple(dict.fromkeys(existing.actions + screen.actions))
            existing.actions = merged
            existing.scoped = existing.scoped or screen.scoped
            return existing
        self.screens[screen.code] = screen
        return screen

    def all_codes(self) -> set[str]:
        return {code for screen in self.screens.values() for code in screen.codes()}

    def tree(self) -> list[tuple[str, list[Screen]]]:
        grouped: dict[str, list[Screen]] = {}
        for screen in self.screens.values():
            grouped.setdefault(screen.module, []).append(screen)
        order = {name: i for i, name in enumerate(MODULE_ORDER)}
        return sorted(grouped.items(), key=lambda item: order.get(item[0], 99))

    def scoped_screens(self) -> list[Screen]:
        return [screen for screen in self.screens.values() if screen.scoped]


registry = Registry()


def permissions_of(user) -> set[str]:
    """Every code the user holds; superadmins hold all of them. Cached for the current request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    cache = g.setdefault("permission_cache", {}) if has_app_context() else {}
    cached = cache.get(user.id)
    if cached is not None:
        return cached
    role = user.role
    if role is None:
        codes: set[str] = set()
    elif role.is_superadmin:
        codes = registry.all_codes()
    else:
        codes = {row.code for row in role.permissions}
    cache[user.id] = codes
    return codes


def can(code: str, user=None) -> bool:
    """The one helper every view, template and service uses to check a permission."""
    # The proxy resolved once: a page's menu asks this for each of its 80 screens.
    user = current_user._get_current_object() if user is None else user
    return code in permissions_of(user)
