"""``crm competitor``: competitors (竞争对手)."""

from crmcli.cli.selling.catalog import build

app = build("competitor")
