"""The team (员工, 权限, 设置): who works in the book and what each may do, what they did,
and the book itself.

``people`` (staff by username), ``permissions`` (the rules of each role; the calls every
room makes before it reads or changes), ``users`` (``crm user``), ``dbroles`` (their
PostgreSQL login roles), ``audit`` (the log of every change), ``settings`` (business
settings kept in the database, ``crm config``), ``setup`` (``crm init``) and ``dbadmin``
(``crm db``: info, check, backup, purge).

May use: the shared ``context``, ``refs``, ``codes``; models, db, validation, and the
roles' rules (``crmcli.grants``). No other room.
"""
