"""Language: English or Chinese for table headers, enum labels and messages.

Messages are written in English in the code and wrapped in :func:`t`; the Chinese
catalogue below translates them. JSON keys and enum keys never change with the
language. The language comes from ``--lang``, else ``CRM_LANG``, else the personal
preferences file, else the locale.
"""

from __future__ import annotations

import os

LANGS = ("en", "zh")
_current = "en"


def set_lang(lang: str) -> None:
    global _current
    _current = lang


def lang() -> str:
    return _current


def is_zh() -> bool:
    return _current == "zh"


def normalise_lang(value: str) -> str | None:
    """Map 'zh', 'zh_CN.UTF-8', '中文', 'EN' ... to 'zh' or 'en'; None if unknown."""
    v = value.strip().lower()
    if v in ("zh", "cn", "chinese", "中文") or v.startswith(("zh_", "zh-", "zh.")):
        return "zh"
    if v in ("en", "english", "英文") or v.startswith(("en_", "en-", "en.")) or v in ("c", "posix"):
        return "en"
    return None


def locale_lang() -> str:
    """The language of the environment's locale (LC_ALL, LC_MESSAGES, LANG)."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return normalise_lang(value) or "en"
    return "en"


def t(message: str, **params: object) -> str:
    """Translate an English message template and fill in its ``{params}``."""
    template = ZH.get(message, message) if _current == "zh" else message
    return template.format(**params) if params else template


def pick(en: str, zh: str) -> str:
    """Choose between an English and a Chinese label."""
    return zh if _current == "zh" else en


# The Chinese catalogue: English template -> Chinese template.
ZH: dict[str, str] = {
    # errors and hints, shared
    "Error": "错误",
    "Warning": "警告",
    "Hint": "提示",
    "unknown {what} '{value}' ({accepted})": "未知的{what} '{value}'（可用：{accepted}）",
    "invalid date '{value}': use 2026-03-01, 2026/3/1, 2026年3月1日, today, tomorrow, "
    "yesterday or an offset like +3d, -2w, +1m": "无效日期 '{value}'：可用 2026-03-01、2026/3/1、"
    "2026年3月1日、today、tomorrow、yesterday 或 +3d、-2w、+1m 这样的偏移",
    "invalid number '{value}' for {field}": "{field} 的数值无效：'{value}'",
    "invalid whole number '{value}' for {field}": "{field} 需要整数，'{value}' 无效",
    "invalid amount '{value}' for {field}: use a number with at most 2 decimals": "{field} 金额无效："
    "'{value}'，请使用最多两位小数的数字",
    "{field} must be between {low} and {high}, not {value}": "{field} 必须在 {low} 到 {high} 之间，"
    "而不是 {value}",
    "{field} must be at least {low}, not {value}": "{field} 不能小于 {low}，而不是 {value}",
    "{field} must be at most {high}, not {value}": "{field} 不能大于 {high}，而不是 {value}",
    "{field} must not be negative: {value}": "{field} 不能为负数：{value}",
    "invalid e-mail '{value}': {reason}": "无效邮箱 '{value}'：{reason}",
    "invalid phone '{value}': use 5 to 20 digits, an optional leading +, and an optional "
    "extension (x123, ext 123, 转123)": "无效电话 '{value}'：应为 5 到 20 位数字，可带开头的 +，"
    "可带分机（x123、ext 123、转123）",
    "invalid website '{value}'": "无效网址 '{value}'",
    "{field} is required": "{field}不能为空",
    "{field} is too long ({length} characters, at most {limit})": "{field}过长（{length} 个字符，"
    "最多 {limit} 个）",
    "invalid custom field '{value}': use KEY=VALUE": "自定义字段格式错误 '{value}'：请用 KEY=VALUE",
    "custom field name '{value}' clashes with the field '{field}'; use --{option}": "自定义字段名 "
    "'{value}' 与字段 '{field}' 重名，请使用 --{option}",
    "invalid tag '{value}': tags cannot contain commas": "无效标签 '{value}'：标签不能包含逗号",
    "unknown sort field '{value}' ({accepted})": "未知的排序字段 '{value}'（可用：{accepted}）",
    "invalid language '{value}' (en, zh)": "无效语言 '{value}'（en、zh）",
    "unexpected error: {error}": "意外错误：{error}",
    "run again with CRM_DEBUG=1 to see the traceback": "设置 CRM_DEBUG=1 重新运行可查看详细堆栈",
    "database error: {error}": "数据库错误：{error}",
    "Aborted.": "已取消。",
    # records and references
    "no {what} '{ref}'": "找不到{what} '{ref}'",
    "'{ref}' matches {count} {what}s: {candidates}": "'{ref}' 对应 {count} 个{what}：{candidates}",
    "name them by code or id": "请改用编号或 id 指定",
    "see the list with: {command}": "查看列表：{command}",
    "{what} {ref} is deleted": "{what} {ref} 已删除",
    "restore it first: crm customer restore {ref}": "请先恢复：crm customer restore {ref}",
    "{what} {ref} is not deleted": "{what} {ref} 未被删除",
    "customer code '{value}' is already used by {other}": "客户编号 '{value}' 已被 {other} 使用",
    "no changes given": "没有给出要修改的内容",
    "give at least one field option, --set KEY=VALUE or --unset KEY": "请至少给出一个字段选项、"
    "--set KEY=VALUE 或 --unset KEY",
    "no custom field '{key}' on {ref}": "{ref} 没有自定义字段 '{key}'",
    "unknown user '{value}'": "未知用户 '{value}'",
    "users are added with: crm user add USERNAME --role ROLE": "添加员工：crm user add 用户名 --role 角色",
    # customers
    "Added customer {code} {name}": "已添加客户 {code} {name}",
    "Updated customer {code} {name}": "已修改客户 {code} {name}",
    "Customer {code} {name} unchanged": "客户 {code} {name} 没有变化",
    "Deleted customer {code} {name} (restore with: crm customer restore {code})": "已删除客户 "
    "{code} {name}（恢复：crm customer restore {code}）",
    "Restored customer {code} {name}": "已恢复客户 {code} {name}",
    "Assigned customer {code} {name} to {owner}": "已将客户 {code} {name} 分配给 {owner}",
    "Delete customer {code} {name}?": "删除客户 {code} {name}？",
    "a customer with the same {what} exists: {others}": "已有相同{what}的客户：{others}",
    "name": "名称",
    "phone": "电话",
    "e-mail": "邮箱",
    "{shown} of {total} shown; {more} more (use --limit N or -f json)": "显示 {shown} / {total} 条，"
    "另有 {more} 条（使用 --limit N 或 -f json 查看全部）",
    "No {what} found.": "没有找到{what}。",
    "customers": "客户",
    "contacts": "联系人",
    "audit entries": "审计记录",
    "settings": "设置",
    # contacts
    "Added contact {name} (id {id}) to {code} {customer}": "已为 {code} {customer} 添加联系人 "
    "{name}（id {id}）",
    "Updated contact {name} (id {id})": "已修改联系人 {name}（id {id}）",
    "Contact {name} (id {id}) unchanged": "联系人 {name}（id {id}）没有变化",
    "Deleted contact {name} (id {id})": "已删除联系人 {name}（id {id}）",
    "Delete contact {name} of {customer}?": "删除 {customer} 的联系人 {name}？",
    "relation level": "关系等级",
    # config
    "unknown setting '{key}' ({accepted})": "未知设置 '{key}'（可用：{accepted}）",
    "invalid value for {key}: {reason}": "{key} 的值无效：{reason}",
    "Set {key} = {value}": "已设置 {key} = {value}",
    "Reset {key} to its default": "已将 {key} 恢复为默认值",
    # database
    "cannot open database {path}: {error}": "无法打开数据库 {path}：{error}",
    "the database schema ({found}) is newer than this crm ({head}); upgrade crmcli": "数据库结构"
    "（{found}）比当前 crm（{head}）更新，请升级 crmcli",
    "Upgraded the database schema from {old} to {new}": "数据库结构已从 {old} 升级到 {new}",
    "Backed up the database to {path} before upgrading": "升级前已备份数据库到 {path}",
    "The database schema is current ({head})": "数据库结构已是最新（{head}）",
    "Backed up {source} to {target}": "已将 {source} 备份到 {target}",
    "Database {url} is ready": "数据库 {url} 已就绪",
    "Database {url} already exists and holds data; nothing changed": "数据库 {url} 已存在且有数据，"
    "未做改动",
    "Loaded the demo company into {url}": "已将示例公司数据载入 {url}",
    "Moved the old database aside to {path}": "旧数据库已移到 {path}",
    "the database {url} already holds data": "数据库 {url} 中已有数据",
    "add --force to start afresh (the old file is kept as a backup)": "加 --force 重新开始"
    "（旧文件会保留为备份）",
    "Purged {count} deleted records": "已永久清除 {count} 条已删除记录",
    "Purge {count} deleted records for good?": "永久清除 {count} 条已删除记录？",
    "Nothing to purge": "没有需要清除的记录",
    "The database is healthy": "数据库完好",
    "{count} problems found": "发现 {count} 个问题",
    "a backup must go to a new file; {path} exists": "备份必须写入新文件，{path} 已存在",
    "backup is only available for SQLite here; use pg_dump for PostgreSQL": "此处仅支持 SQLite "
    "备份；PostgreSQL 请使用 pg_dump",
    # -- reports (analytical CRM)
    "format": "格式",
    "segmentation": "细分方式",
    "customers with orders": "有订单的客户",
    "opportunities": "销售机会",
    "interactions": "接触记录",
    "follow-ups": "跟进",
    "tickets": "工单",
    "Reverted batch {batch}: {reverted} levels put back, {kept} changed since and kept": "已撤销批次 {batch}："
    "恢复 {reverted} 个客户等级，{kept} 个之后已被修改，保持不变",
    "--apply works with --by abc only": "--apply 只能与 --by abc 一起使用",
    "RFM segments as of {day} ({n} customers with orders)": "RFM 客户细分（截至 {day}，{n} 个有订单的客户）",
    "ABC tiers as of {day}": "ABC 分类（截至 {day}）",
    "Levels set from ABC: {changed} of {customers} customers changed (undo with: crm report segment "
    "--revert {batch})": "已按 ABC 分类设置客户等级：{customers} 个客户中修改了 {changed} 个"
    "（撤销：crm report segment --revert {batch}）",
    "Sales funnel": "销售漏斗",
    "Won {won}, lost {lost}, win rate {rate}, average days to win {days}": "赢单 {won}，输单 {lost}，"
    "赢率 {rate}，平均成交天数 {days}",
    "Forecast": "销售预测",
    "Contacts made {since} - {until}": "客户接触（{since} 至 {until}）",
    "Follow-ups due in the period": "期间到期的跟进",
    "Service tickets": "服务工单",
    "the report book is an .xlsx file, not '{value}'": "分析报告必须是 .xlsx 文件，而不是 '{value}'",
    "Wrote {path}: {sheets} sheets": "已写入 {path}：共 {sheets} 个工作表",
    "apply levels to customers": "批量设置客户等级",
    "no level apply batch {batch}": "没有等级设置批次 {batch}",
    "see the batches with: crm db audit --entity customer": "查看批次：crm db audit --entity customer",
    "batch {batch} was already reverted": "批次 {batch} 已经撤销过",
}
