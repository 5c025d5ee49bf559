"""The CRM's vocabulary in one place: enum values and field labels, English and Chinese.

Enum values are stored and emitted as their English keys; input accepts the key,
the English label or the Chinese label (case, spaces and full-width forms ignored).
Field definitions drive option parsing, table headers and (later) import headers.
Nothing here imports the database stack, so it is cheap to load.
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple

from crmcli.errors import Invalid
from crmcli.i18n import pick, t


def fold(text: str) -> str:
    """Fold full-width forms, case and inner spaces: the form used to compare words."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


class Choice(NamedTuple):
    key: str
    en: str
    zh: str


class Vocab:
    """A closed set of values, each with an English key and two labels."""

    def __init__(
        self,
        name_en: str,
        name_zh: str,
        choices: list[tuple[str, str, str]],
        aliases: dict[str, str] | None = None,
    ):
        self.name_en = name_en
        self.name_zh = name_zh
        self.choices = [Choice(*c) for c in choices]
        #: other words for a key, accepted but never shown (the ERPs' A/B/C levels)
        self.aliases = aliases or {}
        self.keys = [c.key for c in self.choices]
        self._by_key = {c.key: c for c in self.choices}
        self._lookup: dict[str, str] = {}  # built on first use: start-up stays cheap

    @property
    def name(self) -> str:
        return pick(self.name_en, self.name_zh)

    def label(self, key: str | None) -> str:
        """The label of a key in the current language (unknown keys pass through)."""
        if key is None:
            return ""
        c = self._by_key.get(key)
        return pick(c.en, c.zh) if c else key

    def label_in(self, key: str, lang: str) -> str:
        """The label of a key in ``lang`` (en or zh), whatever the current language."""
        c = self._by_key[key]
        return c.zh if lang == "zh" else c.en

    def accepted(self) -> str:
        return ", ".join(f"{c.key}/{c.zh}" for c in self.choices)

    def find(self, text: str) -> str | None:
        if not self._lookup:
            for c in self.choices:
                for word in (c.key, c.en, c.zh, c.key.replace("_", " ")):
                    self._lookup.setdefault(fold(word), c.key)
            for word, key in self.aliases.items():
                self._lookup.setdefault(fold(word), key)
        return self._lookup.get(fold(text))

    def parse(self, text: str) -> str:
        """The key for ``text`` in English or Chinese, or :class:`Invalid` naming the choices."""
        key = self.find(text)
        if key is None:
            raise Invalid(
                t(
                    "unknown {what} '{value}' ({accepted})",
                    what=pick(self.name_en.lower(), self.name_zh),
                    value=text,
                    accepted=self.accepted(),
                )
            )
        return key


