"""Key bindings in the user's language: screens declare them in English, as Textual
wants, and :func:`localise` gives the footer their Chinese labels under ``--lang zh``."""

from __future__ import annotations

import dataclasses
from typing import Any

from crmcli.i18n import pick

#: footer label -> its Chinese
ZH = {
    "Quit": "退出",
    "Morning": "今日",
    "Find": "查找",
    "Pipeline": "销售漏斗",
    "Add customer": "新增客户",
    "Open": "打开",
    "Done": "完成跟进",
    "Log contact": "记录接触",
    "Back": "返回",
    "Next stage": "下一阶段",
    "Prev stage": "上一阶段",
    "Refresh": "刷新",
    "Save": "保存",
    "Cancel": "取消",
}


def localise(node: Any) -> None:
    """Give ``node``'s bindings their labels in the current language."""
    from textual.binding import BindingsMap

    bindings = node._bindings
    fresh = BindingsMap()
    for _key, binding in bindings:
        label = pick(binding.description, ZH.get(binding.description, binding.description))
        fresh._add_binding(dataclasses.replace(binding, description=label))
    node._bindings = fresh
