"""customer.search_text spells Chinese names in pinyin too.

``--search`` finds 深圳市华晨电子 by ``huachen`` or ``szshcdz`` (SPEC §7): the search
text, written with every customer, now ends with the full pinyin and the initials of the
customer's name and of each live contact's name (:func:`crmcli.searching.search_text`).
This revision rebuilds the search text of the customers already in the book, a chunk of
customers at a time. No schema change.

Revision ID: i16_pinyin_search
Revises: i13_utf8_json
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "i16_pinyin_search"
down_revision = "i13_utf8_json"
branch_labels = None
depends_on = None

CHUNK = 2000


def upgrade() -> None:
    from crmcli.searching import search_text

    conn = op.get_bind()
    customers = sa.text(
        "SELECT id, code, name, phone, phone_key, email, search_text FROM customer"
        " WHERE id > :after ORDER BY id LIMIT :n"
    )
    contacts = sa.text(
        "SELECT customer_id, name FROM contact"
        " WHERE customer_id >= :first AND customer_id <= :last AND deleted_at IS NULL"
        " ORDER BY id"
    )
    write = sa.text("UPDATE customer SET search_text = :text WHERE id = :id")
    after = 0
    while rows := conn.execute(customers, {"after": after, "n": CHUNK}).all():
        first, after = rows[0].id, rows[-1].id
        names: dict[int, list[str]] = defaultdict(list)
        for customer_id, name in conn.execute(contacts, {"first": first, "last": after}):
            if name:
                names[customer_id].append(name)
        changed = []
        for r in rows:
            text = search_text(
                code=r.code,
                name=r.name,
                phone=r.phone,
                phone_key=r.phone_key,
                email=r.email,
                contacts=names.get(r.id, ()),
            )
            if text != r.search_text:
                changed.append({"id": r.id, "text": text})
        if changed:
            conn.execute(write, changed)


def downgrade() -> None:
    # the pinyin lines at the end of a search text are harmless to the code before: it
    # finds by them too, and rewrites a customer's search text without them on its next
    # change
    pass