KIND = Vocab("Kind", "类型", [("company", "Company", "企业"), ("person", "Person", "个人")])
LEVEL = Vocab(
    "Level",
    "客户等级",
    [("gold", "Gold", "金牌"), ("silver", "Silver", "银牌"), ("regular", "Regular", "普通")],
    aliases={"A": "gold", "B": "silver", "C": "regular"},  # the ERPs' grading (SPEC §7)
)
STATUS = Vocab(
    "Status",
    "状态",
    [
        ("lead", "Lead", "线索"),
        ("prospect", "Prospect", "潜在客户"),
        ("active", "Active", "成交客户"),
        ("dormant", "Dormant", "休眠"),
        ("lost", "Lost", "流失"),
    ],
)
SOURCE = Vocab(
    "Source",
    "来源",
    [
        ("search_engine", "Search engine", "搜索引擎"),
        ("database", "Database", "权威数据"),
        ("website", "Website", "专业网站"),
        ("exhibition", "Exhibition", "展览会"),
        ("referral", "Referral", "老客户介绍"),
        ("competitor", "Competitor", "竞争对手"),
        ("enterprise", "Enterprise", "企业"),
        ("survey", "Survey", "市场考察"),
        ("conference", "Conference", "会议与论坛"),
        ("agency", "Agency", "专业机构"),
        ("other", "Other", "其他"),
    ],
)
CREDIT = Vocab(
    "Credit rating",
    "信用评定",
    [
        ("excellent", "Excellent", "优秀"),
        ("good", "Good", "良好"),
        ("fair", "Fair", "一般"),
        ("poor", "Poor", "很差"),
    ],
)
CONTACT_ROLE = Vocab(
    "Role",
    "角色",
    [
        ("decision_maker", "Decision maker", "决策者"),
        ("influencer", "Influencer", "影响者"),
        ("user", "User", "使用者"),
        ("other", "Other", "其他"),
    ],
)
CHANNEL = Vocab(
    "Channel",
    "方式",
    [
        ("phone", "Phone", "电话"),
        ("visit", "Visit", "拜访"),
        ("email", "E-mail", "邮件"),
        ("wechat", "WeChat", "微信"),
        ("meeting", "Meeting", "会议"),
        ("exhibition", "Exhibition", "展会"),
        ("other", "Other", "其他"),
    ],
)
FOLLOWUP_KIND = Vocab(
    "Follow-up kind",
    "跟进方式",
    [
        ("call", "Call", "电话"),
        ("visit", "Visit", "拜访"),
        ("email", "E-mail", "邮件"),
        ("care", "Care", "关怀"),
    ],
)
FOLLOWUP_STATUS = Vocab(
    "Follow-up status",
    "跟进状态",
    [
        ("pending", "Pending", "待办"),
        ("done", "Done", "已完成"),
        ("cancelled", "Cancelled", "已取消"),
    ],
)
URGENCY = Vocab(
    "Urgency",
    "紧迫程度",
    [("low", "Low", "低"), ("medium", "Medium", "中"), ("high", "High", "高")],
)
ORDER_STATUS = Vocab(
    "Order status",
    "订单状态",
    [
        ("confirmed", "Confirmed", "已确认"),
        ("delivered", "Delivered", "已交付"),
        ("paid", "Paid", "已付款"),
        ("cancelled", "Cancelled", "已取消"),
    ],
)
TICKET_KIND = Vocab(
    "Ticket kind",
    "工单类型",
    [
        ("inquiry", "Inquiry", "咨询"),
        ("complaint", "Complaint", "投诉"),
        ("repair", "Repair", "维修"),
        ("return", "Return", "退换货"),
        ("suggestion", "Suggestion", "建议"),
    ],
)
TICKET_STATUS = Vocab(
    "Ticket status",
    "工单状态",
    [
        ("open", "Open", "待处理"),
        ("in_progress", "In progress", "处理中"),
        ("resolved", "Resolved", "已解决"),
        ("closed", "Closed", "已关闭"),
    ],
)
PRIORITY = Vocab(
    "Priority",
    "优先级",
    [
        ("low", "Low", "低"),
        ("normal", "Normal", "普通"),
        ("high", "High", "高"),
        ("urgent", "Urgent", "紧急"),
    ],
)
ROLE = Vocab(
    "Role",
    "角色",
    [
        ("admin", "Admin", "管理员"),
        ("manager", "Manager", "经理"),
        ("sales", "Sales", "销售"),
        ("service", "Service", "客服"),
    ],
)

# The default sales pipeline (the database setting ``pipeline.stages`` can change it).
DEFAULT_STAGES = [
    {"key": "lead", "en": "Lead", "zh": "初步接洽", "probability": 10},
    {"key": "qualified", "en": "Qualified", "zh": "需求确认", "probability": 25},
    {"key": "proposal", "en": "Proposal", "zh": "方案报价", "probability": 50},
    {"key": "negotiation", "en": "Negotiation", "zh": "商务谈判", "probability": 75},
    {"key": "won", "en": "Won", "zh": "赢单", "probability": 100},
    {"key": "lost", "en": "Lost", "zh": "输单", "probability": 0},
]

