"""Every message of the selling commands has its Chinese, and the labels are Chinese too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from crmcli.cli.selling.catalog import MESSAGES
from crmcli.i18n import ZH

ROOT = Path(__file__).resolve().parents[1] / "crmcli"
MODULES = [
    "services/selling/pipeline.py",
    "services/selling/catalog.py",
    "services/selling/orders.py",
    "services/selling/contracts.py",
    "cli/selling/opportunity.py",
    "cli/selling/order.py",
    "cli/selling/contract.py",
    "cli/selling/catalog.py",
]
#: templates used through a variable (``t(message, ...)``) or built from a noun
INDIRECT = [
    *(m for messages in MESSAGES.values() for m in messages),
    "Updated opportunity {code} {title}",
    "Opportunity {code} {title} unchanged",
    "Order {code} is now {status}",
    "Order {code} unchanged",
    *(f"{noun}{s}" for noun in ("supplier", "product", "competitor") for s in ("", "s")),
]


def templates(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", None) == "t"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append(node.args[0].value)
    return found


@pytest.mark.parametrize("module", MODULES)
def test_every_message_has_chinese(module):
    missing = [m for m in templates(ROOT / module) if m not in ZH]
    assert missing == []


def test_indirect_messages_have_chinese():
    assert [m for m in INDIRECT if m not in ZH] == []


def test_chinese_templates_keep_their_placeholders():
    import string

    for module in MODULES:
        for message in templates(ROOT / module):
            english = {f for _, f, _, _ in string.Formatter().parse(message) if f}
            chinese = {f for _, f, _, _ in string.Formatter().parse(ZH[message]) if f}
            assert english == chinese, message


def test_a_selling_session_in_chinese(crm):
    crm("customer", "add", "甲公司")
    crm("product", "add", "服务器", "--price", "15800")
    assert (
        "添加销售机会 O000001 服务器采购（初步接洽，赢率 10%）"
        in crm(
            "--lang", "zh", "opportunity", "add", "甲公司", "服务器采购", "--amount", "15800"
        ).stdout
    )
    out = crm("--lang", "zh", "opportunity", "stage", "O000001", "赢单").stdout
    assert "已从“初步接洽”进入“赢单”（赢率 100%）" in out and "已成为成交客户" in out
    assert (
        "已为 C000001 甲公司 添加订单 D000001"
        in crm("--lang", "zh", "order", "add", "甲公司", "-i", "服务器:1").stdout
    )
    table = crm("--lang", "zh", "order", "list").stdout
    assert "订单编号" in table and "已确认" in table and "有效订单 1 张" in table
