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


def t(message: str, /, **params: object) -> str:
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
    "amount '{value}' for {field} is too large (under {limit})": "{field} 的金额 '{value}' 过大"
    "（须小于 {limit}）",
    "invalid amount '{value}' for {field}: use a number with at most 2 decimals": "{field} 金额无效："
    "'{value}'，请使用最多两位小数的数字",
    "{field} must be between {low} and {high}, not {value}": "{field} 必须在 {low} 到 {high} 之间，"
    "而不是 {value}",
    "{field} must be at least {low}, not {value}": "{field} 不能小于 {low}，而不是 {value}",
    "{field} must be at most {high}, not {value}": "{field} 不能大于 {high}，而不是 {value}",
    "{field} must be yes or no: {value}": "{field} 应为“是”或“否”：{value}",
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
    "invalid {option} '{value}': use KEY=VALUE": "{option} 格式错误 '{value}'：请用 KEY=VALUE",
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
    "{what} '{value}' is already taken; choose another": "{what} '{value}' 已被占用，请换一个",
    # moving in (issue 13)
    "owners who are not users of this book, kept as a custom field under their column: "
    "{names}; add them with crm user add USERNAME --name NAME, then import again to assign "
    "them": "负责人不是本账套的用户，已作为自定义字段保存在原列名下：{names}；请用 crm user add "
    "用户名 --name 姓名 添加后重新导入以分配（按姓名匹配）",
    "the columns are those of an export from {system}": "这些列来自 {system} 的导出文件",
    "read past line(s) {rows} above the header: {text}": "已跳过表头上方的第 {rows} 行：{text}",
    "read past line(s) {rows} after the data: {text}": "已跳过数据之后的第 {rows} 行：{text}",
    "column '{column}' does not hold {field} values ('{value}'): kept as a custom field": "列"
    "“{column}”的值不是{field}（'{value}'），已作为自定义字段保存",
    "the values of the mapping {file} should map, per field, a value to ours": "映射文件 {file} 的"
    " values 应按字段把文件里的值对应到本系统的值",
    "for example  values: {level: {A: gold, B: silver, C: regular}}": "例如  values: {level: "
    "{A: gold, B: silver, C: regular}}",
    "a number of {count} digits: Excel keeps 15, so '{value}' has lost its last digits; "
    "format the column as text in Excel and export again": "{count} 位的数字：Excel 只保留 15 位，"
    "'{value}' 的末几位已经丢失；请在 Excel 中把这一列设为文本格式后重新导出",
    "a formula the file holds no value for (it was never computed); open the file in "
    "Excel or LibreOffice, save it, and import again": "公式没有计算结果（文件中只有公式）；"
    "请用 Excel 或 LibreOffice 打开并保存该文件后重新导入",
    "database {path} is read-only: it can be read, not changed": "数据库 {path} 是只读的：可以查看，"
    "不能修改",
    "copy it to a folder you may write, or ask for write access to it": "请把它复制到可写的文件夹，"
    "或申请写权限",
    "its schema ({found}) needs an upgrade to {head}: copy it to a folder you may write and open "
    "the copy": "它的数据库结构（{found}）需要升级到 {head}：请复制到可写的文件夹，再打开副本",
    "a customer {user} may not see": "{user} 无权查看的客户",
    "{key} already taken by {customer}; leave it out, or ask a manager": "{key}已被 {customer}占用；"
    "请留空，或请经理处理",
    "{field} may not contain spaces: '{value}'": "{field}不能包含空格：'{value}'",
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
    "Deleted contact {name} (id {id}; restore with: crm contact restore {id})": "已删除联系人 "
    "{name}（id {id}；恢复：crm contact restore {id}）",
    "Restored contact {name} (id {id})": "已恢复联系人 {name}（id {id}）",
    "Delete contact {name} of {customer}?": "删除 {customer} 的联系人 {name}？",
    "relation level": "关系等级",
    # config
    "unknown setting '{key}' ({accepted})": "未知设置 '{key}'（可用：{accepted}）",
    "invalid value for {key}: {reason}": "{key} 的值无效：{reason}",
    "Set {key} = {value}": "已设置 {key} = {value}",
    "Reset {key} to its default": "已将 {key} 恢复为默认值",
    "batch {batch} set levels from a segmentation, not an import": "批次 {batch} 是按细分结果"
    "设置的等级，不是导入",
    "take it back with: {command}": "撤回：{command}",
    "custom field '{key}' is too long (names up to {names} characters, values up to {values})": (
        "自定义字段 '{key}' 过长（名称最多 {names} 个字符，值最多 {values} 个）"
    ),
    "{field} is one line, without tabs": "{field}只能是一行，不能有制表符",
    "a payment cannot be dated before the contract was signed ({signed}): {value}": "收款日期"
    "不能早于合同签订日期（{signed}）：{value}",
    "--next {next} is before the contact itself ({at})": "--next {next} 早于这次接触本身（{at}）",
    "date '{value}' is out of range (years {low}-{high})": "日期 '{value}' 超出范围"
    "（{low}-{high} 年）",
    "{count} open opportunities have no expected close date in these months and are left out": (
        "{count} 个进行中的销售机会没有落在这几个月的预计成交日期，未计入"
    ),
    "overdue": "已逾期",
    "you may not give customers to other staff ({value})": "不能把客户分给其他员工（{value}）",
    "a cadence needs at least one offset such as 0d,3d,1w,1m": "跟进节奏至少需要一个间隔，"
    "如 0d,3d,1w,1m",
    "bad offset '{value}': use a whole number and d, w, m or y": "无效间隔 '{value}'："
    "请用整数加 d、w、m 或 y",
    "a list of stages, each {key, en, zh, probability}": "阶段列表，每项为 {key, en, zh, probability}",
    "each stage needs at least a key and a probability": "每个阶段至少需要 key 和 probability",
    "stage key '{value}' must be lower-case letters, digits and _": "阶段键 '{value}' 只能由"
    "小写字母、数字和 _ 组成",
    "probability of '{key}' must be a whole number 0-100": "'{key}' 的赢率须为 0-100 的整数",
    "stage keys must be unique": "阶段键不能重复",
    "the pipeline must keep the stages 'won' and 'lost'": "销售流程必须保留阶段 'won' 和 'lost'",
    "the probability of '{key}' is always {value}": "'{key}' 的赢率固定为 {value}",
    "opportunities are still in the stages {stages}: move them first": "仍有销售机会处于阶段 "
    "{stages}：请先转移它们",
    'an object of name -> offsets, e.g. {"quick": "0d,2d,1w"}': "名称 -> 间隔 的对象，"
    '例如 {"quick": "0d,2d,1w"}',
    "offsets of cadence '{name}' must be text like 0d,3d,1w": "节奏 '{name}' 的间隔须为"
    "文本，如 0d,3d,1w",
    "an object with the keys {keys}": "一个以 {keys} 为键的对象",
    "unknown key '{value}' ({accepted})": "未知键 '{value}'（可用：{accepted}）",
    "'{key}' must be {what}": "'{key}' 须为{what}",
    "a non-empty text": "非空文本",
    "a whole number of days from 1 to 3660": "1 到 3660 之间的整数天数",
    "a whole number of hours from 1 to 8760": "1 到 8760 之间的整数小时数",
    'a text or {"en": ..., "zh": ...}': '文本或 {"en": ..., "zh": ...}',
    # database
    "cannot open database {path}: {error}": "无法打开数据库 {path}：{error}",
    "it holds tables of another program ({tables})": "其中有其他程序的表（{tables}）",
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
    # -- relationship: contact records, follow-ups, care, tickets (issue 4)
    "{option} {value} is in the future; a contact record is made after the contact": "{option} "
    "{value} 在将来；接触记录应在接触之后填写",
    "plan a touch with: crm followup add CUSTOMER --due DATE": "计划跟进请用：crm followup add "
    "客户 --due 日期",
    "the cadence '{name}' is no longer defined in the settings": "设置中已没有跟进节奏 '{name}'",
    "the offsets of a cadence must grow: '{value}'": "跟进节奏的间隔必须逐个增大：'{value}'",
    "unknown cadence '{value}' ({accepted}, or offsets like 0d,3d,1w,1m)": "未知的跟进节奏 "
    "'{value}'（可用：{accepted}，或 0d,3d,1w,1m 这样的间隔）",
    "give --next DATE or --next none": "请给出 --next 日期 或 --next none",
    "follow-up {id} is already {status}": "跟进 {id} 已经是“{status}”状态",
    "opportunity {code} is closed ({stage})": "销售机会 {code} 已结束（{stage}）",
    "{code} is already on the cadence {cadence} (step {step}, follow-up {id})": "{code} 已在按 "
    "{cadence} 节奏跟踪（第 {step} 次，跟进 {id}）",
    "Follow-up: {kind}": "跟进：{kind}",
    "for example 0d,3d,1w,1m": "例如 0d,3d,1w,1m",
    "the default cadence '{name}' is not defined ({accepted})": "默认跟进节奏 '{name}' 未定义"
    "（已有：{accepted}）",
    "invalid --next '{value}': use {forms}": "无效的 --next '{value}'：可用 {forms}",
    "follow-ups are named by id; see them with: crm followup list": "跟进用编号指定；查看列表："
    "crm followup list",
    "only pending follow-ups can be done, snoozed or cancelled": "只有待办的跟进才能完成、推迟或取消",
    "follow-ups tied to an opportunity are for open ones; leave out --opportunity": "只能为进行中的"
    "销售机会安排跟进；请去掉 --opportunity",
    "cancel it first: crm followup cancel {id}": "请先取消：crm followup cancel {id}",
    "Step {step} of cadence {cadence}": "{cadence} 节奏第 {step} 次跟踪",
    "define it with: crm config set followup.cadences.NAME OFFSETS": "定义方法：crm config set "
    "followup.cadences.名称 间隔",
    "a date is 2026-03-01, 2026/3/1, 2026年3月1日, tomorrow or +3d": "日期可写作 2026-03-01、"
    "2026/3/1、2026年3月1日、tomorrow 或 +3d",
    "follow-up": "跟进",
    "never contacted; added {days} days ago (every {interval} days)": "从未联系；{days} 天前录入"
    "（应每 {interval} 天联系一次）",
    "{days} days since the last contact (every {interval} days)": "已 {days} 天未联系"
    "（应每 {interval} 天联系一次）",
    "{who}: birthday, turns {age}": "{who}：{age} 岁生日",
    "{who}: birthday": "{who}：生日",
    "{years} years as a customer (since {since})": "合作 {years} 周年（自 {since} 起）",
    "ticket {code} is closed": "工单 {code} 已关闭",
    "ticket {code} is already {status}": "工单 {code} 已经是“{status}”状态",
    "ticket {code} is already closed": "工单 {code} 已经关闭",
    "ticket {code} is still {status}": "工单 {code} 仍是“{status}”状态",
    "reopen it first: crm ticket reopen {code}": "请先重新打开：crm ticket reopen {code}",
    "ticket {code} is not resolved yet": "工单 {code} 还没有解决",
    "resolve it first: crm ticket resolve {code} --resolution TEXT": "请先解决：crm ticket "
    "resolve {code} --resolution 处理结果",
    "follow-up {id} due {due}": "跟进 {id}，{due} 到期",
    "follow-up {id} due {due} (step {step} of {cadence})": "跟进 {id}，{due} 到期"
    "（{cadence} 节奏第 {step} 次）",
    "Logged a {channel} contact with {code} {name} (record {id})": "已记录与 {code} {name} 的"
    "{channel}接触（记录 {id}）",
    "Done: {followup}": "已完成：{followup}",
    "Next: {followup}": "下一次：{followup}",
    "The cadence is complete: every step is done.": "该节奏的各次跟踪已全部完成。",
    "contact records": "接触记录",
    "Planned the cadence {cadence} ({offsets}) for {code} {name}: step 1 of {steps} due {due} "
    "(follow-up {id})": "已为 {code} {name} 安排 {cadence} 节奏（{offsets}）：共 {steps} 次，"
    "第 1 次 {due} 到期（跟进 {id}）",
    "If each touch is done on its day: {days}": "若每次都按时完成：{days}",
    "Due by {date}": "截至 {date} 到期",
    "Done: follow-up {id} for {code} {name} (contact record {record})": "已完成：{code} {name} "
    "的跟进 {id}（接触记录 {record}）",
    "crm follow-ups": "crm 跟进",
    "Wrote {path} (events: {count}, to do: {pending})": "已写入 {path}（日程 {count} 个，"
    "待办 {pending} 个）",
    "give --owner USER or --all, not both": "--owner 与 --all 只能选一个",
    "Planned {followup} for {code} {name}": "已为 {code} {name} 安排{followup}",
    "Nothing due by {date}.": "截至 {date} 没有到期的跟进。",
    "{code} {name} is lost: it gets no follow-ups": "{code} {name} 已流失，不再安排跟进",
    "to win it back, first: crm customer edit {code} --status prospect": "如要挽回，先执行："
    "crm customer edit {code} --status prospect",
    "Snoozed: {followup}": "已推迟：{followup}",
    "Cancelled follow-up {id} for {code} {name}": "已取消 {code} {name} 的跟进 {id}",
    "follow-ups": "跟进",
    "events: {count}, to do: {pending}": "日程 {count} 个，待办 {pending} 个",
    "a calendar file ends in .ics: {path}": "日历文件的扩展名应为 .ics：{path}",
    "no folder {path}": "没有文件夹 {path}",
    "Overdue tickets ({count})": "超时工单（{count}）",
    "customers to care for": "需要关怀的客户",
    "Opened ticket {code} ({kind}, {priority}); resolve by {due}": "已受理工单 {code}（{kind}，"
    "{priority}），须在 {due} 前解决",
    "tickets": "工单",
    "Assigned ticket {code} to {owner}": "已将工单 {code} 分派给 {owner}",
    "Noted on ticket {code}": "已在工单 {code} 上记录",
    "Resolved ticket {code}": "工单 {code} 已解决",
    "Closed ticket {code}": "工单 {code} 已关闭",
    "Reopened ticket {code}": "工单 {code} 已重新打开",
    # -- selling: opportunities, products, suppliers, competitors, orders, contracts
    "give at least one field option": "请至少给出一个字段选项",
    "opportunity": "销售机会",
    "opportunities": "销售机会",
    "supplier": "供应商",
    "suppliers": "供应商",
    "product": "产品",
    "products": "产品",
    "competitor": "竞争对手",
    "competitors": "竞争对手",
    "order": "订单",
    "orders": "订单",
    "contract": "合同",
    "contracts": "合同",
    "receivables": "应收款",
    "payment plan": "回款计划",
    "change opportunities": "修改销售机会",
    "change orders": "修改订单",
    "change contracts": "修改合同",
    "change the {what} list": "修改{what}资料",
    "an opportunity added as lost needs --reason (why was it lost?)": "以“输单”阶段添加的销售机会"
    "需要 --reason（输单原因）",
    "moving {code} to lost needs --reason (why was it lost?)": "将 {code} 改为输单需要 --reason"
    "（输单原因）",
    "{code} is already at stage {stage}": "{code} 已经处于“{stage}”阶段",
    "change the probability with: crm opportunity edit {code} --probability P": "修改赢率："
    "crm opportunity edit {code} --probability P",
    "a {stage} opportunity has the probability of its stage; leave out --probability": "“{stage}”"
    "的销售机会赢率由阶段决定，请去掉 --probability",
    "{code} is {stage}: its probability is that of the stage": "{code} 已{stage}，赢率由阶段决定",
    "a stage move cannot be in the future: {value}": "阶段变更时间不能晚于现在：{value}",
    "{code} last moved on {last}; a new move cannot be dated before it": "{code} 上次阶段变更在 "
    "{last}，新的变更不能早于它",
    "Added opportunity {code} {title} for {customer} ({stage}, {p}%)": "已为 {customer} 添加销售机会 "
    "{code} {title}（{stage}，赢率 {p}%）",
    "Moved {code} {title} from {old} to {new} ({p}%)": "{code} {title} 已从“{old}”进入“{new}”"
    "（赢率 {p}%）",
    "Probability stays {p}% (set by hand; --probability auto follows the stage)": "赢率保持 {p}%"
    "（手工设定；用 --probability auto 恢复按阶段计算）",
    "Cancelled {count} pending follow-ups tied to {code}": "已取消与 {code} 相关的 {count} 条待办跟进",
    "Customer {code} {name} is now {status}": "客户 {code} {name} 已成为{status}",
    "{count} opportunities: amount {total}, weighted {weighted}": "共 {count} 个销售机会：金额 "
    "{total}，加权金额 {weighted}",
    "Updated opportunity {code} {title}": "已修改销售机会 {code} {title}",
    "Opportunity {code} {title} unchanged": "销售机会 {code} {title} 没有变化",
    "Delete opportunity {code} {title}?": "删除销售机会 {code} {title}？",
    "Deleted opportunity {code} {title} (restore with: crm opportunity restore {code})": "已删除销售"
    "机会 {code} {title}（恢复：crm opportunity restore {code}）",
    "Restored opportunity {code} {title}": "已恢复销售机会 {code} {title}",
    "Added supplier {name} (id {id})": "已添加供应商 {name}（id {id}）",
    "Updated supplier {name} (id {id})": "已修改供应商 {name}（id {id}）",
    "Supplier {name} (id {id}) unchanged": "供应商 {name}（id {id}）没有变化",
    "Deleted supplier {name} (id {id})": "已删除供应商 {name}（id {id}）",
    "Restored supplier {name} (id {id})": "已恢复供应商 {name}（id {id}）",
    "Added product {code} {name}": "已添加产品 {code} {name}",
    "Updated product {code} {name}": "已修改产品 {code} {name}",
    "Product {code} {name} unchanged": "产品 {code} {name} 没有变化",
    "Deleted product {code} {name}": "已删除产品 {code} {name}",
    "Restored product {code} {name}": "已恢复产品 {code} {name}",
    "Added competitor {name} (id {id})": "已添加竞争对手 {name}（id {id}）",
    "Updated competitor {name} (id {id})": "已修改竞争对手 {name}（id {id}）",
    "Competitor {name} (id {id}) unchanged": "竞争对手 {name}（id {id}）没有变化",
    "Deleted competitor {name} (id {id})": "已删除竞争对手 {name}（id {id}）",
    "Restored competitor {name} (id {id})": "已恢复竞争对手 {name}（id {id}）",
    "Delete {what} {name}?": "删除{what} {name}？",
    "a {what} named '{name}' already exists (id {id})": "已有名为 '{name}' 的{what}（id {id}）",
    "a product named '{name}' already exists: {code}": "已有同名产品 '{name}'：{code}",
    "product code '{value}' is already used by {other}": "产品编号 '{value}' 已被 {other} 使用",
    "{field} must be above 0: {value}": "{field}必须大于 0：{value}",
    "PRODUCT:QTY[:PRICE][:DISCOUNT%], e.g. P0001:2, P0001:2:60000 or P0001:2:60000:5%": "产品:数量"
    "[:单价][:折扣%]，例如 P0001:2、P0001:2:60000 或 P0001:2:60000:5%",
    "DATE:AMOUNT,... e.g. 2026-03-01:30000,2026-06-01:70000 or +0d:30%,+3m:70%": "日期:金额,...，"
    "例如 2026-03-01:30000,2026-06-01:70000 或 +0d:30%,+3m:70%",
    "invalid item '{value}': use {form}": "订单明细格式错误 '{value}'，请用 {form}",
    "invalid discount '{value}': use 5%, 95折 or 9.5折": "无效折扣 '{value}'：请用 5%、95折 或 9.5折",
    "an order needs at least one --item {form}": "订单至少需要一个 --item {form}",
    "a new order cannot be cancelled; add it, then: crm order cancel ID": "新订单不能直接设为已取消；"
    "请先添加，再执行 crm order cancel ID",
    "opportunity {code} belongs to another customer, not {customer}": "销售机会 {code} 属于其他客户，"
    "不是 {customer}",
    "product {code} {name} has no price; give one: {code}:QTY:PRICE": "产品 {code} {name} 没有单价，"
    "请给出：{code}:数量:单价",
    "the order total {value} is too large": "订单金额 {value} 过大",
    "cancel an order with: crm order cancel {code}": "取消订单请用：crm order cancel {code}",
    "order {code} is cancelled": "订单 {code} 已取消",
    "order {code} is already cancelled": "订单 {code} 已经取消过了",
    "Added order {code} for {customer}: {count} lines, total {total}": "已为 {customer} 添加订单 "
    "{code}：{count} 行明细，合计 {total}",
    "{count} orders (not cancelled), total {total}": "有效订单 {count} 张（不含已取消），合计 {total}",
    "Cancel order {code} ({total})?": "取消订单 {code}（{total}）？",
    "Cancelled order {code}": "已取消订单 {code}",
    "Order {code} is now {status}": "订单 {code} 已改为{status}",
    "Order {code} unchanged": "订单 {code} 没有变化",
    "the payment plan is empty: use {form}": "回款计划为空，请用 {form}",
    "invalid plan item '{value}': use {form}": "回款计划格式错误 '{value}'，请用 {form}",
    "each instalment must be above 0: '{value}'": "每期金额必须大于 0：'{value}'",
    "the payment plan adds up to {plan}, not the contract amount {amount} (difference {difference})": "回款计划合计 {plan}，与合同金额 {amount} 不符（差额 {difference}）",
    "the contract ends ({ends}) before it starts ({starts})": "合同结束日期（{ends}）早于开始日期"
    "（{starts}）",
    "a payment cannot be dated in the future: {value}": "收款日期不能晚于今天：{value}",
    "{amount} is more than is outstanding on {code} ({outstanding} of {total})": "{amount} 超过了 "
    "{code} 的未收款（合同金额 {total}，未收 {outstanding}）",
    "see the plan with: crm contract show {code}": "查看回款计划：crm contract show {code}",
    "Added contract {code} {title} for {customer}: {amount} in {count} instalments": "已为 {customer} "
    "添加合同 {code} {title}：{amount}，分 {count} 期收款",
    "Received {amount} on {code} ({day}); received {received} of {total}, outstanding "
    "{outstanding}": "{code} 收款 {amount}（{day}）；合同金额 {total}，已收 {received}，"
    "未收 {outstanding}",
    "Contract {code} is fully paid": "合同 {code} 已全部收清",
    "Outstanding {total} from {customers} customers; overdue {overdue}": "{customers} 个客户未收款 "
    "{total}，其中逾期 {overdue}",
    "Delete contract {code} {title}?": "删除合同 {code} {title}？",
    "Deleted contract {code} {title} (restore with: crm contract restore {code})": "已删除合同 "
    "{code} {title}（恢复：crm contract restore {code}）",
    "Restored contract {code} {title}": "已恢复合同 {code} {title}",
    # -- reports (analytical CRM)
    "format": "格式",
    "segmentation": "细分方式",
    "customers with orders": "有订单的客户",
    "interactions": "接触记录",
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
    # -- dashboard
    "crm dashboard · {day} {weekday}": "crm 工作台 · {day} {weekday}",
    "Follow-ups due today ({count})": "今日待跟进（{count}）",
    "Nothing due today.": "今天没有待办跟进。",
    "Pipeline": "销售管道",
    "Orders this month against last month": "本月与上月订单",
    "Gold customers drifting ({count})": "疏于联系的金牌客户（{count}）",
    "Overdue receivables: {amount} in {count} instalments": "逾期应收款：{count} 笔，共 {amount}",
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
    # -- import, export, dedupe and merge (issue 3)
    "file format": "文件格式",
    "unknown encoding '{value}'": "未知编码 '{value}'",
    "for example utf-8, utf-8-sig, gb18030, gbk, utf-16": "例如 utf-8、utf-8-sig、gb18030、gbk、utf-16",
    "{file} is not {encoding}: line {line} holds bytes that do not decode ({bytes})": "{file} 不是 "
    "{encoding} 编码：第 {line} 行有无法解码的字节（{bytes}）",
    "cannot tell the encoding of {file}: it is neither UTF-8 (line {line}: bytes {bytes}) "
    "nor GB18030": "无法判断 {file} 的编码：既不是 UTF-8（第 {line} 行：字节 {bytes}），也不是 GB18030",
    "give the encoding with --encoding, e.g. --encoding big5": "请用 --encoding 指定编码，例如 "
    "--encoding big5",
    "no file '{file}'": "找不到文件 '{file}'",
    "'{file}' is a folder, not a file": "'{file}' 是文件夹，不是文件",
    "cannot read {file}: {error}": "无法读取 {file}：{error}",
    "{file} is empty": "{file} 是空文件",
    "--sheet is for spreadsheets; {file} is {format}": "--sheet 只用于电子表格；{file} 是 {format}",
    "--encoding is for CSV files; {file} is {format}": "--encoding 只用于 CSV 文件；{file} 是 {format}",
    "{file}, line {line}: not a readable CSV row ({error})": "{file} 第 {line} 行：无法读取的 CSV "
    "行（{error}）",
    "{file} has no sheet '{sheet}' (sheets: {sheets})": "{file} 中没有工作表 '{sheet}'（工作表：{sheets}）",
    "{file} has no sheets": "{file} 中没有工作表",
    "cannot read {file} as a spreadsheet: {error}": "无法把 {file} 当作电子表格读取：{error}",
    "{file}, row {row}: expected an object with field names": "{file} 第 {row} 行：应当是带字段名的对象",
    "{file}, line {line}: not valid JSON ({error})": "{file} 第 {line} 行：不是有效的 JSON（{error}）",
    "{file} should hold a JSON array of objects": "{file} 应当是由对象组成的 JSON 数组",
    "cannot read the mapping {file}: {error}": "无法读取映射文件 {file}：{error}",
    "the mapping {file} should map column names to field names": "映射文件 {file} 应当是“列名: 字段名”",
    "for example  客户全称: name": "例如  客户全称: name",
    "no folder '{folder}' to write {file} in": "没有文件夹 '{folder}'，无法写入 {file}",
    "'{char}' (row {row}) cannot be written in {encoding}": "'{char}'（第 {row} 行）无法用 {encoding} "
    "编码写出",
    "use --encoding gb18030 or utf-8": "请改用 --encoding gb18030 或 utf-8",
    "a spreadsheet holds at most {limit} rows; export to CSV instead": "电子表格最多 {limit} 行，"
    "请导出为 CSV",
    "the mapping names column '{column}', which the file does not have": "映射文件提到的列 "
    "'{column}' 在文件中不存在",
    "the mapping sends column '{column}' to '{value}', which is no field ({accepted})": "映射文件把列 "
    "'{column}' 对应到 '{value}'，但没有这个字段（可用：{accepted}）",
    "use null to leave a column out, extra.NAME for a custom field": "用 null 跳过某列，用 extra.名称 "
    "存为自定义字段",
    "{file} has no column for the customer name (客户名称/name); its columns: {columns}": "{file} "
    "中没有客户名称列（客户名称/name）；文件中的列：{columns}",
    "name the column with --mapping, e.g. a file holding  公司全称: name": "请用 --mapping 指定，"
    "例如映射文件写  公司全称: name",
    "{file}: columns '{first}' and '{second}' both give {field}": "{file}：列 '{first}' 和 "
    "'{second}' 都对应 {field}",
    "say which to use with --mapping (null leaves a column out)": "请用 --mapping 指定用哪一列"
    "（null 表示跳过该列）",
    "custom fields should be a JSON object such as {example}": "自定义字段应当是 JSON 对象，例如 "
    "{example}",
    "contact details are given but no contact name": "填写了联系人信息，但没有联系人姓名",
    "--match needs at least one of {accepted}": "--match 至少需要以下之一：{accepted}",
    "import customers": "导入客户",
    "customer {code} is deleted; restore it first: crm customer restore {code}": "客户 {code} "
    "已删除；请先恢复：crm customer restore {code}",
    "row {row} ({key})": "第 {row} 行（{key}）",
    "matches more than one customer: {candidates}": "同时匹配多个客户：{candidates}",
    "repeats row {row} ({key})": "与第 {row} 行重复（{key}）",
    "repeats row {row} ({key}) but has another code, {code}": "与第 {row} 行重复（{key}），"
    "但客户编号不同：{code}",
    "matches {code} ({key}) but has another code": "与 {code} 匹配（{key}），但客户编号不同",
    "duplicate of {code} ({key})": "与 {code} 重复（{key}）",
    "matches {code} ({key}), which {user} may not change": "与 {code} 匹配（{key}），{user} "
    "无权修改该客户",
    "no import batch {batch}": "没有导入批次 {batch}",
    "import batch {batch} was already undone at {at}": "导入批次 {batch} 已于 {at} 撤销",
    "undo another user's import": "撤销他人的导入",
    "undo imports": "撤销导入",
    "cannot undo import batch {batch}: records were added since under what it created "
    "({records})": "无法撤销导入批次 {batch}：导入后又在它新建的记录下添加了数据（{records}）",
    "delete or move those records first": "请先删除或转移这些记录",
    "--threshold must be between 0 and 100, not {value}": "--threshold 必须在 0 到 100 之间，"
    "而不是 {value}",
    "cannot merge customer {code} into itself": "不能把客户 {code} 合并到它自己",
    "Importing": "正在导入",
    "give a FILE to import, or --undo BATCH": "请给出要导入的文件，或 --undo 批次号",
    "--undo takes no file and no other import option": "--undo 不能与文件或其他导入选项同用",
    "{file} ({form}): read {read}, created {created}, updated {updated}, skipped {skipped}, "
    "rejected {rejected}": "{file}（{form}）：读取 {read} 行，新增 {created}，更新 {updated}，"
    "跳过 {skipped}，拒绝 {rejected}",
    "Contacts: created {created}, updated {updated}": "联系人：新增 {created}，更新 {updated}",
    "Rows repeating an earlier row, merged into it (row -> earlier row): {pairs}": "与前面的行"
    "重复、已合并的行（行 -> 前面的行）：{pairs}",
    "Custom fields kept: {fields}": "保存为自定义字段的列：{fields}",
    "Columns left out: {columns}": "未导入的列：{columns}",
    "Dry run: nothing was changed": "试运行：数据库没有任何改动",
    "Import batch {batch} (undo with: crm customer import --undo {batch})": "导入批次 {batch}"
    "（撤销：crm customer import --undo {batch}）",
    " (written to {file})": "（已写入 {file}）",
    "rows rejected: {count}{where}": "被拒绝的行：{count}{where}",
    "rows with errors: {count}{where}; nothing was imported": "有错误的行：{count}{where}；"
    "没有导入任何数据",
    "fix them, or import the good rows with --skip-invalid --rejects FILE": "请改正后重新导入，"
    "或用 --skip-invalid --rejects 文件 先导入正确的行",
    "Undid import batch {batch}: removed {customers} customers and {contacts} contacts, "
    "restored {restored} customers and {restored_contacts} contacts": "已撤销导入批次 {batch}："
    "删除客户 {customers} 个、联系人 {contacts} 个，恢复客户 {restored} 个、联系人 "
    "{restored_contacts} 个",
    "changed again since the import, so kept as they are: {fields}": "导入后又被修改过，"
    "保持现状：{fields}",
    "cannot tell the format of {file} from its name": "无法从文件名判断 {file} 的格式",
    "give --format csv, xlsx, json or jsonl": "请用 --format 指定 csv、xlsx、json 或 jsonl",
    "invalid labels '{value}' (en, zh)": "无效的表头语言 '{value}'（en、zh）",
    "--bom and --encoding are for CSV files, not {format}": "--bom 和 --encoding 只用于 CSV，"
    "不能用于 {format}",
    "--labels is for CSV and XLSX; JSON keys are always the English field names": "--labels "
    "只用于 CSV 和 XLSX；JSON 的键始终是英文字段名",
    "--bom is for UTF-8; {encoding} has none": "--bom 只用于 UTF-8；{encoding} 没有 BOM",
    "Exported {count} customers to {file}": "已导出 {count} 个客户到 {file}",
    "imports": "导入记录",
    "likely duplicates": "疑似重复客户",
    "Merge a pair with: crm customer merge KEEP DROP": "合并：crm customer merge 保留的客户 被合并的客户",
    "Merge {drop} {drop_name} into {keep} {keep_name} (then delete {drop})?": "把 {drop} "
    "{drop_name} 合并到 {keep} {keep_name}（随后删除 {drop}）？",
    "Merged {drop} {drop_name} into {keep} {keep_name}": "已把 {drop} {drop_name} 合并到 {keep} "
    "{keep_name}",
    "Moved: {records}": "已转移：{records}",
    "Filled from {drop}: {fields}": "从 {drop} 补全：{fields}",
    "Contacts on both, now one: {names}": "两边都有的联系人已合并为一人：{names}",
    # files: what cannot be read or written, and why (crmcli.errors.os_reason, tabular.atomic)
    "cannot write {file}: {error}": "无法写入 {file}：{error}",
    "cannot write {file}: it is read-only": "无法写入 {file}：该文件是只读的",
    "make it writable first (chmod u+w), or write to another file": "请先让它可写（chmod u+w），"
    "或写入别的文件",
    "cannot write {file}: no permission to create a file in its folder {folder}": "无法写入 "
    "{file}：没有权限在它所在的文件夹 {folder} 中创建文件",
    "{file}: arrays and objects are nested too deeply to read": "{file}：数组和对象嵌套太深，"
    "无法读取",
    "standard output": "标准输出",
    "{file} -> {other}: {error}": "{file} -> {other}：{error}",
    "{file}: {error}": "{file}：{error}",
    "a file or device failed: {error}": "文件或设备出错：{error}",
    "there is no such file or folder": "没有这个文件或文件夹",
    "it is a folder, not a file": "这是文件夹，不是文件",
    "a part of the path is a file, not a folder": "路径中有一段是文件，不是文件夹",
    "permission denied": "没有权限",
    "the operation is not permitted": "不允许这样操作",
    "the file system is read-only": "文件系统是只读的",
    "no space left on the disk or device": "磁盘或设备已没有剩余空间",
    "the disk quota is used up": "磁盘配额已用完",
    "the file is too large": "文件太大",
    "the name is too long": "名称太长",
    "too many symbolic links (a loop?)": "符号链接层数太多（可能绕成了环）",
    "no device, or nothing at the other end": "没有这个设备，或另一端没有程序在接收",
    "input/output error (a failing disk or device?)": "输入/输出错误（磁盘或设备可能有故障）",
    "it is in use": "它正在被使用",
    "too many open files": "打开的文件太多",
    "the reader closed it before the end": "读取方在写完之前就关闭了它",
    "it exists already": "它已经存在",
    "{user} ({role}) may not do this: the database refused it ({error})": (
        "{user}（{role}）无权这样做：数据库拒绝了（{error}）"
    ),
    # vCards: crm customer import FILE.vcf, crm contact export
    "{file} is not a vCard file: it should begin with BEGIN:VCARD (line {line}: {text})": (
        "{file} 不是 vCard 文件：应以 BEGIN:VCARD 开头（第 {line} 行：{text}）"
    ),
    "{file}, line {line}: text outside any card ({text})": (
        "{file}，第 {line} 行：这段文字不在任何名片之内（{text}）"
    ),
    "{file}, line {line}: the card has no END:VCARD": (
        "{file}，第 {line} 行：这张名片没有 END:VCARD"
    ),
    "a card runs from BEGIN:VCARD to END:VCARD": "一张名片从 BEGIN:VCARD 开始，到 END:VCARD 结束",
    "{file} holds no vCard (BEGIN:VCARD ... END:VCARD)": (
        "{file} 中没有 vCard 名片（BEGIN:VCARD ... END:VCARD）"
    ),
    "{file}, line {line}: a card that cannot be read ({error})": (
        "{file}，第 {line} 行：无法读取这张名片（{error}）"
    ),
    "the card begins at line {line}": "这张名片从第 {line} 行开始",
    "a vCard holds contacts, not customers: crm contact export {file}": (
        "vCard 存放的是联系人，不是客户：请用 crm contact export {file}"
    ),
    "give --format vcf, csv, xlsx, json or jsonl": (
        "请用 --format 指定 vcf、csv、xlsx、json 或 jsonl"
    ),
    "--labels is for CSV and XLSX; a vCard's properties are its own": (
        "--labels 只用于 CSV 和 XLSX；vCard 的属性名是固定的"
    ),
    "Exported {count} contacts to {file}": "已导出 {count} 个联系人到 {file}",
    "Cards of the same customer as an earlier card (line -> earlier card's line): {pairs}": (
        "与前面的名片属于同一客户的名片（行 -> 前面名片的行）：{pairs}"
    ),
    # ui and timeline
    "events": "事件",
    "Logged a contact with {code} {name}": "已记录与 {code} {name} 的接触",
    "Follow-up {id} done": "跟进 {id} 已完成",
    "next touch on {due}": "下次跟进：{due}",
    "Moved {code} to {stage}": "已将 {code} 移到 {stage}",
    # tables that fit
    "Hidden to fit: {columns} (widen the terminal or use -f json)": (
        "宽度不够，未显示：{columns}（加宽终端或用 -f json 查看）"
    ),
    # usage errors
    "no such command '{name}'": "没有命令 '{name}'",
    "no such option '{option}'": "没有选项 '{option}'",
    "did you mean {suggestions}?": "您是不是指 {suggestions}？",
    "{option} is an option of '{command}': give it right after '{command}'": (
        "{option} 是 '{command}' 的选项：请紧跟在 '{command}' 之后给出"
    ),
    "see the commands with: {command}": "查看可用命令：{command}",
    "see the options with: {command}": "查看可用选项：{command}",
    "missing argument {name}": "缺少参数 {name}",
    "missing option {option}": "缺少选项 {option}",
    "missing command": "缺少命令",
    "usage: {usage}": "用法：{usage}",
    "option {option} needs a value": "选项 {option} 需要一个值",
    "option {option} takes no value": "选项 {option} 不接受值",
    "invalid value for {param}: {message}": "{param} 的值无效：{message}",
    "unexpected extra arguments: {args}": "多余的参数：{args}",
    "and {count} more": "等另外 {count} 个",
    # letters and e-mail
    "invalid SMTP URL '{value}'": "无效的 SMTP 地址 '{value}'",
    "invalid e-mail address '{value}'": "无效的邮件地址 '{value}'",
    "use smtp://user:password@host:port (add ?starttls=1) or smtps://...": (
        "格式：smtp://用户名:密码@主机:端口（可加 ?starttls=1）或 smtps://..."
    ),
    "cannot send through {server}: {error}": "无法通过 {server} 发送：{error}",
    "check CRM_SMTP_URL (smtp://user:password@host:port, smtps://...)": (
        "请检查 CRM_SMTP_URL（smtp://用户名:密码@主机:端口，smtps://...）"
    ),
    "unknown letter template '{name}'": "没有信函模板 '{name}'",
    "templates: {names} (crm letter templates)": "可用模板：{names}（crm letter templates）",
    "template {path}, line {line}: {error}": "模板 {path} 第 {line} 行：{error}",
    "template {path}: {error}": "模板 {path}：{error}",
    "--to needs customer codes or a segment": "--to 需要客户编号或客户分组",
    "unknown letter kind '{value}' ({accepted})": "未知的信函类型 '{value}'（可用：{accepted}）",
    "a promotion needs recipients": "促销信需要指定收件客户",
    "sent to {to}": "已发送至 {to}",
    "no template file {path}": "没有模板文件 {path}",
    "see the names a template may use in: crm letter template --help": (
        "模板可用的变量见：crm letter template --help"
    ),
    "the first line must be 'Subject: ...'": "第一行必须是 'Subject: ...'（邮件主题）",
    "--to {kind}: needs a value, e.g. {kind}:{example}": "--to {kind}: 需要一个值，例如 {kind}:{example}",
    "give --to CODES or a segment (level:gold, rfm:KEY, abc:A), or a filter": (
        "请用 --to 给出客户编号或分组（level:gold、rfm:分类、abc:A），或给出筛选条件"
    ),
    "no e-mail for {name}": "{name} 没有邮箱",
    "template {path} is not UTF-8 text": "模板 {path} 不是 UTF-8 文本",
    "opted out of marketing": "已退订营销信息",
    "no e-mail": "没有邮箱",
    "no order to thank for": "没有可致谢的订单",
    "nothing overdue": "没有逾期款项",
    "not sent: {error}": "未发送：{error}",
    "No letters: nobody to write to.": "没有信要写：没有符合条件的收信人。",
    "Dry run: nothing written or sent.": "试运行：未写入文件，也未发送。",
    "Wrote {count} letters to {dir}": "已写入 {count} 封信到 {dir}",
    "Sent {count} letters": "已发送 {count} 封信",
    "skipped {code}: {reason}": "跳过 {code}：{reason}",
    "Wrote {path}": "已写入 {path}",
    "--send needs an SMTP server": "--send 需要邮件服务器",
    "set CRM_SMTP_URL, e.g. smtp://user:password@mail.example.com:587?starttls=1": (
        "请设置 CRM_SMTP_URL，例如 smtp://用户名:密码@mail.example.com:587?starttls=1"
    ),
    "{path} exists already": "{path} 已存在",
    "edit it, or delete it first to start again from the built-in one": (
        "直接修改它，或先删除它再从内置模板重新复制"
    ),
    "unknown segment '{value}'": "未知的客户群“{value}”",
    # churn and needs
    "--reason and --note are for a customer set to lost (--status lost)": (
        "--reason 和 --note 用于设为流失的客户（--status lost）"
    ),
    "a list of reasons, each {key, en, zh}": "原因列表，每项为 {key, en, zh}",
    "reason key '{value}' must be lower-case letters, digits and _": (
        "原因的 key '{value}' 只能由小写字母、数字和 _ 组成"
    ),
    "reason keys must be unique": "原因的 key 不能重复",
    "{days} days (every {interval})": "{days} 天（应每 {interval} 天）",
    "{first} and {more} more": "{first} 等 {more} 个",
    "Customer churn {since} - {until}": "客户流失 {since} 至 {until}",
    "Why customers were lost": "客户流失原因",
    "Course: the shares the course gives for each cause of losing a business customer "
    "(企业客户流失); it gives none for other reasons.": (
        "课程数据：课程给出的企业客户流失各项原因所占比例；“其他”课程未给出比例。"
    ),
    "customers at risk": "有流失风险的客户",
    "Customers at risk now (orders of {last} against {before})": (
        "当前有流失风险的客户（订单：{last} 对比 {before}）"
    ),
    "--since {since} is after --until {until}": "--since {since} 晚于 --until {until}",
    "--since {since} is after today ({today})": "--since {since} 晚于今天（{today}）",
    "needs records": "需求记录",
    "Needs by product": "按产品的需求",
    "Needs by category": "按类别的需求",
    "Needs by urgency": "按紧迫程度的需求",
    "Needs by customer level": "按客户等级的需求",
    "{records} needs records: {opportunities} became opportunities and {orders} "
    "orders ({linked} of the records name their opportunity; the others are matched "
    "to the customer's next opportunity or order)": (
        "需求记录 {records} 条：{opportunities} 条转为销售机会，{orders} 条转为订单"
        "（其中 {linked} 条记录注明了销售机会，其余按同一客户在需求之后的销售机会或订单匹配）"
    ),
    # who and call lists
    "nobody has the number {number}": "没有客户或联系人使用号码 {number}",
    "the number {number} belongs to several customers: {customers}": (
        "号码 {number} 属于多个客户：{customers}"
    ),
    "pick one with --customer CODE": "用 --customer 客户编号 指定一个",
    "Inbound call from {number}": "来电 {number}",
    "Logged the call with {code} {name} (record {id})": (
        "已记录与 {code} {name} 的通话（接触记录 {id}）"
    ),
    "--summary, --outcome, --customer and --next go with --log": (
        "--summary、--outcome、--customer 和 --next 要与 --log 一起使用"
    ),
    "DATE or auto": "日期或 auto（自动）",
    "DATE, auto or none": "日期、auto（自动）或 none（无）",
    "Outbound call ({list})": "外呼（{list}）",
    "call back ({list})": "回电（{list}）",
    "call lists": "呼叫清单",
    "calls": "呼叫",
    "a call list needs a name": "呼叫清单需要名称",
    "{field} is at most {n} characters": "{field}最多 {n} 个字符",
    "a call list named '{name}' exists": "名为“{name}”的呼叫清单已存在",
    "no customers to call in {segment}": "{segment} 中没有要呼叫的客户",
    "no open call list": "没有进行中的呼叫清单",
    "build one with: crm call new NAME ...": "用 crm call new 名称 ... 建立一份",
    "several call lists are open: {names}": "有多份进行中的呼叫清单：{names}",
    "name one: crm call next LIST": "请指定一份：crm call next 清单",
    "no call list '{ref}'": "没有呼叫清单“{ref}”",
    "see them with: crm call list": "查看全部：crm call list",
    "call list {name} is closed": "呼叫清单 {name} 已关闭",
    "call list {name} is already closed": "呼叫清单 {name} 已经关闭",
    "build call lists": "建立呼叫清单",
    "assign calls": "分配呼叫",
    "assign calls to others": "把呼叫分配给他人",
    "close call lists": "关闭呼叫清单",
    "close call lists built by others": "关闭别人建立的呼叫清单",
    "no such customer you may see": "没有这个客户，或无权查看",
    "lost customer": "已流失客户",
    "none of the callers may see it": "指定的呼叫人都无权查看这个客户",
    "none of the callers may see them": "指定的呼叫人都无权查看这些客户",
    "{code} {name} is on no open call list": "{code} {name} 不在任何进行中的呼叫清单上",
    "{code} {name} is on several call lists": "{code} {name} 在多份呼叫清单上",
    "name the list with --list LIST": "用 --list 清单 指定",
    "a call back needs its day: --at DATE": "约定回电需要日期：--at 日期",
    "--at {date} is in the past": "--at {date} 已经过去",
    "--at goes with --outcome callback": "--at 只用于 --outcome callback（约定回电）",
    "give either --segment SEGMENT or --file CODES.csv": (
        "请给出 --segment 客户群 或 --file 客户编号.csv（二选一）"
    ),
    "use level:gold, rfm:KEY, abc:A, care, risk, codes:C000001,C000002 or --file CODES.csv": (
        "可用 level:gold、rfm:类别、abc:A、care、risk（流失风险）、codes:C000001,C000002"
        " 或 --file 客户编号.csv"
    ),
    "Built call list {name} ({segment}): {count} customers to call": (
        "已建立呼叫清单 {name}（{segment}）：待呼叫客户 {count} 个"
    ),
    "Dealt {count} calls of {name} to {callers}": "已把 {name} 的 {count} 个呼叫分配给 {callers}",
    "Closed call list {name}": "已关闭呼叫清单 {name}",
    "No more calls to make on this list for now.": "这份清单暂时没有要呼叫的客户了。",
    "Record the outcome with: crm call done {code} --outcome {outcomes}": (
        "记录呼叫结果：crm call done {code} --outcome {outcomes}"
    ),
    "Recorded the call to {code} {name}: {outcome} (contact record {id})": (
        "已记录对 {code} {name} 的呼叫：{outcome}（接触记录 {id}）"
    ),
    "Call back on {date}: follow-up {id}": "约定 {date} 回电：跟进 {id}",
    # --- surveys and satisfaction ---
    "a question is written KIND:text, not '{spec}'": "问题的写法是 题型:问题，而不是“{spec}”",
    'e.g. --question "scale:您对产品质量满意吗" (kinds: {kinds})': (
        '例如 --question "scale:您对产品质量满意吗"（题型：{kinds}）'
    ),
    "a {kind} question needs its choices: {kind}:text:choice1|choice2, not '{spec}'": (
        "{kind} 题需要选项：{kind}:问题:选项1|选项2，而不是“{spec}”"
    ),
    "the choices of '{text}' repeat themselves": "“{text}”的选项有重复",
    "{file} is not UTF-8 text": "{file} 不是 UTF-8 文本",
    "{file}, line {line}: '{text}' is a question outside the file's list": (
        "{file} 第 {line} 行：“{text}”是题目，却不在文件的列表里"
    ),
    "make it a list item as the others are ('- {text}'), "
    "or take the list markers off every question": (
        "像其他题目一样写成列表项（“- {text}”），或者去掉所有题目的列表标记"
    ),
    "write surveys": "编写调查问卷",
    "a survey needs a title": "调查问卷需要标题",
    "a survey titled '{title}' exists": "已有标题为“{title}”的调查问卷",
    "a survey needs questions": "调查问卷需要问题",
    'give --question "KIND:text" (repeat) or --from FILE': (
        '用 --question "题型:问题"（可重复）或 --from 文件 给出问题'
    ),
    "a survey has at most {n} questions": "一份调查问卷最多 {n} 题",
    "no answer to {question}": "{question}没有回答",
    "'{value}' is not a choice of {question} ({choices})": (
        "“{value}”不是{question}的选项（{choices}）"
    ),
    "{question} takes one choice, not '{value}'": "{question}只能选一项，而不是“{value}”",
    "no question '{ref}': the survey has one question, 1": "没有第“{ref}”题：这份问卷只有第 1 题",
    "no question '{ref}': the survey's questions are 1 to {n}": (
        "没有第“{ref}”题：这份问卷的题号是 1 到 {n}"
    ),
    "an answer is written QUESTION=VALUE, not '{value}'": "回答的写法是 题号=答案，而不是“{value}”",
    "e.g. --answer 1=5 --answer 3=网络": "例如 --answer 1=5 --answer 3=网络",
    "question {n} is answered twice": "第 {n} 题回答了两次",
    "an answer cannot be dated after today: {value}": "答卷日期不能晚于今天：{value}",
    "no answers given": "没有给出回答",
    "{code} {name} has answered {title} already": "{code} {name} 已经回答过“{title}”",
    "add --replace to change the answers given": "加上 --replace 可修改这次给出的回答",
    "{file} has no customer column": "{file} 没有客户列",
    "export the form with: crm survey export SURVEY FILE.xlsx": (
        "导出问卷表格：crm survey export 问卷 文件.xlsx"
    ),
    "{file} has no column of the survey's questions": "{file} 没有这份问卷的题目列",
    "no customer": "没有填写客户",
    "the customer is on row {row} already": "该客户已在第 {row} 行",
    "a form is written as FILE.xlsx or FILE.md, not '{file}'": (
        "问卷表格只能导出为 文件.xlsx 或 文件.md，而不是“{file}”"
    ),
    "Created survey {title} (id {id}) with {questions}": (
        "已建立调查问卷 {title}（编号 {id}），共 {questions}"
    ),
    "1 question": "1 题",
    "{n} questions": "{n} 题",
    "surveys": "调查问卷",
    "Wrote {path}: {questions}, {answers}": "已写入 {path}：{questions}，{answers}",
    "1 customer's answers": "1 位客户的答卷",
    "{n} customers' answers": "{n} 位客户的答卷",
    "Wrote {path}: {questions}": "已写入 {path}：{questions}",
    "Recorded {answers} of {code} {name} to {title}": "已记录 {code} {name} 对“{title}”的 {answers}",
    "1 answer": "1 项回答",
    "{n} answers": "{n} 项回答",
    "row {row} ({customer}): {error}": "第 {row} 行（{customer}）：{error}",
    "1 row of {file} is wrong; nothing was imported": "{file} 有 1 行有误，未导入任何答卷",
    "{n} rows of {file} are wrong; nothing was imported": "{file} 有 {n} 行有误，未导入任何答卷",
    "correct them and import the file again": "改正后重新导入该文件",
    "Imported the answers of 1 customer to {title} ({replaced} replaced)": (
        "已导入 1 位客户对“{title}”的答卷（其中修改 {replaced} 份）"
    ),
    "Imported the answers of {n} customers to {title} ({replaced} replaced)": (
        "已导入 {n} 位客户对“{title}”的答卷（其中修改 {replaced} 份）"
    ),
    "questions": "问题",
    "Answers by question": "各题回答",
    "By customer level": "按客户等级",
    "By owner": "按负责人",
    "responses": "答卷",
    "Service tickets rated: {n}, mean satisfaction (1-5): {mean}": (
        "已评价的服务工单：{n} 张，平均满意度（1-5）：{mean}"
    ),
    # --- complaints and the ticket flow ---
    'an object of status -> the statuses it may move to, e.g. {"open": ["resolved"]}': (
        '一个对象：状态 -> 可转入的状态列表，例如 {"open": ["resolved"]}'
    ),
    "unknown state '{value}' ({accepted})": "未知状态“{value}”（可用：{accepted}）",
    "the flow must keep the state '{state}'": "工单流程必须保留状态“{state}”",
    "'{target}' is not a state of the flow: give it its own entry (\"{target}\": [...])": (
        '“{target}”不是流程中的状态：请为它单独列一项（"{target}": [...]）'
    ),
    "no command moves a ticket from '{source}' to '{target}'": (
        "没有哪个命令能把工单从“{source}”转到“{target}”"
    ),
    "unreachable from 'open': {states}": "从“open”无法到达：{states}",
    "a whole number of days from 1 to {high}": "1 到 {high} 之间的整数天数",
    "tickets are still in the states {states}: move them first": (
        "仍有工单处于状态 {states}：请先处理这些工单"
    ),
    "{field} cannot be negative: {value}": "{field}不能为负数：{value}",
    "none": "无",
    "the ticket flow does not allow {code} to move from {source} to {target}; "
    "from {source} it may move to: {allowed}": (
        "工单流程不允许 {code} 从 {source} 转到 {target}；从 {source} 可转到：{allowed}"
    ),
    "see the flow: crm ticket flow": "查看流程：crm ticket flow",
    "complaint {code} was closed without a remedy (补救措施); "
    "record it: crm ticket edit {code} --remedy TEXT": (
        "投诉 {code} 关闭时还没有补救措施；请补记：crm ticket edit {code} --remedy 补救措施"
    ),
    "Satisfaction call-back for complaint {code}: {subject}": "投诉 {code} 满意度回访：{subject}",
    "satisfaction call-back planned: follow-up {id}": "已安排满意度回访：跟进 {id}",
    "follow-up {id} is not a satisfaction call-back: --satisfaction is only for the "
    "call-back of a closed complaint": (
        "跟进 {id} 不是满意度回访：--satisfaction 只用于已关闭投诉的回访"
    ),
    "follow-up {id}, {owner}, {due}, {status}": "跟进 {id}，{owner}，{due}，{status}",
    "Satisfaction call-back: {line}": "满意度回访：{line}",
    "Updated ticket {code}": "已修改工单 {code}",
    "Call-back of complaint {code} done: satisfaction {score}": (
        "投诉 {code} 已回访：满意度 {score}"
    ),
    # --- customer value and loyalty ---
    "Customer value as of {day}": "客户价值（截至 {day}）",
    "Lifetime value: margin per year x {years} expected years (quarterly retention {rate})": (
        "终生价值 = 每年毛利 × 预计剩余 {years} 年（季度留存率 {rate}）"
    ),
    "Levels set from value tiers: {changed} of {customers} customers changed (undo with: "
    "crm report segment --revert {batch})": (
        "已按价值层级设置客户等级：{customers} 个客户中 {changed} 个有变化"
        "（撤销：crm report segment --revert {batch}）"
    ),
    "Customer loyalty as of {day}": "客户忠诚度（截至 {day}）",
    "cohorts": "首单季度",
    "Still ordering, by quarter after the first order": "首单之后各季度仍在下单的客户占比",
    # --- custom fields (客户资料卡, crm field) ---
    "'{field}' is not a number or a date: --where takes only = for it": (
        "'{field}' 不是数字或日期：--where 对它只能用 ="
    ),
    "unknown record kind '{value}' ({accepted})": "未知的记录类别 '{value}'（{accepted}）",
    "define custom fields": "定义自定义字段",
    "remove custom fields": "删除自定义字段",
    "field name": "字段名",
    "Chinese label": "中文名称",
    "'{value}' is not a choice of {field} ({accepted})": "'{value}' 不是{field}的选项（{accepted}）",
    "unknown field type '{value}' ({accepted})": "未知的字段类型 '{value}'（{accepted}）",
    "invalid field name '{value}': up to {limit} characters, without = < > or quotes": (
        "字段名 '{value}' 无效：最多 {limit} 个字符，不能含 = < > 或引号"
    ),
    "'{value}' is a built-in field ({field}); use --{option}": (
        "'{value}' 是内置字段（{field}）；请用 --{option}"
    ),
    "no custom field '{value}' on {entity}": "{entity} 没有自定义字段 '{value}'",
    "no preset '{value}'": "没有预设 '{value}'",
    "presets: {names}": "预设：{names}",
    "invalid yes/no '{value}' for {field} (yes/是, no/否)": (
        "{field} 的值 '{value}' 无效（yes/是, no/否）"
    ),
    "invalid --where '{value}': use FIELD=VALUE, FIELD>VALUE or FIELD<VALUE": (
        "--where '{value}' 无效：请用 字段=值、字段>值 或 字段<值"
    ),
    "'{value}': use FIELD=VALUE, FIELD>VALUE or FIELD<VALUE": (
        "'{value}'：请用 字段=值、字段>值 或 字段<值"
    ),
    "a choice field needs its choices: choice(A,B,...)": "选项字段需要给出选项：choice(A,B,...)",
    "a choice is at most {limit} characters": "每个选项最多 {limit} 个字符",
    "a custom field '{value}' is already defined ({name})": "已有自定义字段 '{value}'（{name}）",
    "custom fields: {names}": "自定义字段：{names}",
    "unknown field '{value}' in --where": "--where 中的字段 '{value}' 未知",
    "give it with --set {name}=VALUE": "请用 --set {name}=值 填写",
    "fields: {names}": "可用字段：{names}",
    "{who} keeps '{value}' under {field}, which is not of the type: {reason}": (
        "{who} 的 {field} 为 '{value}'，不符合该类型：{reason}"
    ),
    "{who} keeps different values under {first} and {second}": (
        "{who} 在 {first} 和 {second} 下保存了不同的值"
    ),
    "change or remove one of them first (crm {entity} edit)": (
        "请先修改或删除其中一个（crm {entity} edit）"
    ),
    "change or remove that value first (crm {entity} edit)": "请先修改或删除该值（crm {entity} edit）",
    "Added field {name} ({type}) on {on}": "已添加字段 {name}（{type}），适用于 {on}",
    "Added {n} fields of {form} ({m} already defined)": "已添加《{form}》的 {n} 个字段（{m} 个已存在）",
    "custom fields": "自定义字段",
    "Removed field {name} and its values from {n} records": (
        "已删除字段 {name}，并从 {n} 条记录中删除其值"
    ),
    "Removed field {name}; its values stay as untyped custom fields": (
        "已删除字段 {name}；其值保留为无类型的自定义字段"
    ),
    "give --zh, --required/--optional, --type or --rename": (
        "请给出 --zh、--required/--optional、--type 或 --rename"
    ),
    "Updated field {name}": "已修改字段 {name}",
    "Field {name} unchanged": "字段 {name} 未改变",
}
