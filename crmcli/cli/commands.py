"""The registry of ``crm``'s sub-commands: which module of which room holds each.

Read by the root command (:mod:`crmcli.cli`) to list and load them lazily, and by
:func:`crmcli.cli.common.new_app` for each sub-app's help; it imports nothing.
"""

#: name -> (module, attribute, help). The help is shown by ``crm --help`` without
#: importing the module; the module's Typer app takes it from here.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": (
        "crmcli.cli.team.init",
        "app",
        "Create the database; --demo loads the sample company.",
    ),
    "customer": (
        "crmcli.cli.archive.customer",
        "app",
        "Customer archive (客户档案): add, list, show, edit ...",
    ),
    "contact": ("crmcli.cli.archive.contact", "app", "Contacts at customers (联系人)."),
    "field": (
        "crmcli.cli.archive.field",
        "app",
        "Custom fields of the card (客户资料卡): add, list, edit, remove, preset.",
    ),
    "config": ("crmcli.cli.team.config", "app", "Business settings shared in the database (设置)."),
    "db": (
        "crmcli.cli.team.db",
        "app",
        "The database: info, check, backup, upgrade, audit log, imports, purge.",
    ),
    "log": (
        "crmcli.cli.relationship.interaction",
        "log_app",
        "Record a contact with a customer (接触记录).",
    ),
    "interaction": (
        "crmcli.cli.relationship.interaction",
        "app",
        "Contact and needs records (接触/需求记录).",
    ),
    "followup": (
        "crmcli.cli.relationship.followup",
        "app",
        "Follow-ups (跟进): due today, cadences, calendar.",
    ),
    "care": (
        "crmcli.cli.relationship.care",
        "app",
        "Customer care (客户关怀): drifting, birthdays, anniversaries.",
    ),
    "who": (
        "crmcli.cli.relationship.who",
        "app",
        "Who is calling (来电识别): find a caller by number; --log the call.",
    ),
    "call": (
        "crmcli.cli.relationship.call",
        "app",
        "Call lists (呼叫中心): build from a segment, assign, next, outcome, progress.",
    ),
    "letter": (
        "crmcli.cli.relationship.letter",
        "app",
        "Letters and e-mail (感谢信, 催款, 促销, 生日祝福): render, send, templates.",
    ),
    "ticket": (
        "crmcli.cli.relationship.ticket",
        "app",
        "Service tickets (服务工单) and their tracking card.",
    ),
    "survey": (
        "crmcli.cli.relationship.survey",
        "app",
        "Surveys (调查问卷): create, export a form, record and import answers.",
    ),
    "opportunity": (
        "crmcli.cli.selling.opportunity",
        "app",
        "Sales opportunities through the pipeline (销售机会): add, list, stage ...",
    ),
    "product": (
        "crmcli.cli.selling.product",
        "app",
        "Products and services (产品) with their prices.",
    ),
    "supplier": ("crmcli.cli.selling.supplier", "app", "Suppliers (供应商)."),
    "competitor": (
        "crmcli.cli.selling.competitor",
        "app",
        "Competitors (竞争对手) and what they offer.",
    ),
    "order": ("crmcli.cli.selling.order", "app", "Sales orders (销售订单) with exact totals."),
    "contract": (
        "crmcli.cli.selling.contract",
        "app",
        "Contracts, payment plans, receipts and receivables (合同, 催款).",
    ),
    "report": (
        "crmcli.cli.analysis.report",
        "app",
        "Analysis (分析型CRM): segments, funnel, forecast, activity, service, value, loyalty.",
    ),
    "user": (
        "crmcli.cli.team.user",
        "app",
        "Staff and their roles (员工): add, list, edit, disable.",
    ),
    "ui": (
        "crmcli.cli.ui",
        "app",
        "The full-screen app: morning screen, finder, customer card, pipeline board.",
    ),
}
