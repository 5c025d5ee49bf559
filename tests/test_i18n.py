"""Language: --lang, CRM_LANG, the preferences file and the locale; JSON never changes."""

from __future__ import annotations


def test_error_messages_in_chinese(crm):
    result = crm("--lang", "zh", "customer", "show", "不存在", code=1)
    assert result.stderr.startswith("错误: 找不到客户 '不存在'")
    result = crm("--lang", "zh", "customer", "add", "X", "--level", "钻石", code=1)
    assert "未知的客户等级 '钻石'" in result.stderr and "gold/金牌" in result.stderr


def test_messages_follow_crm_lang(crm):
    out = crm("customer", "add", "客户甲", env={"CRM_LANG": "zh"}).stdout
    assert "已添加客户 C000001 客户甲" in out


def test_locale_decides_when_nothing_else_does(crm, monkeypatch):
    monkeypatch.delenv("CRM_LANG")
    crm("customer", "add", "客户甲")
    out = crm(
        "customer", "list", env={"LANG": "zh_CN.UTF-8", "LC_ALL": None, "LC_MESSAGES": None}
    ).stdout
    assert "客户名称" in out
    out = crm(
        "customer", "list", env={"LANG": "en_US.UTF-8", "LC_ALL": None, "LC_MESSAGES": None}
    ).stdout
    assert "Name" in out


def test_preferences_file_gives_language_and_format(crm, tmp_path, monkeypatch):
    monkeypatch.delenv("CRM_LANG")
    (tmp_path / "prefs.toml").write_text('lang = "zh"\nformat = "json"\n', encoding="utf-8")
    crm("customer", "add", "客户甲")
    out = crm("customer", "list").stdout
    assert out.lstrip().startswith("[") and '"level": "regular"' in out
    assert "客户名称" in crm("customer", "list", "-f", "table").stdout


def test_broken_preferences_file_is_a_clear_error(crm, tmp_path):
    (tmp_path / "prefs.toml").write_text("lang = ", encoding="utf-8")
    assert "cannot read preferences" in crm("customer", "list", code=1).stderr
    (tmp_path / "prefs.toml").write_text("format = 5", encoding="utf-8")
    result = crm("customer", "list", code=1)
    assert 'format should be text, as in format = "json"' in result.stderr


def test_enum_values_accepted_in_either_language_and_json_keys_stay_english(crm):
    crm("--lang", "zh", "customer", "add", "客户甲", "--level", "silver", "--status", "休眠")
    [record] = crm.json("--lang", "zh", "customer", "list")
    assert record["level"] == "silver" and record["status"] == "dormant"


def test_every_message_has_its_chinese():
    """Each English message written as ``t("...")`` in the code has a Chinese template
    with the same ``{params}`` in the catalogue, so ``--lang zh`` never falls back."""
    import ast
    import string
    from pathlib import Path

    from crmcli.i18n import ZH

    def params(template: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}

    missing, mismatched = [], []
    for path in sorted(Path(__file__).parents[1].joinpath("crmcli").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t"):
                continue
            if not (node.args and isinstance(node.args[0], ast.Constant)):
                continue
            message = node.args[0].value
            where = f"{path.name}:{node.lineno} {message!r}"
            if message not in ZH:
                missing.append(where)
            elif params(message) != params(ZH[message]):
                mismatched.append(where)
    assert missing == [] and mismatched == []