# The ticket flow (the database setting ``ticket.flow`` can change it): each status and
# the statuses a ticket may move to from it. The default is crm's behaviour before the
# flow was a setting: open -> in progress (assign, note) or resolved; in progress ->
# resolved; resolved -> closed, or reopened; closed -> reopened.
DEFAULT_TICKET_FLOW = {
    "open": ["in_progress", "resolved"],
    "in_progress": ["resolved"],
    "resolved": ["closed", "in_progress", "open"],
    "closed": ["in_progress", "open"],
}
#: every move a command of ``crm ticket`` can make, and the commands that make it
TICKET_MOVES = {
    ("open", "in_progress"): ("assign", "note"),
    ("open", "resolved"): ("resolve",),
    ("open", "closed"): ("close",),
    ("in_progress", "resolved"): ("resolve",),
    ("in_progress", "closed"): ("close",),
    ("resolved", "closed"): ("close",),
    ("resolved", "in_progress"): ("reopen",),
    ("resolved", "open"): ("reopen",),
    ("closed", "in_progress"): ("reopen",),
    ("closed", "open"): ("reopen",),
}

# Why customers are lost (客户流失), the course's list (000: 企业客户流失 客户因素); the
# database setting ``churn.reasons`` can change it.
DEFAULT_CHURN_REASONS = [
    {"key": "death", "en": "Customer deceased", "zh": "客户去世"},
    {"key": "price", "en": "Product price", "zh": "产品价格"},
    {"key": "competitor", "en": "Competitors' activity", "zh": "竞争对手的活动"},
    {"key": "lost_contact", "en": "Lost contact", "zh": "失去联络"},
    {"key": "complaint", "en": "Complaint badly handled", "zh": "处理投诉事务不当"},
    {"key": "influence", "en": "Influence of people around them", "zh": "客户周围人员的影响"},
    {
        "key": "communication",
        "en": "Poor communication, needs not grasped",
        "zh": "缺乏沟通技巧/没有掌握客户需求",
    },
    {"key": "other", "en": "Other", "zh": "其他"},
]


class FieldDef(NamedTuple):
    """One field of an entity: its JSON name, labels, value type and limits.

    ``type`` is one of text, enum, date, datetime, money, int, phone, email, url,
    tags, extra, user, ref.
    """

    name: str
    en: str
    zh: str
    type: str = "text"
    vocab: Vocab | None = None
    limit: int | None = None
    low: int | None = None
    high: int | None = None

    @property
    def label(self) -> str:
        return pick(self.en, self.zh)

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")


F = FieldDef

CUSTOMER_FIELDS = [
    F("code", "Code", "客户编号", limit=40),
    F("name", "Name", "客户名称", limit=200),
    F("kind", "Kind", "类型", "enum", KIND),
    F("industry", "Industry", "行业", limit=100),
    F("level", "Level", "客户等级", "enum", LEVEL),
    F("status", "Status", "状态", "enum", STATUS),
    F("source", "Source", "来源", "enum", SOURCE),
    F("owner", "Owner", "负责人", "user"),
    F("phone", "Phone", "电话", "phone", limit=50),
    F("fax", "Fax", "传真", "phone", limit=50),
    F("email", "E-mail", "邮箱", "email", limit=254),
    F("website", "Website", "网址", "url", limit=300),
    F("address", "Address", "地址", limit=300),
    F("city", "City", "城市", limit=100),
    F("founded_on", "Founded on", "成立日期", "date"),
    F("capital", "Capital", "资本额", "money"),
    F("employees", "Employees", "员工人数", "int", low=0, high=2**31 - 1),
    F("annual_revenue", "Annual revenue", "年营业额", "money"),
    F("bank", "Bank", "主要往来银行", limit=200),
    F("payment_terms", "Payment terms", "付款方式", limit=200),
    F("customer_since", "Customer since", "往来起始日期", "date"),
    F("credit_rating", "Credit rating", "信用评定", "enum", CREDIT),
    F("points", "Points", "积分", "int", low=-(2**31), high=2**31 - 1),
    F("tags", "Tags", "标签", "tags"),
    F("notes", "Notes", "备注", limit=4000),
    F("extra", "Custom fields", "自定义字段", "extra"),
    F("created_at", "Created at", "创建时间", "datetime"),
    F("updated_at", "Updated at", "修改时间", "datetime"),
    # 客户流失 (set by customer edit --status lost --reason; null unless lost)
    F("lost_at", "Lost at", "流失时间", "datetime"),
    F("lost_reason", "Lost reason", "流失原因", limit=40),
    F("lost_note", "Lost note", "流失说明", limit=1000),
    # opted out of marketing: no promotion letters (customer add/edit --no-marketing)
    F("marketing_opt_out", "No marketing", "拒收营销", "bool"),
]

