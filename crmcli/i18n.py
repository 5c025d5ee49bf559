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
    # -- team mode: staff, roles, permissions, PostgreSQL (issue 7)
    "this database has users: say who you are with --user NAME or CRM_USER": "该数据库已有员工账号："
    "请用 --user 用户名 或 CRM_USER 说明你是谁",
    "list them with: crm user list": "查看员工：crm user list",
    "user '{value}' is disabled": "员工 '{value}' 已停用",
    "you are connected as the database role of {user}; --user {value} does not match": "你使用的是"
    " {user} 的数据库角色连接，与 --user {value} 不符",
    "{user} ({role}) may not {action}": "{user}（{role}）无权{action}",
    "allowed to: {roles}": "有权限的角色：{roles}",
    "assign customers": "分配客户",
    "add customers": "添加客户",
    "change customer {code}": "修改客户 {code}",
    "change {what} of customer {code}": "修改客户 {code} 的{what}",
    "change settings": "修改业务设置",
    "manage staff": "管理员工",
    "purge deleted records": "永久清除已删除记录",
    "start the database afresh": "重建数据库",
    "back up the database": "备份数据库",
    "give records to other staff": "把记录交给其他员工",
    "service staff read customers and work tickets": "客服人员可以查看客户、处理工单，但不能修改客户",
    "it belongs to {owner}; a manager can reassign it with crm customer assign": "该客户属于 "
    "{owner}；经理可以用 crm customer assign 重新分配",
    "leave out --owner, or ask a manager to assign it (crm customer assign)": "去掉 --owner，"
    "或请经理分配（crm customer assign）",
    "you see your own and unassigned customers": "你只能看到自己负责的和未分配的客户",
    "invalid username '{value}': 1 to 32 lower-case letters, digits, . _ or -, "
    "starting with a letter": "无效用户名 '{value}'：应为 1 到 32 个小写字母、数字、. _ 或 -，"
    "以字母开头",
    "the first user must be an admin": "第一个员工必须是管理员",
    "add yourself first: crm user add USERNAME --role admin": "请先添加自己：crm user add 用户名 "
    "--role admin",
    "user '{value}' exists": "员工 '{value}' 已存在",
    "{user} is the last active admin; make another admin first": "{user} 是最后一个在职管理员，"
    "请先指定另一位管理员",
    "{user} has no database role: passwords are for PostgreSQL": "{user} 没有数据库角色：密码只用于 "
    "PostgreSQL",
    "staff are managed through the database owner's connection, not a staff role": "员工账号需要用"
    "数据库所有者的连接来管理，不能用员工自己的数据库角色",
    "run crm user ... with --db set to the owner's URL": "请用 --db 指定所有者的连接地址再运行 "
    "crm user ...",
    "the database account {account} may not create or change roles": "数据库账号 {account} "
    "无权创建或修改角色",
    "manage staff with the database owner's connection; the owner needs CREATEROLE "
    "(ALTER ROLE owner CREATEROLE)": "请用数据库所有者的连接管理员工；所有者需要 CREATEROLE 权限"
    "（ALTER ROLE owner CREATEROLE）",
    "Added user {user} ({role})": "已添加员工 {user}（{role}）",
    "Updated user {user} ({role})": "已修改员工 {user}（{role}）",
    "User {user} ({role}) unchanged": "员工 {user}（{role}）没有变化",
    "Disabled user {user}": "已停用员工 {user}",
    "give --name, --role, --enable or --reset-password": "请给出 --name、--role、--enable 或 "
    "--reset-password",
    "Database role {role}, password {password} (shown only now). {user} connects with:": "数据库角色"
    " {role}，密码 {password}（只显示这一次）。{user} 这样连接：",
    "Note: on SQLite crm enforces these permissions, but whoever can read the database file "
    "sees everything. A team shares a PostgreSQL server.": "注意：使用 SQLite 时权限由 crm 检查，"
    "但任何能读取数据库文件的人都能看到全部数据。团队共用请使用 PostgreSQL 服务器。",
    "--team goes with --demo": "--team 需要与 --demo 一起使用",
    "Team mode with {count} staff: say who you are with --user NAME (crm user list shows them)": (
        "团队模式，共 {count} 名员工：请用 --user 用户名 说明你是谁（crm user list 查看员工）"
    ),
    "backing up PostgreSQL needs pg_dump and pg_restore": "备份 PostgreSQL 需要 pg_dump 和 "
    "pg_restore",
    "install PostgreSQL's client programs (Debian: apt-get install postgresql-client)": "请安装 "
    "PostgreSQL 客户端程序（Debian：apt-get install postgresql-client）",
    "pg_dump failed: {error}": "pg_dump 失败：{error}",
    "cannot read the backup back: {error}": "无法读回备份文件：{error}",
    "the backup's row counts differ from the database's: {tables}": "备份的行数与数据库不一致：{tables}",
    "{rows} rows in {tables} tables, counts checked against the database": "共 {tables} 张表 "
    "{rows} 行，行数已与数据库核对",
}
