"""``python -m crmcli`` runs the ``crm`` command."""

from crmcli.cli import main

main()