CONTACT_FIELDS = [
    F("customer", "Customer", "客户", "ref"),
    F("name", "Name", "姓名", limit=100),
    F("title", "Title", "职务", limit=100),
    F("role", "Role", "角色", "enum", CONTACT_ROLE),
    F("phone", "Phone", "电话", "phone", limit=50),
    F("mobile", "Mobile", "手机", "phone", limit=50),
    F("email", "E-mail", "邮箱", "email", limit=254),
    F("wechat", "WeChat", "微信", limit=100),
    F("birthday", "Birthday", "生日", "date"),
    F("family", "Family", "婚姻家庭", limit=500),
    F("hobbies", "Hobbies", "兴趣爱好", limit=500),
    F("relation_level", "Relation level", "关系等级", "int", low=1, high=5),
    F("notes", "Notes", "备注", limit=4000),
]

USER_FIELDS = [
    F("username", "Username", "用户名", limit=32),
    F("name", "Name", "姓名", limit=100),
    F("role", "Role", "角色", "enum", ROLE),
    F("active", "Active", "在职", "bool"),
    F("db_role", "Database role", "数据库角色", limit=63),
    F("created_at", "Created at", "创建时间", "datetime"),
    F("updated_at", "Updated at", "修改时间", "datetime"),
]

# Fields a user may not set directly (assigned or derived by crmcli).
SYSTEM_FIELDS = frozenset({"created_at", "updated_at", "owner", "customer", "extra"})


def fields_by_name(fields: list[FieldDef]) -> dict[str, FieldDef]:
    return {f.name: f for f in fields}


CUSTOMER = fields_by_name(CUSTOMER_FIELDS)
CONTACT = fields_by_name(CONTACT_FIELDS)

# -- keeping the relationship: contact records, follow-ups, care, service tickets ----------

INTERACTION_KIND = Vocab(
    "Record kind",
    "记录类型",
    [
        ("contact", "Contact", "接触"),
        ("needs", "Needs", "需求"),
        ("care", "Care", "关怀"),
        ("service", "Service", "服务"),
    ],
)
CARE_KIND = Vocab(
    "Care",
    "关怀事项",
    [
        ("drifting", "Drifting", "久未联系"),
        ("birthday", "Birthday", "生日"),
        ("anniversary", "Anniversary", "合作周年"),
    ],
)
TICKET_ACTION = Vocab(
    "Action",
    "操作",
    [
        ("opened", "Opened", "受理"),
        ("assigned", "Assigned", "分派"),
        ("note", "Note", "处理记录"),
        ("resolved", "Resolved", "解决"),
        ("closed", "Closed", "关闭"),
        ("reopened", "Reopened", "重新打开"),
        ("edited", "Edited", "修改"),
        ("callback", "Call-back", "满意度回访"),
    ],
)
# The steps crm follows for a complaint (投诉处理步骤). The course names the task
# (任务二 正确处理客户抱怨) but its documents list no steps: these are crm's, each a fact
# on the ticket: it was taken in (受理, cf. 004 呼入客诉受理), its cause found, a remedy
# proposed, the complaint resolved, and the customer called back (回访, cf. 004 呼出回访).
COMPLAINT_STEP = Vocab(
    "Complaint step",
    "投诉处理步骤",
    [
        ("accepted", "Complaint taken in", "受理投诉"),
        ("cause", "Cause found", "查明原因"),
        ("remedy", "Remedy proposed", "提出补救措施"),
        ("resolved", "Resolved", "处理解决"),
        ("callback", "Satisfaction call-back", "满意度回访"),
    ],
)

