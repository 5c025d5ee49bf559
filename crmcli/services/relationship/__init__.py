"""The relationship (客户联系, 跟踪回访, 客户关怀, 服务): every contact with a customer and
every touch planned, the care owed, and the service given.

``interactions`` (接触记录, 需求记录), ``followups`` (the memory-curve cadences and the
writes), ``contact_log`` (``crm log``: a contact and the next touch), ``followup_due`` (the
morning query and the calendar) with ``fastdue`` (the same query through sqlite3 alone) and
``due_sql`` (compiling it), ``care`` (drifting customers, birthdays, anniversaries) and
``tickets`` (服务工单, the service tracking card) and ``surveys`` (调查问卷: questionnaires
and the answers customers give).

May use: selling (a contact or a touch may be about an opportunity), archive, team.
"""
