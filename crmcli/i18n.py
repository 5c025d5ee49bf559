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
    "The header is row {row}; the rows above it were skipped": "表头在第 {row} 行，上面的行已跳过",
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
}
