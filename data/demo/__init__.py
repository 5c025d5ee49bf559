"""The generator of demo.json, a module per area (run it with ``python data/make_demo.py``).

Team
    ``team``: our company and its staff.
Archive (customers and contacts)
    ``customers``: the customer list; ``archive``: building customers and contacts.
Relationship (contact records, follow-ups, care, service)
    ``phrases``: interaction templates; ``interactions``: each customer's contact records;
    ``followups``: memory cadence, follow-ups and birthday care; ``tickets``: service tickets.
Selling (products, opportunities, orders, contracts)
    ``catalog``: suppliers, products, competitors, baskets, line pricing;
    ``opportunities``, ``orders``, ``contracts``.

Underneath them: ``common`` (the seeded random source, anchor date, working days, money),
``vocabulary`` (SPEC §3 enum keys) and ``identities`` (names, phones, e-mail, addresses,
credit codes). On top: ``book`` assembles and serialises the book, ``validate`` checks it.
Modules import only downwards, so there are no import cycles.
"""
