"""The full-screen app (``crm ui``, Textual): the morning screen, a customer finder, the
customer card with its timeline, forms and the pipeline as a kanban board.

Screens never run SQL: they call the same services as the commands, as the same acting
user and in the same language (:mod:`.session` opens the units of work). Nothing here is
imported by ``crm --help``: :mod:`crmcli.cli.ui` imports this package when it runs.
"""
