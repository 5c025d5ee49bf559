"""``crm competitor``: competitors (竞争对手)."""

from crmcli.cli.catalog import build

app = build("competitor")
