"""Surveys (客户需求调查表, 满意度调查): questionnaires, and the answers customers give.

A survey is a title and numbered questions, each of a kind:

========  =====================================  ===============================
scale     satisfaction on a scale of 1 to 5       ``3``
nps       how likely to recommend us, 0 to 10     ``9`` (net promoter score)
single    one of the question's choices           ``售后服务`` or its number ``2``
multiple  several of the choices                  ``价格|售后服务`` (or ``1,3``)
text      what the customer says                  any text
========  =====================================  ===============================

A question is written ``KIND:text[:choice1|choice2...]`` (``single:您从哪里了解到我们:
展会|网络|朋友介绍``), on the command line or one a line in a text file. Each customer
answers a survey once (``answer``, or ``import_answers`` from a filled-in sheet, every
row checked before any is written); answering again changes the answers given, with
``replace``. Questions are named by their number (``3``, ``Q3``).

Who may: write surveys — admins and managers (like the catalogue); record a customer's
answers — whoever may keep in touch with the customer (sales their own and unassigned
customers, service staff any); see answers — as customers are seen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from crmcli.errors import CrmError, Duplicate, FileError, Invalid
from crmcli.i18n import pick, t
from crmcli.services.archive import contacts, customers
from crmcli.services.context import Ctx
from crmcli.services.refs import resolve
from crmcli.services.team import audit, permissions
from crmcli.vocab import Vocab, fold

QUESTION_KIND = Vocab(
    "Question kind",
    "题型",
    [
        ("scale", "Scale 1-5", "量表1-5"),
        ("nps", "NPS 0-10", "推荐度0-10"),
        ("single", "Single choice", "单选"),
        ("multiple", "Multiple choice", "多选"),
        ("text", "Text", "文本"),
    ],
    aliases={
        "量表": "scale",
        "满意度": "scale",
        "推荐度": "nps",
        "净推荐值": "nps",
        "single choice": "single",
        "multiple choice": "multiple",
        "填空": "text",
        "问答": "text",
    },
)
#: the range of a scale and an NPS answer
RANGES = {"scale": (1, 5), "nps": (0, 10)}
#: what separates the choices of a multiple-choice answer
_SEVERAL = re.compile(r"\s*[|,，、;；]\s*")
_NUMBERED = re.compile(r"^\s*(?:[-*+]\s+|\d+[.)、]\s*)")  # a Markdown list's marker
MAX_QUESTIONS = 100
WHAT = ("survey", "调查问卷")


# -- questions ------------------------------------------------------------------------


def _plain(text: str) -> str:
    """Full-width colons and bars as ASCII (a spec typed with a Chinese keyboard)."""
    return text.replace("：", ":").replace("｜", "|")


def parse_question(spec: str) -> dict[str, Any]:
    """``KIND:text[:choice1|choice2...]`` as a question (kind, text, choices)."""
    head, colon, rest = _plain(spec).strip().partition(":")
    if not colon or not rest.strip():
        raise Invalid(
            t("a question is written KIND:text, not '{spec}'", spec=spec),
            hint=t('e.g. --question "scale:您对产品质量满意吗" (kinds: {kinds})', kinds=_kinds()),
        )
    kind = QUESTION_KIND.parse(head.strip())
    choices: list[str] = []
    text = rest.strip()
    if kind in ("single", "multiple"):
        text, colon, listed = text.rpartition(":")
        choices = [c.strip() for c in listed.split("|") if c.strip()] if colon else []
        text = text.strip()
        if len(choices) < 2 or not text:
            raise Invalid(
                t(
                    "a {kind} question needs its choices: {kind}:text:choice1|choice2, "
                    "not '{spec}'",
                    kind=kind,
                    spec=spec,
                )
            )
        if len(set(map(fold, choices))) != len(choices):
            raise Invalid(t("the choices of '{text}' repeat themselves", text=text))
        if any(len(c) > 200 for c in choices):
            raise Invalid(
                t("{field} is at most {n} characters", field=pick("a choice", "选项"), n=200)
            )
    if len(text) > 500:
        raise Invalid(
            t("{field} is at most {n} characters", field=pick("a question", "问题"), n=500)
        )
    return {"kind": kind, "text": text, "choices": choices}


def _kinds() -> str:
    return ", ".join(QUESTION_KIND.keys)


def specs_of_file(path: Path) -> list[str]:
    """The questions of a text or Markdown file, one ``KIND:text[:choices]`` a line. In a
    file with a list (lines starting ``-`` or ``1.``) the list's items are the questions
    and the other lines are left out (a heading, a paragraph for the reader), but a line
    outside the list written as a question is an error naming it, never dropped unseen;
    otherwise every line is a question but blank ones and those starting with ``#``."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as e:
        raise FileError.reading(e, path) from None
    except UnicodeDecodeError:
        raise Invalid(t("{file} is not UTF-8 text", file=path)) from None
    lines = [line.strip() for line in text.splitlines()]
    items = [line for line in lines if _NUMBERED.match(line)]
    if items:
        for number, line in enumerate(lines, 1):
            if not _NUMBERED.match(line) and _reads_as_question(line):
                raise Invalid(
                    t(
                        "{file}, line {line}: '{text}' is a question outside the file's list",
                        file=Path(path).name,
                        line=number,
                        text=line,
                    ),
                    hint=t(
                        "make it a list item as the others are ('- {text}'), "
                        "or take the list markers off every question",
                        text=line,
                    ),
                )
        return [_NUMBERED.sub("", line, count=1) for line in items]
    return [line for line in lines if line and not line.startswith("#")]