INTERACTION_FIELDS = [
    F("customer", "Customer", "客户", "ref"),
    F("contact", "Contact", "联系人", "ref"),
    F("user", "By", "记录人", "user"),
    F("occurred_at", "When", "时间", "datetime"),
    F("channel", "Channel", "方式", "enum", CHANNEL),
    F("kind", "Kind", "记录类型", "enum", INTERACTION_KIND),
    F("place", "Place", "地点", limit=200),
    F("summary", "Summary", "内容", limit=4000),
    F("result", "Result", "结果", limit=4000),
    F("next_step", "Next step", "下一步", limit=1000),
]
FOLLOWUP_FIELDS = [
    F("customer", "Customer", "客户", "ref"),
    F("opportunity", "Opportunity", "销售机会", "ref"),
    F("owner", "Owner", "负责人", "user"),
    F("due_at", "Due", "到期", "datetime"),
    F("kind", "Kind", "跟进方式", "enum", FOLLOWUP_KIND),
    F("note", "Note", "备注", limit=1000),
    F("status", "Status", "状态", "enum", FOLLOWUP_STATUS),
    F("done_at", "Done at", "完成时间", "datetime"),
    F("step", "Step", "第几次跟踪", "int"),
    F("cadence", "Cadence", "跟进节奏", limit=200),
]
TICKET_FIELDS = [
    F("code", "Code", "工单编号", limit=40),
    F("customer", "Customer", "客户", "ref"),
    F("contact", "Contact", "联系人", "ref"),
    F("owner", "Owner", "负责人", "user"),
    F("kind", "Kind", "工单类型", "enum", TICKET_KIND),
    F("subject", "Subject", "主题", limit=300),
    F("description", "Description", "问题描述", limit=4000),
    F("priority", "Priority", "优先级", "enum", PRIORITY),
    F("status", "Status", "工单状态", "enum", TICKET_STATUS),
    F("opened_at", "Opened at", "受理时间", "datetime"),
    F("due_at", "Due by", "解决时限", "datetime"),
    F("resolved_at", "Resolved at", "解决时间", "datetime"),
    F("closed_at", "Closed at", "关闭时间", "datetime"),
    F("resolution", "Resolution", "处理结果", limit=4000),
    F("satisfaction", "Satisfaction", "满意度", "int", low=1, high=5),
    F("cause", "Cause", "问题原因", limit=1000),
    F("remedy", "Remedy", "补救措施", limit=1000),
    F("compensation", "Compensation", "补偿金额", "money"),
]
INTERACTION = fields_by_name(INTERACTION_FIELDS)
FOLLOWUP = fields_by_name(FOLLOWUP_FIELDS)
TICKET = fields_by_name(TICKET_FIELDS)
# -- selling: opportunities, products, suppliers, competitors, orders, contracts ----------

INSTALMENT_STATUS = Vocab(
    "Instalment status",
    "收款状态",
    [
        ("paid", "Paid", "已收清"),
        ("partial", "Partly paid", "部分收款"),
        ("overdue", "Overdue", "已逾期"),
        ("due", "Due today", "今日到期"),
        ("upcoming", "Upcoming", "未到期"),
    ],
)

OPPORTUNITY_FIELDS = [
    F("code", "Code", "机会编号", limit=40),
    F("customer", "Customer", "客户", "ref"),
    F("title", "Title", "机会名称", limit=300),
    F("product", "Product", "产品", "ref"),
    F("amount", "Amount", "金额", "money"),
    F("stage", "Stage", "阶段", "stage"),
    F("probability", "Probability", "赢率", "int", low=0, high=100),
    F("urgency", "Urgency", "紧迫程度", "enum", URGENCY),
    F("needs", "Needs", "需求特点", limit=4000),
    F("expected_close", "Expected close", "预计成交日期", "date"),
    F("owner", "Owner", "负责人", "user"),
    F("competitor", "Competitor", "竞争对手", "ref"),
    F("lost_reason", "Lost reason", "输单原因", limit=1000),
    F("closed_at", "Closed at", "关闭时间", "datetime"),
    F("created_at", "Created at", "创建时间", "datetime"),
    F("updated_at", "Updated at", "修改时间", "datetime"),
]

