"""Selling (销售): opportunities through the pipeline, the catalogue, orders and contracts.

``pipeline`` (销售机会 and their stages), ``catalog`` (products, suppliers, competitors),
``orders`` (销售订单) and ``contracts`` (合同, payment plans, receipts, 催款).

May use: archive, team. Closing an opportunity cancels its follow-ups in
:mod:`crmcli.services.desk.changes`, not here.
"""