def _reads_as_question(line: str) -> bool:
    """Whether ``line`` is written ``KIND:text`` with a kind of question before the colon."""
    head, colon, _rest = _plain(line).partition(":")
    return bool(colon) and QUESTION_KIND.find(head.strip()) is not None


# -- surveys --------------------------------------------------------------------------


def find(ctx: Ctx, ref: str) -> Any:
    """A survey by id or exact title, as :func:`~crmcli.services.refs.resolve` names
    records (digits are an id, even when a survey is titled ``1``)."""
    from crmcli.models import Survey

    return resolve(
        ctx, Survey, ref or "", what=WHAT, name_attr="title", list_command="crm survey list"
    )


def newest(ctx: Ctx) -> Any:
    """The survey created last (None: no survey yet)."""
    from sqlalchemy import select

    from crmcli.models import Survey

    return ctx.session.execute(select(Survey).order_by(Survey.id.desc()).limit(1)).scalar()


def create(ctx: Ctx, *, title: str, specs: Sequence[str], description: str | None = None) -> Any:
    """A new survey with the questions ``specs`` (admins and managers)."""
    from sqlalchemy import select

    from crmcli.models import Survey, SurveyQuestion

    permissions.require_role(ctx, permissions.CHANGE_ALL, t("write surveys"))
    title = (title or "").strip()
    if not title:
        raise Invalid(t("a survey needs a title"))
    if len(title) > 200:
        raise Invalid(t("{field} is at most {n} characters", field=pick("title", "标题"), n=200))
    if ctx.session.execute(select(Survey.id).where(Survey.title == title)).first():
        raise Duplicate(t("a survey titled '{title}' exists", title=title))
    questions = [parse_question(s) for s in specs]
    if not questions:
        raise Invalid(
            t("a survey needs questions"),
            hint=t('give --question "KIND:text" (repeat) or --from FILE'),
        )
    if len(questions) > MAX_QUESTIONS:
        raise Invalid(t("a survey has at most {n} questions", n=MAX_QUESTIONS))
    if description is not None and len(description) > 2000:
        raise Invalid(
            t("{field} is at most {n} characters", field=pick("description", "说明"), n=2000)
        )
    survey = Survey(
        title=title,
        description=(description or "").strip() or None,
        created_by=ctx.actor.id,
        created_at=ctx.at,
        updated_at=ctx.at,
    )
    ctx.session.add(survey)
    ctx.session.flush()
    ctx.session.add_all(
        SurveyQuestion(
            survey_id=survey.id,
            position=i,
            kind=q["kind"],
            text=q["text"],
            choices="|".join(q["choices"]) or None,
        )
        for i, q in enumerate(questions, 1)
    )
    ctx.session.flush()
    audit.record(
        ctx,
        "create",
        "survey",
        survey.id,
        changes={"title": [None, title], "questions": [None, len(questions)]},
    )
    return survey


