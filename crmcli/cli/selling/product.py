"""``crm product``: products and services (产品)."""

from crmcli.cli.selling.catalog import build

app = build("product")
