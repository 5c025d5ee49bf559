"""Customer satisfaction (客户满意度): a survey's answers question by question, the net
promoter score, by customer level and by owner, with the service tickets' satisfaction
beside it.

For each question: how many answered, the mean (scale and NPS questions) and the
distribution (how many gave each value or chose each choice; the texts of a text
question). The NPS comes from the survey's first NPS question: promoters answer 9 or 10,
passives 7 or 8, detractors 0 to 6, and NPS = 100 × (promoters − detractors) / answers.
Only the responses of customers the acting user may see are counted (a salesperson: her
own and unassigned customers).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from crmcli.services.archive import customers
from crmcli.services.context import Ctx
from crmcli.services.relationship import surveys

PROMOTERS = (9, 10)
PASSIVES = (7, 8)


def nps(values: list[int]) -> dict[str, Any]:
    """Promoters, passives, detractors and the NPS of 0-10 answers (None: no answers)."""
    promoters = sum(1 for v in values if v >= PROMOTERS[0])
    passives = sum(1 for v in values if PASSIVES[0] <= v <= PASSIVES[1])
    detractors = sum(1 for v in values if v < PASSIVES[0])
    score = round(100 * (promoters - detractors) / len(values), 1) if values else None
    return {"nps": score, "promoters": promoters, "passives": passives, "detractors": detractors}


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def _distribution(question: dict[str, Any], values: list[str]) -> dict[str, int]:
    kind = question["kind"]
    if kind in surveys.RANGES:
        low, high = surveys.RANGES[kind]
        counts = {str(n): 0 for n in range(low, high + 1)}
        for v in values:
            counts[v] = counts.get(v, 0) + 1
        return counts
    if kind in ("single", "multiple"):
        counts = dict.fromkeys(question["choices"], 0)
        for v in values:
            for choice in v.split("|"):
                counts[choice] = counts.get(choice, 0) + 1
        return counts
    return {}


def _tickets(ctx: Ctx) -> dict[tuple[str, Any], list[int]]:
    """The satisfaction (1-5) of the tickets of visible customers, keyed by ("all", None),
    ("level", level) and ("owner", owner id)."""
    from sqlalchemy import select

    from crmcli.models import Customer as C
    from crmcli.models import Ticket as T

    found: dict[tuple[str, Any], list[int]] = defaultdict(list)
    rows = ctx.session.execute(
        select(T.satisfaction, C.level, C.owner_id)
        .join(C, C.id == T.customer_id)
        .where(*customers.live(ctx), T.deleted_at.is_(None), T.satisfaction.is_not(None))
    )
    for value, level, owner in rows:
        for key in (("all", None), ("level", level), ("owner", owner)):
            found[key].append(int(value))
    return found


def _group(rows: list[dict[str, Any]], nps_id: int | None, scale_ids: set[int]) -> dict[str, Any]:
    """Responses, NPS and the mean of the scale answers of some responses."""
    scale = [int(v) for r in rows for qid, v in r["answers"].items() if qid in scale_ids]
    scores = [int(r["answers"][nps_id]) for r in rows if nps_id in r["answers"]]
    return {"responses": len(rows), **nps(scores), "scale_mean": _mean(scale)}


def satisfaction(ctx: Ctx, *, survey: str | None = None) -> dict[str, Any]:
    """The satisfaction report of ``survey`` (title or id; default: the newest survey)."""
    from sqlalchemy import select

    from crmcli.models import Customer as C
    from crmcli.models import SurveyAnswer as A
    from crmcli.models import SurveyResponse as R
    from crmcli.models import User as U

    found = surveys.find(ctx, survey) if survey is not None else surveys.newest(ctx)
    tickets = _tickets(ctx)
    ticket_values = tickets.get(("all", None), [])
    beside = {
        "rated": len(ticket_values),
        "mean": _mean(ticket_values),
        "distribution": {str(n): ticket_values.count(n) for n in range(1, 6)},
    }
    if found is None:
        return {
            "survey": None,
            "responses": 0,
            **nps([]),
            "scale_mean": None,
            "questions": [],
            "by_level": [],
            "by_owner": [],
            "tickets": beside,
        }
    items = surveys.questions(ctx, found)
    responses: dict[int, dict[str, Any]] = {}
    rows = ctx.session.execute(
        select(R.id, C.level, C.owner_id, A.question_id, A.value)
        .join(C, C.id == R.customer_id)
        .join(A, A.response_id == R.id)
        .where(R.survey_id == found.id, *customers.live(ctx))
    )
    for rid, level, owner, qid, value in rows:
        item = responses.setdefault(rid, {"level": level, "owner": owner, "answers": {}})
        item["answers"][qid] = value
    every = list(responses.values())
    nps_id = next((q["id"] for q in items if q["kind"] == "nps"), None)
    scale_ids = {q["id"] for q in items if q["kind"] == "scale"}
    report_questions = []
    for q in items:
        values = [r["answers"][q["id"]] for r in every if q["id"] in r["answers"]]
        numbers = [int(v) for v in values] if q["kind"] in surveys.RANGES else []
        entry = {
            "position": q["position"],
            "question": q["question"],
            "kind": q["kind"],
            "answers": len(values),
            "mean": _mean(numbers),
            "distribution": _distribution(q, values),
        }
        if q["kind"] == "text":
            entry["texts"] = values
        report_questions.append(entry)

    by_level = []
    for level in ("gold", "silver", "regular", None):
        group = [r for r in every if r["level"] == level]
        scores = tickets.get(("level", level), [])
        if group or (scores and level is not None):
            by_level.append(
                {
                    "level": level,
                    **_group(group, nps_id, scale_ids),
                    "ticket_satisfaction": _mean(scores),
                    "tickets_rated": len(scores),
                }
            )
    owners = {r["owner"] for r in every}
    names = dict(ctx.session.execute(select(U.id, U.username)).all())
    by_owner = [
        {
            "owner": names.get(owner) if owner is not None else None,
            **_group([r for r in every if r["owner"] == owner], nps_id, scale_ids),
            "ticket_satisfaction": _mean(tickets.get(("owner", owner), [])),
            "tickets_rated": len(tickets.get(("owner", owner), [])),
        }
        for owner in sorted(owners, key=lambda o: (o is None, names.get(o) or ""))
    ]
    return {
        "survey": {"id": found.id, "title": found.title},
        **_group(every, nps_id, scale_ids),
        "questions": report_questions,
        "by_level": by_level,
        "by_owner": by_owner,
        "tickets": beside,
    }
