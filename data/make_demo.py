#!/usr/bin/env python3
"""Generate ``demo.json``: the book of a fictional IT company for ``crm init --demo``.

杭州云帆信息技术有限公司 resells ERP/CRM software, implements it, and sells servers,
network gear, maintenance contracts and training. Everything here is fictional.

Run ``python data/make_demo.py``; it writes ``demo.json`` next to itself. The output is
deterministic (``random.Random(2026)``, standard library only). Every date is absolute and
lies around ANCHOR; the loader shifts them all by (today - ANCHOR).

The generator lives in the package ``demo/`` beside this script, a module per area (see
``demo/__init__.py``); this script builds the book, validates it, writes it and prints
the counts.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from demo.book import build, serialise
from demo.validate import validate
from demo.vocabulary import STAGES


def main() -> None:
    book = serialise(build())
    validate(book)
    n, rfm, births, drifting = book.pop("_summary")
    path = Path(__file__).resolve().parent / "demo.json"
    text = json.dumps(book, ensure_ascii=False, indent=1) + "\n"
    path.write_text(text, encoding="utf-8")
    custs = book["customers"]
    print(f"wrote {path} ({len(text.encode('utf-8')) // 1024} KiB)")
    print(
        f"customers {len(custs)} (levels {dict(Counter(c['level'] for c in custs))}, "
        f"statuses {dict(Counter(c['status'] for c in custs))}), "
        f"cities {len({c['city'] for c in custs})}, "
        f"industries {len({c['industry'] for c in custs})}"
    )
    print(
        f"contacts {sum(len(c['contacts']) for c in custs)}, interactions {n['interactions']}, "
        f"opportunities {n['opps']} "
        "(" + ", ".join(f"{s} {n['stage_' + s]}" for s in STAGES) + ")"
    )
    print(
        f"orders {n['orders']} (cancelled {n['cancelled']}), contracts {n['contracts']} "
        f"(paid {n['contracts_paid']}, partly {n['contracts_partly']}, "
        f"overdue {n['contracts_overdue']}), tickets {n['tickets']} "
        f"(compensations {n['compensations']}), care records {n['care']}"
    )
    print(
        f"follow-ups pending {n['followups_pending']}, done {n['followups_done']}, "
        f"cancelled {n['followups_cancelled']} (memory cadence {n['memory']})"
    )
    print(f"RFM classes {dict(sorted(rfm.items()))}")
    print(f"birthdays in the next 14 days {births}; drifting gold customers {len(drifting)}")


if __name__ == "__main__":
    main()
