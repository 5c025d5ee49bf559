"""The business rules of crmcli, one room (package) per area a user recognises.

No Typer, no Rich, no printing: services take a :class:`~crmcli.services.context.Ctx` and
keyword arguments, return plain objects and raise :class:`~crmcli.errors.CrmError`.
The rooms, from the top down; a room may use the rooms beneath it, never one above it
(the ``[tool.importlinter]`` contracts in ``pyproject.toml`` check it in CI)::

    data          import, export, the demo company         (数据导入导出)
    analysis      segments, funnel, reports, dashboard     (分析型CRM)
    desk          the customer card; changes that reach across rooms
    relationship  contact records, follow-ups, care, service tickets  (客户联系, 关怀, 服务)
    selling       pipeline, catalogue, orders, contracts   (销售)
    archive       customers, contacts, duplicates          (客户档案)
    team          staff, permissions, audit, settings, the database  (员工, 权限, 设置)

Beneath them all, shared by every room, the four modules here: ``context`` (the unit of
work and the acting user), ``refs`` (naming a record by id, code or name), ``codes``
(C000001, O000001 ...) and ``fastread`` (a SQLite book read through sqlite3 alone). This
package imports nothing, so the fast paths of the morning command and the plain customer
list (:mod:`.relationship.fastdue`, :mod:`.archive.fastlist`) pay nothing for it.
"""