def questions(ctx: Ctx, survey: Any) -> list[dict[str, Any]]:
    """The survey's questions in order: position, kind, question, choices."""
    from sqlalchemy import select

    from crmcli.models import SurveyQuestion as Q

    rows = ctx.session.execute(
        select(Q.id, Q.position, Q.kind, Q.text, Q.choices)
        .where(Q.survey_id == survey.id)
        .order_by(Q.position)
    )
    return [
        {
            "id": r.id,
            "position": r.position,
            "kind": r.kind,
            "question": r.text,
            "choices": r.choices.split("|") if r.choices else [],
        }
        for r in rows
    ]


def _responses(ctx: Ctx) -> Any:
    """Responses the actor may see (their customer live and visible)."""
    from sqlalchemy import select

    from crmcli.models import Customer as C
    from crmcli.models import SurveyResponse as R

    return select(R).join(C, C.id == R.customer_id).where(*customers.live(ctx))


def lists(ctx: Ctx) -> list[dict[str, Any]]:
    """Every survey, with its questions and the responses the actor may see."""
    from sqlalchemy import func, select

    from crmcli.models import Customer as C
    from crmcli.models import Survey as S
    from crmcli.models import SurveyQuestion as Q
    from crmcli.models import SurveyResponse as R
    from crmcli.models import User as U

    asked = select(Q.survey_id, func.count().label("n")).group_by(Q.survey_id).subquery()
    answered = (
        select(R.survey_id, func.count().label("n"), func.max(R.answered_at).label("last"))
        .join(C, C.id == R.customer_id)
        .where(*customers.live(ctx))
        .group_by(R.survey_id)
        .subquery()
    )
    q = (
        select(
            S.id,
            S.title,
            func.coalesce(asked.c.n, 0).label("questions"),
            func.coalesce(answered.c.n, 0).label("responses"),
            answered.c.last.label("last_answered_at"),
            U.username.label("created_by"),
            S.created_at,
        )
        .outerjoin(asked, asked.c.survey_id == S.id)
        .outerjoin(answered, answered.c.survey_id == S.id)
        .outerjoin(U, U.id == S.created_by)
        .order_by(S.id)
    )
    return [dict(r._mapping) for r in ctx.session.execute(q)]


def show(ctx: Ctx, ref: str) -> dict[str, Any]:
    """A survey with its questions and how many answered each (of those the actor sees)."""
    from sqlalchemy import func, select

    from crmcli.models import Customer as C
    from crmcli.models import SurveyAnswer as A
    from crmcli.models import SurveyResponse as R
    from crmcli.models import User as U

    survey = find(ctx, ref)
    visible = R.survey_id == survey.id
    counts = dict(
        ctx.session.execute(
            select(A.question_id, func.count())
            .join(R, R.id == A.response_id)
            .join(C, C.id == R.customer_id)
            .where(visible, *customers.live(ctx))
            .group_by(A.question_id)
        ).all()
    )
    responses = ctx.session.execute(
        select(func.count())
        .select_from(R)
        .join(C, C.id == R.customer_id)
        .where(visible, *customers.live(ctx))
    ).scalar()
    items = questions(ctx, survey)
    for item in items:
        item["answers"] = int(counts.get(item.pop("id"), 0))
    creator = ctx.session.get(U, survey.created_by) if survey.created_by else None
    return {
        "id": survey.id,
        "title": survey.title,
        "description": survey.description,
        "created_at": survey.created_at,
        "created_by": creator.username if creator else None,
        "responses": int(responses or 0),
        "questions": items,
    }


# -- answers --------------------------------------------------------------------------


def parse_value(question: dict[str, Any], raw: str) -> str:
    """An answer to ``question`` as stored: checked against its kind."""
    from crmcli.validate import nfkc, parse_int

    kind = question["kind"]
    text = (raw or "").strip()
    label = pick(f"question {question['position']}", f"第 {question['position']} 题")
    if not text:
        raise Invalid(t("no answer to {question}", question=label))
    if kind in RANGES:
        low, high = RANGES[kind]
        return str(parse_int(text, label, low=low, high=high))
    if kind == "text":
        if len(text) > 2000:
            raise Invalid(t("{field} is at most {n} characters", field=label, n=2000))
        return text
    choices = question["choices"]
    parts = _SEVERAL.split(text) if kind == "multiple" else [text]
    picked = []
    for part in (p for p in parts if p):
        folded = fold(part)
        match = next((c for c in choices if fold(c) == folded), None)
        number = nfkc(part)
        if match is None and number.isdigit() and 1 <= int(number) <= len(choices):
            match = choices[int(number) - 1]
        if match is None:
            raise Invalid(
                t(
                    "'{value}' is not a choice of {question} ({choices})",
                    value=part,
                    question=label,
                    choices=" | ".join(choices),
                )
            )
        if match not in picked:
            picked.append(match)
    if not picked:  # only separators: "|" chooses nothing
        raise Invalid(t("no answer to {question}", question=label))
    if kind == "single" and len(picked) != 1:
        raise Invalid(t("{question} takes one choice, not '{value}'", question=label, value=raw))
    return "|".join(c for c in choices if c in picked)  # in the question's order


