"""``crm supplier``: suppliers (供应商)."""

from crmcli.cli.selling.catalog import build

app = build("supplier")
