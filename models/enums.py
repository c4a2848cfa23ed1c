"""Enumerations shared by models and services."""

import enum


class DataScope(enum.StrEnum):
    """数据范围 of a role for one record-owning module (manual 4.1)."""

    ALL = "all"
    SUBORDINATES = "subordinates"
    SELF = "self"

    @property
    def label(self) -> str:
        return {"all": "查看所有", "subordinates": "查看自己及下属", "self": "查看自己"}[self.value]