def _question_of(items: Sequence[dict[str, Any]], ref: str) -> dict[str, Any]:
    """A question by its number (``3``, ``Q3``, ``第3题``)."""
    m = re.fullmatch(r"(?:q|第)?\s*(\d{1,3})\s*题?", fold(ref))
    found = next((q for q in items if m and q["position"] == int(m.group(1))), None)
    if found is None:
        raise Invalid(
            t("no question '{ref}': the survey has one question, 1", ref=ref)
            if len(items) == 1
            else t(
                "no question '{ref}': the survey's questions are 1 to {n}",
                ref=ref,
                n=len(items),
            )
        )
    return found


def parse_answers(items: Sequence[dict[str, Any]], given: Iterable[str]) -> dict[int, str]:
    """``Q=VALUE`` pairs as {question id: stored value}."""
    values: dict[int, str] = {}
    for pair in given:
        ref, eq, raw = _plain(pair).replace("＝", "=").partition("=")
        if not eq:
            raise Invalid(
                t("an answer is written QUESTION=VALUE, not '{value}'", value=pair),
                hint=t("e.g. --answer 1=5 --answer 3=网络"),
            )
        question = _question_of(items, ref.strip())
        if question["id"] in values:
            raise Invalid(
                t("question {n} is answered twice", n=question["position"]),
            )
        values[question["id"]] = parse_value(question, raw)
    if not values:
        raise Invalid(t("no answers given"), hint=t("e.g. --answer 1=5 --answer 3=网络"))
    return values


def _check_day(ctx: Ctx, survey: Any, at: datetime) -> None:
    """An answer is dated up to today. (Before the survey was created in crm is allowed:
    the answers of a questionnaire handed out on paper may be typed in afterwards.)"""
    day = at.date()
    if day > ctx.at.date():
        raise Invalid(t("an answer cannot be dated after today: {value}", value=day.isoformat()))


def _existing(ctx: Ctx, survey_id: int, customer_ids: Sequence[int]) -> dict[int, Any]:
    """customer id -> the response already recorded (whoever may see it or not)."""
    from sqlalchemy import select

    from crmcli.models import SurveyResponse as R

    found: dict[int, Any] = {}
    ids = list(customer_ids)
    for i in range(0, len(ids), 500):
        q = select(R).where(R.survey_id == survey_id, R.customer_id.in_(ids[i : i + 500]))
        found.update({r.customer_id: r for r in ctx.session.execute(q).scalars()})
    return found


def _write(
    ctx: Ctx,
    survey: Any,
    customer: Any,
    values: dict[int, str],
    *,
    contact_id: int | None,
    at: datetime,
    response: Any = None,
) -> Any:
    """Record (or, given ``response``, change) one customer's answers."""
    from sqlalchemy import select

    from crmcli.models import SurveyAnswer, SurveyResponse

    if response is None:
        response = SurveyResponse(
            survey_id=survey.id,
            customer_id=customer.id,
            contact_id=contact_id,
            answered_at=at,
            recorded_by=ctx.actor.id,
            created_at=ctx.at,
            updated_at=ctx.at,
        )
        ctx.session.add(response)
        ctx.session.flush()
        before: dict[int, Any] = {}
    else:
        response.answered_at = at
        response.recorded_by = ctx.actor.id
        response.updated_at = ctx.at
        if contact_id is not None:
            response.contact_id = contact_id
        before = {
            a.question_id: a
            for a in ctx.session.execute(
                select(SurveyAnswer).where(SurveyAnswer.response_id == response.id)
            ).scalars()
        }
    for question_id, value in values.items():
        if question_id in before:
            before[question_id].value = value
        else:
            ctx.session.add(
                SurveyAnswer(response_id=response.id, question_id=question_id, value=value)
            )
    ctx.session.flush()
    return response