STAGE_CHANGE_FIELDS = [
    F("at", "At", "时间", "datetime"),
    F("from_stage", "From", "原阶段", "stage"),
    F("to_stage", "To", "新阶段", "stage"),
    F("user", "User", "操作人", "user"),
    F("reason", "Reason", "原因", limit=1000),
]

SUPPLIER_FIELDS = [
    F("name", "Name", "供应商名称", limit=200),
    F("contact_name", "Contact", "联系人", limit=100),
    F("phone", "Phone", "电话", "phone", limit=50),
    F("email", "E-mail", "邮箱", "email", limit=254),
    F("address", "Address", "地址", limit=300),
    F("city", "City", "城市", limit=100),
    F("category", "Category", "供应类别", limit=100),
    F("rating", "Rating", "供应商评级", limit=20),
    F("notes", "Notes", "备注", limit=4000),
    F("created_at", "Created at", "创建时间", "datetime"),
    F("updated_at", "Updated at", "修改时间", "datetime"),
]

PRODUCT_FIELDS = [
    F("code", "Code", "产品编号", limit=40),
    F("name", "Name", "产品名称", limit=200),
    F("category", "Category", "类别", limit=100),
    F("unit", "Unit", "单位", limit=20),
    F("price", "Price", "单价", "money"),
    F("cost", "Cost", "成本", "money"),
    F("supplier", "Supplier", "供应商", "ref"),
    F("notes", "Notes", "备注", limit=4000),
    F("created_at", "Created at", "创建时间", "datetime"),
    F("updated_at", "Updated at", "修改时间", "datetime"),
]

COMPETITOR_FIELDS = [
    F("name", "Name", "竞争对手名称", limit=200),
    F("product", "Product", "竞争产品", limit=200),
    F("price", "Price", "价格", "money"),
    F("features", "Features", "产品特点", limit=2000),
    F("strengths", "Strengths", "优势", limit=2000),
    F("weaknesses", "Weaknesses", "劣势", limit=2000),
    F("strategy", "Strategy", "应对策略", limit=2000),
    F("notes", "Notes", "备注", limit=4000),
    F("created_at", "Created at", "创建时间", "datetime"),
    F("updated_at", "Updated at", "修改时间", "datetime"),
]

ORDER_FIELDS = [
    F("code", "Code", "订单编号", limit=40),
    F("customer", "Customer", "客户", "ref"),
    F("opportunity", "Opportunity", "销售机会", "ref"),
    F("ordered_on", "Ordered on", "订货日期", "date"),
    F("status", "Status", "订单状态", "enum", ORDER_STATUS),
    F("total", "Total", "订单金额", "money"),
    F("owner", "Owner", "负责人", "user"),
    F("notes", "Notes", "备注", limit=4000),
    F("created_at", "Created at", "创建时间", "datetime"),
    F("updated_at", "Updated at", "修改时间", "datetime"),
]

ORDER_LINE_FIELDS = [
    F("product", "Product", "产品编号", "ref"),
    F("description", "Description", "品名", limit=300),
    F("qty", "Quantity", "数量", "decimal"),
    F("unit_price", "Unit price", "单价", "money"),
    F("discount", "Discount %", "折扣%", "decimal"),
    F("amount", "Amount", "金额", "money"),
]

CONTRACT_FIELDS = [
    F("code", "Code", "合同编号", limit=40),
    F("customer", "Customer", "客户", "ref"),
    F("title", "Title", "合同名称", limit=300),
    F("amount", "Amount", "合同金额", "money"),
    F("received", "Received", "已收款", "money"),
    F("outstanding", "Outstanding", "未收款", "money"),
    F("overdue", "Overdue", "逾期未收", "money"),
    F("next_due_on", "Next due", "下次收款日", "date"),
    F("signed_on", "Signed on", "签订日期", "date"),
    F("starts_on", "Starts on", "开始日期", "date"),
    F("ends_on", "Ends on", "结束日期", "date"),
    F("opportunity", "Opportunity", "销售机会", "ref"),
    F("owner", "Owner", "负责人", "user"),
    F("notes", "Notes", "备注", limit=4000),
    F("created_at", "Created at", "创建时间", "datetime"),
    F("updated_at", "Updated at", "修改时间", "datetime"),
]

