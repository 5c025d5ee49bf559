"""``crm supplier``: suppliers (供应商)."""

from crmcli.cli.catalog import build

app = build("supplier")