def answer(
    ctx: Ctx,
    ref: str,
    customer_ref: str,
    *,
    answers: Sequence[str],
    contact: str | None = None,
    at: datetime | None = None,
    replace: bool = False,
) -> dict[str, Any]:
    """Record a customer's answers (``Q=VALUE``); ``replace`` changes the answers given of
    a customer who answered before."""
    survey = find(ctx, ref)
    customer = customers.find(ctx, customer_ref)
    permissions.require_customer_change(ctx, customer, area="survey_response")
    items = questions(ctx, survey)
    values = parse_answers(items, answers)
    if at is not None:
        _check_day(ctx, survey, at)
    contact_id = contacts.find(ctx, contact, customer=customer).id if contact else None
    earlier = _existing(ctx, survey.id, [customer.id]).get(customer.id)
    if earlier is not None and not replace:
        raise Duplicate(
            t(
                "{code} {name} has answered {title} already",
                code=customer.code,
                name=customer.name,
                title=survey.title,
            ),
            hint=t("add --replace to change the answers given"),
        )
    response = _write(
        ctx, survey, customer, values, contact_id=contact_id, at=at or ctx.at, response=earlier
    )
    by_id = {q["id"]: q for q in items}
    audit.record(
        ctx,
        "update" if earlier is not None else "create",
        "survey_response",
        response.id,
        code=customer.code,
        changes={"survey": [None, survey.title], "answers": [None, len(values)]},
    )
    return {
        "survey": survey.title,
        "response_id": response.id,
        "customer_code": customer.code,
        "customer_name": customer.name,
        "replaced": earlier is not None,
        "answers": {str(by_id[qid]["position"]): v for qid, v in values.items()},
    }


def responses(ctx: Ctx, survey: Any) -> list[dict[str, Any]]:
    """The responses the actor may see, one per customer (code order), with answers keyed
    by question number."""
    from sqlalchemy import select

    from crmcli.models import Customer as C
    from crmcli.models import SurveyAnswer as A
    from crmcli.models import SurveyQuestion as Q
    from crmcli.models import SurveyResponse as R

    rows = ctx.session.execute(
        select(R.id, C.code, C.name, R.answered_at, Q.position, A.value)
        .join(C, C.id == R.customer_id)
        .join(A, A.response_id == R.id)
        .join(Q, Q.id == A.question_id)
        .where(R.survey_id == survey.id, *customers.live(ctx))
        .order_by(C.code, C.id, Q.position)
    )
    found: dict[int, dict[str, Any]] = {}
    for r in rows:
        item = found.setdefault(
            r.id,
            {
                "customer_code": r.code,
                "customer_name": r.name,
                "answered_at": r.answered_at,
                "answers": {},
            },
        )
        item["answers"][r.position] = r.value
    return list(found.values())


# -- the answers sheet: exported blank or filled, imported back --------------------------

#: the headers naming the customer's column in an answers sheet
CUSTOMER_HEADERS = ("customer", "客户", "客户编号", "customer code", "code", "编号")
NAME_HEADERS = ("customer name", "name", "客户名称", "名称")
DATE_HEADERS = ("answered", "answered at", "date", "答卷日期", "日期")


def sheet_headers(items: Sequence[dict[str, Any]]) -> list[str]:
    """The header row of the answers sheet: customer, name, date, then ``N. question``."""
    return [
        pick("Customer", "客户编号"),
        pick("Customer name", "客户名称"),
        pick("Answered", "答卷日期"),
        *(f"{q['position']}. {q['question']}" for q in items),
    ]


def sheet_rows(ctx: Ctx, survey: Any, items: Sequence[dict[str, Any]]) -> list[list[str]]:
    """The recorded answers as rows of the answers sheet."""
    rows = []
    for r in responses(ctx, survey):
        rows.append(
            [
                r["customer_code"] or "",
                r["customer_name"],
                r["answered_at"].date().isoformat(),
                *(r["answers"].get(q["position"], "") for q in items),
            ]
        )
    return rows