INSTALMENT_FIELDS = [
    F("seq", "No.", "期次", "int"),
    F("due_on", "Due on", "应收日期", "date"),
    F("amount", "Amount", "应收金额", "money"),
    F("received", "Received", "已收", "money"),
    F("outstanding", "Outstanding", "未收", "money"),
    F("status", "Status", "收款状态", "enum", INSTALMENT_STATUS),
]

RECEIPT_FIELDS = [
    F("paid_on", "Paid on", "收款日期", "date"),
    F("amount", "Amount", "收款金额", "money"),
    F("note", "Note", "备注", limit=1000),
    F("user", "Entered by", "经办人", "user"),
]

RECEIVABLE_FIELDS = [
    F("customer_code", "Customer", "客户编号"),
    F("customer_name", "Customer name", "客户名称"),
    F("contact", "Contact", "联系人"),
    F("phone", "Phone", "电话", "phone"),
    F("email", "E-mail", "邮箱", "email"),
    F("owner", "Owner", "负责人", "user"),
    F("contract_code", "Contract", "合同编号"),
    F("contract_title", "Contract title", "合同名称"),
    F("seq", "No.", "期次", "int"),
    F("due_on", "Due on", "应收日期", "date"),
    F("amount", "Amount", "应收金额", "money"),
    F("received", "Received", "已收", "money"),
    F("outstanding", "Outstanding", "未收", "money"),
    F("days_overdue", "Days overdue", "逾期天数", "int"),
]

OPPORTUNITY = fields_by_name(OPPORTUNITY_FIELDS)
STAGE_CHANGE = fields_by_name(STAGE_CHANGE_FIELDS)
SUPPLIER = fields_by_name(SUPPLIER_FIELDS)
PRODUCT = fields_by_name(PRODUCT_FIELDS)
COMPETITOR = fields_by_name(COMPETITOR_FIELDS)
ORDER = fields_by_name(ORDER_FIELDS)
ORDER_LINE = fields_by_name(ORDER_LINE_FIELDS)
CONTRACT = fields_by_name(CONTRACT_FIELDS)
INSTALMENT = fields_by_name(INSTALMENT_FIELDS)
RECEIPT = fields_by_name(RECEIPT_FIELDS)
RECEIVABLE = fields_by_name(RECEIVABLE_FIELDS)
USER = fields_by_name(USER_FIELDS)

# -- import headers (issue 3) ---------------------------------------------------------------
# A file column matches a field by its name, its English or Chinese label, or one of these
# synonyms, ignoring case, spaces, full-width forms and marks such as ``*`` (see
# ``crmcli.tabular.header_key``). ``contact.*`` are the one contact a row may carry (联系人):
# when the file has no contact column, 手机 is the customer's phone and the others are kept
# as custom fields.

