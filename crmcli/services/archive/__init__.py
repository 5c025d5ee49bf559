"""The customer archive (客户档案): customers, their contacts, the custom fields of their
card, and finding and merging duplicates.

``customers`` (add, edit, find, list; the scope every room's records hang under:
``under``, ``of_live``), ``contacts`` (联系人), ``fields`` (客户资料卡: typed custom fields),
``searched`` (the search text) and ``dedupe`` (查重与合并).

May use: team. The archive changes its own records only: what a change means for the
follow-ups is done by :mod:`crmcli.services.desk.changes`.
"""