def _header_roles(header: Sequence[str], items: Sequence[dict[str, Any]]) -> dict[int, Any]:
    """Column index -> "customer", "name", "date" or a question (by its number, or its
    exact text)."""
    by_text = {fold(q["question"]): q for q in items}
    roles: dict[int, Any] = {}
    for i, cell in enumerate(header):
        key = fold(cell)
        if not key:
            continue
        if key in map(fold, CUSTOMER_HEADERS):
            roles[i] = "customer"
        elif key in map(fold, NAME_HEADERS):
            roles[i] = "name"
        elif key in map(fold, DATE_HEADERS):
            roles[i] = "date"
        else:
            m = re.match(r"^(?:q|第)?(\d{1,3})(?:[.、)．:]|题|$)", key)
            question = (
                next((q for q in items if q["position"] == int(m.group(1))), None)
                if m
                else by_text.get(key)
            )
            if question is not None:
                roles[i] = question
    return roles


def import_answers(ctx: Ctx, ref: str, path: str, *, replace: bool = False) -> dict[str, Any]:
    """Import a filled-in answers sheet (XLSX, CSV): one row per customer, a column per
    question. Every row is checked first; if any is wrong nothing is written and the
    result lists the errors (``imported`` 0)."""
    from crmcli.validate import parse_date

    survey = find(ctx, ref)
    items = questions(ctx, survey)
    rows = list(_answers_table(path).rows)
    start = next(
        (
            n
            for n, (_line, cells) in enumerate(rows)
            if "customer" in _header_roles(cells, items).values()
            or "name" in _header_roles(cells, items).values()
        ),
        None,
    )
    if start is None:
        raise Invalid(
            t("{file} has no customer column", file=Path(path).name),
            hint=t("export the form with: crm survey export SURVEY FILE.xlsx"),
        )
    roles = _header_roles(rows[start][1], items)
    if not any(isinstance(r, dict) for r in roles.values()):
        raise Invalid(t("{file} has no column of the survey's questions", file=Path(path).name))
    errors: list[dict[str, Any]] = []
    good: list[tuple[int, Any, dict[int, str], datetime]] = []
    seen: dict[int, int] = {}
    for line, cells in rows[start + 1 :]:
        cell = {role if isinstance(role, str) else role["id"]: "" for role in roles.values()}
        for i, role in roles.items():
            value = cells[i].strip() if i < len(cells) else ""
            cell[role if isinstance(role, str) else role["id"]] = value
        who = cell.get("customer") or cell.get("name") or ""
        values = {q["id"]: cell.get(q["id"], "") for q in items if q["id"] in cell}
        if not who and not any(values.values()):
            continue
        try:
            if not who:
                raise Invalid(t("no customer"))
            customer = customers.find(ctx, who)
            if customer.id in seen:
                raise Invalid(t("the customer is on row {row} already", row=seen[customer.id]))
            permissions.require_customer_change(ctx, customer, area="survey_response")
            parsed = {
                qid: parse_value(next(q for q in items if q["id"] == qid), raw)
                for qid, raw in values.items()
                if raw
            }
            if not parsed:
                raise Invalid(t("no answers given"))
            day = cell.get("date")
            when = datetime.combine(parse_date(day), ctx.at.time()) if day else ctx.at
            _check_day(ctx, survey, when)
        except CrmError as e:  # unknown, ambiguous, not one's own, a wrong answer
            errors.append({"row": line, "customer": who, "error": e.message})
            continue
        seen[customer.id] = line
        good.append((line, customer, parsed, when))
    earlier = _existing(ctx, survey.id, [c.id for _line, c, _v, _w in good])
    if not replace:
        for line, customer, _values, _when in good:
            if customer.id in earlier:
                errors.append(
                    {
                        "row": line,
                        "customer": customer.code or customer.name,
                        "error": t(
                            "{code} {name} has answered {title} already",
                            code=customer.code,
                            name=customer.name,
                            title=survey.title,
                        ),
                    }
                )
    errors.sort(key=lambda e: e["row"])
    result = {
        "survey": survey.title,
        "file": Path(path).name,
        "rows": len(good) + len({e["row"] for e in errors} - {g[0] for g in good}),
        "imported": 0,
        "replaced": 0,
        "errors": errors,
    }
    if errors:
        return result
    for _line, customer, values, when in good:
        _write(
            ctx,
            survey,
            customer,
            values,
            contact_id=None,
            at=when,
            response=earlier.get(customer.id),
        )
    result["imported"] = len(good)
    result["replaced"] = sum(1 for _l, c, _v, _w in good if c.id in earlier)
    audit.record(
        ctx,
        "import",
        "survey_response",
        survey.id,
        changes={
            "survey": [None, survey.title],
            "file": [None, Path(path).name],
            "responses": [None, len(good)],
        },
    )
    return result