IMPORT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "code": ("客户编码", "客户代码", "客户号", "编号", "customer code", "customer no"),
    "name": (
        "公司名称",
        "单位名称",
        "企业名称",
        "公司全称",
        "客户全称",
        "名称",
        "客户",
        "姓名",
        "客户姓名",
        "company",
        "company name",
        "customer",
        "customer name",
    ),
    "kind": ("客户类型", "客户类别", "type"),
    "industry": ("所属行业", "行业类别"),
    "level": ("等级", "级别", "客户级别", "customer level"),
    "status": ("客户状态",),
    "source": ("客户来源", "信息来源", "渠道"),
    "owner": ("客户经理", "业务员", "销售", "销售员", "跟进人", "salesperson", "account manager"),
    "phone": ("联系电话", "固定电话", "办公电话", "公司电话", "座机", "tel", "telephone"),
    "fax": ("传真号码",),
    "email": ("电子邮件", "电子邮箱", "邮件", "mail", "email address"),
    "website": ("网站", "公司网址", "主页", "官网", "web", "url", "homepage"),
    "address": ("通讯地址", "公司地址", "详细地址", "联系地址"),
    "city": ("所在城市", "所在地"),
    "founded_on": ("成立时间", "注册日期", "founded"),
    "capital": ("注册资本", "注册资金", "资本", "registered capital"),
    "employees": ("人数", "员工数", "职工人数"),
    "annual_revenue": ("年销售额", "营业额", "年营收", "revenue"),
    "bank": ("开户银行", "开户行"),
    "payment_terms": ("结算方式", "付款条件"),
    "customer_since": ("合作开始日期", "首次合作日期", "开始合作日期", "往来日期"),
    "credit_rating": ("信用等级", "信用评级", "信用"),
    "points": ("客户积分", "会员积分"),
    "tags": ("标记", "tag"),
    "notes": ("说明", "备注信息", "note", "remarks", "comment", "comments"),
    "created_at": ("录入时间", "创建日期"),
    "marketing_opt_out": ("不接收营销", "拒收推广", "email opt out", "marketing opt out"),
    "contact.name": ("联系人", "联系人姓名", "contact", "contact name", "contact person"),
    "contact.title": ("职务", "职位", "联系人职务", "title", "position", "job title"),
    "contact.mobile": ("手机", "手机号", "手机号码", "移动电话", "mobile", "mobile phone", "cell"),
    "contact.phone": ("联系人电话", "contact phone"),
    "contact.email": ("联系人邮箱", "联系人电子邮件", "contact email"),
    "contact.wechat": ("微信", "微信号", "wechat"),
}

#: Columns an import reads past on purpose: the record id and the last change time that
#: ``export`` writes, and the reason column of a rejects file.
IMPORT_IGNORED = ("id", "系统编号", "updated_at", "修改时间", "更新时间", "error", "错误原因")

#: ``crm customer import --match``: what makes a row the same customer as another.
MATCH_KEY = Vocab(
    "Match key",
    "匹配字段",
    [
        ("code", "code", "客户编号"),
        ("phone", "phone", "电话"),
        ("email", "e-mail", "邮箱"),
        ("name", "name", "名称"),
    ],
)
#: ``crm customer import --on-duplicate``: what a row matching a customer does.
ON_DUPLICATE = Vocab(
    "On duplicate",
    "重复时",
    [("update", "Update", "更新"), ("skip", "Skip", "跳过"), ("error", "Error", "报错")],
)

#: ``crm db imports``: what a batch was.
BATCH_KIND = Vocab(
    "Batch kind",
    "批次类型",
    [("customer", "import", "导入"), ("segment", "levels from ABC", "按 ABC 定级")],
)

#: ``crm db audit`` and ``crm db purge``: the kinds of record and what was done to them.
RECORD_KIND = Vocab(
    "Record",
    "对象",
    [
        ("customer", "customer", "客户"),
        ("contact", "contact", "联系人"),
        ("interaction", "interaction", "接触记录"),
        ("followup", "follow-up", "跟进"),
        ("opportunity", "opportunity", "销售机会"),
        ("order", "order", "订单"),
        ("sales_order", "order", "订单"),
        ("contract", "contract", "合同"),
        ("ticket", "ticket", "服务工单"),
        ("product", "product", "产品"),
        ("supplier", "supplier", "供应商"),
        ("competitor", "competitor", "竞争对手"),
        ("survey", "survey", "调查问卷"),
        ("survey_response", "survey answers", "答卷"),
        ("user", "user", "员工"),
        ("setting", "setting", "设置"),
        ("import_batch", "import batch", "导入批次"),
        ("database", "database", "数据库"),
    ],
)
AUDIT_ACTION = Vocab(
    "Action",
    "操作",
    [
        ("create", "create", "新建"),
        ("update", "update", "修改"),
        ("delete", "delete", "删除"),
        ("restore", "restore", "恢复"),
        ("assign", "assign", "分配"),
        ("disable", "disable", "停用"),
        ("merge", "merge", "合并"),
        ("pay", "pay", "收款"),
        ("import", "import", "导入"),
        ("undo", "undo", "撤销导入"),
        ("revert", "revert", "撤回"),
        ("purge", "purge", "清除"),
    ],
)