def _answers_table(path: str) -> Any:
    """The answers sheet of a workbook crm exported (答卷 / Answers), else the file's
    first sheet or its only table."""
    from crmcli import tabular

    if tabular.format_of(path) == "xlsx":
        for name in (*ANSWERS_SHEET, None):
            try:
                return tabular.read(path, sheet=name)
            except Invalid:
                if name is None:
                    raise
    return tabular.read(path)


# -- printable forms -------------------------------------------------------------------

FORM_SHEET = ("Questionnaire", "问卷")
ANSWERS_SHEET = ("Answers", "答卷")


def _hint(q: dict[str, Any]) -> str:
    kind = q["kind"]
    if kind == "scale":
        return pick("1 very dissatisfied … 5 very satisfied", "1 非常不满意 … 5 非常满意")
    if kind == "nps":
        return pick("0 not at all likely … 10 extremely likely", "0 完全不可能 … 10 非常可能")
    if kind == "single":
        return pick("choose one", "单选")
    if kind == "multiple":
        return pick("choose any", "可多选")
    return pick("write your answer", "请填写")


def markdown(ctx: Ctx, survey: Any) -> str:
    """The survey as a printable Markdown form, to hand out."""
    items = questions(ctx, survey)
    lines = [f"# {survey.title}", ""]
    if survey.description:
        lines += [survey.description, ""]
    lines += [
        pick(
            "Customer: ____________________  Contact: ____________  Date: ____________",
            "客户名称：____________________  联系人：____________  日期：____________",
        ),
        "",
    ]
    for q in items:
        lines.append(f"{q['position']}. {q['question']}（{_hint(q)}）")
        lines.append("")
        if q["kind"] in RANGES:
            low, high = RANGES[q["kind"]]
            lines.append("   " + "  ".join(f"□ {n}" for n in range(low, high + 1)))
        elif q["kind"] == "single":
            lines.append("   " + "  ".join(f"○ {c}" for c in q["choices"]))
        elif q["kind"] == "multiple":
            lines.append("   " + "  ".join(f"□ {c}" for c in q["choices"]))
        else:
            lines += ["   ________________________________________", ""]
            lines.append("   ________________________________________")
        lines.append("")
    lines.append(pick("Thank you for your answers.", "感谢您的填写！"))
    return "\n".join(lines) + "\n"


def export(ctx: Ctx, ref: str, path: Path) -> dict[str, Any]:
    """Write the survey as a printable form: ``.md`` (Markdown) or ``.xlsx`` (a sheet of
    questions with a blank answer column, and the answers sheet, one row per customer,
    holding the answers recorded so far, which ``import_answers`` reads back)."""
    from crmcli import tabular, workbook

    survey = find(ctx, ref)
    items = questions(ctx, survey)
    suffix = Path(path).suffix.lower()
    if suffix == ".md":
        text = markdown(ctx, survey)
        with tabular.atomic(Path(path)) as part:
            Path(part).write_text(text, encoding="utf-8")
        return {"survey": survey.title, "file": str(path), "questions": len(items), "responses": 0}
    if suffix != ".xlsx":
        raise Invalid(
            t("a form is written as FILE.xlsx or FILE.md, not '{file}'", file=Path(path).name)
        )
    form = [
        [
            str(q["position"]),
            QUESTION_KIND.label(q["kind"]),
            q["question"],
            " | ".join(q["choices"]) if q["choices"] else _hint(q),
            "",
        ]
        for q in items
    ]
    answered = sheet_rows(ctx, survey, items)
    workbook.write_form(
        Path(path),
        title=survey.title,
        note=survey.description,
        form=(
            pick(*FORM_SHEET),
            [
                pick("No.", "序号"),
                pick("Kind", "题型"),
                pick("Question", "问题"),
                pick("Choices", "选项"),
                pick("Answer", "回答"),
            ],
            form,
        ),
        answers=(pick(*ANSWERS_SHEET), sheet_headers(items), answered),
    )
    return {
        "survey": survey.title,
        "file": str(path),
        "questions": len(items),
        "responses": len(answered),
    }
