"""``crm survey``: questionnaires (客户需求调查表, 满意度调查) — write one, print it as a form
to hand out, record each customer's answers or import a filled-in sheet."""

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from crmcli.cli.common import FormatOpt, SummaryFormatOpt, fmt, new_app, state

app = new_app("survey")

SurveyArg = Annotated[str, typer.Argument(metavar="SURVEY", help="The survey: title or id.")]
ReplaceOpt = Annotated[
    bool,
    typer.Option("--replace", help="A customer who answered before: change the answers given now."),
]


@app.callback()
def survey() -> None:
    """Surveys (调查问卷): create, list, show, export a form, record and import answers."""


@app.command("create")
def create(
    title: Annotated[str, typer.Argument(metavar="TITLE", help="The survey's title.")],
    question: Annotated[
        Optional[list[str]],
        typer.Option(
            "--question",
            "-q",
            metavar="KIND:TEXT[:A|B]",
            help="A question (repeat): scale:TEXT (1-5), nps:TEXT (0-10), "
            "single:TEXT:CHOICE1|CHOICE2, multiple:TEXT:CHOICE1|CHOICE2, text:TEXT.",
        ),
    ] = None,
    from_file: Annotated[
        Optional[Path],
        typer.Option(
            "--from",
            metavar="FILE",
            help="Questions from a text or Markdown file, one KIND:TEXT[:A|B] a line "
            "(# lines and blank lines left out).",
        ),
    ] = None,
    description: Annotated[
        Optional[str],
        typer.Option(metavar="TEXT", help="A line under the title (who asks, and why)."),
    ] = None,
    output: SummaryFormatOpt = None,
) -> None:
    """Write a survey: its title and questions (admins and managers)."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.relationship import surveys

    output = fmt(output, ("table", "json"))
    specs = list(question or [])
    if from_file is not None:
        specs = surveys.specs_of_file(from_file) + specs
    with state.unit(write=True) as ctx:
        found = surveys.create(ctx, title=title, specs=specs, description=description)
        data = surveys.show(ctx, str(found.id))
    if output == "json":
        render.out(render.to_json(data))
        return
    render.out(
        t(
            "Created survey {title} (id {id}) with {questions}",
            title=data["title"],
            id=data["id"],
            questions=_questions(len(data["questions"])),
        )
    )


def _questions(n: int) -> str:
    """``1 question``, ``7 questions``."""
    from crmcli.i18n import t

    return t("1 question") if n == 1 else t("{n} questions", n=n)


def _list_columns() -> list[Any]:
    from crmcli.render import Col

    return [
        Col("id", "Id", "编号", "int"),
        Col("title", "Survey", "调查问卷"),
        Col("questions", "Questions", "题数", "int"),
        Col("responses", "Responses", "答卷数", "int"),
        Col("last_answered_at", "Last answered", "最近答卷", "when"),
        Col("created_by", "Created by", "建立人"),
        Col("created_at", "Created", "建立时间", "when"),
    ]


@app.command("list")
def list_(output: FormatOpt = None) -> None:
    """The surveys, with how many customers answered each."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.relationship import surveys

    output = fmt(output)
    with state.unit() as ctx:
        data = surveys.lists(ctx)
    render.rows(data, _list_columns(), output, what=t("surveys"))


@app.command("show")
def show(survey_ref: SurveyArg, output: FormatOpt = None) -> None:
    """A survey's questions, their choices and how many answered each."""
    from crmcli import render
    from crmcli.i18n import pick
    from crmcli.render import Col
    from crmcli.services.relationship import surveys

    output = fmt(output)
    with state.unit() as ctx:
        data = surveys.show(ctx, survey_ref)
    if output in ("json", "jsonl"):
        render.record(data, [], output)
        return
    if output == "csv":
        render.rows(data["questions"], [], "csv")
        return
    for q in data["questions"]:
        q["choice_list"] = " | ".join(q["choices"])
    render.record(
        data,
        [
            Col("id", "Id", "编号", "int"),
            Col("title", "Survey", "调查问卷"),
            Col("description", "Description", "说明"),
            Col("created_by", "Created by", "建立人"),
            Col("created_at", "Created", "建立时间", "when"),
            Col("responses", "Responses", "答卷数", "int"),
        ],
        "table",
        sections=[
            (
                "questions",
                pick("Questions", "问题"),
                [
                    Col("position", "#", "序号", "int"),
                    Col("kind", "Kind", "题型", "enum", surveys.QUESTION_KIND),
                    Col("question", "Question", "问题"),
                    Col("choice_list", "Choices", "选项"),
                    Col("answers", "Answers", "回答数", "int"),
                ],
            )
        ],
    )


@app.command("export")
def export(
    survey_ref: SurveyArg,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE.xlsx|FILE.md",
            help="The form to write: a workbook (the questions, and an answers sheet to fill "
            "in, one row per customer) or a Markdown page to print.",
        ),
    ],
) -> None:
    """Print a survey as a form to hand out (XLSX or Markdown)."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.relationship import surveys

    with state.unit() as ctx:
        data = surveys.export(ctx, survey_ref, file)
    questions = _questions(data["questions"])
    n = data["responses"]
    answers = t("1 customer's answers") if n == 1 else t("{n} customers' answers", n=n)
    render.tell_beside(
        file,
        t("Wrote {path}: {questions}, {answers}", path=file, questions=questions, answers=answers)
        if file.suffix.lower() == ".xlsx"
        else t("Wrote {path}: {questions}", path=file, questions=questions),
    )


@app.command("answer")
def answer(
    survey_ref: SurveyArg,
    customer: Annotated[
        str, typer.Argument(metavar="CUSTOMER", help="The customer who answered: code, id or name.")
    ],
    answers: Annotated[
        list[str],
        typer.Option(
            "--answer",
            "-a",
            metavar="Q=VALUE",
            help="An answer (repeat): the question's number = 1-5 (scale), 0-10 (NPS), a "
            "choice or its number, choices joined by | (multiple), or text.",
        ),
    ],
    contact: Annotated[
        Optional[str], typer.Option(metavar="NAME", help="The contact who answered.")
    ] = None,
    at: Annotated[
        Optional[str], typer.Option(metavar="DATE", help="When they answered (default: now).")
    ] = None,
    replace: ReplaceOpt = False,
    output: SummaryFormatOpt = None,
) -> None:
    """Record a customer's answers to a survey, each checked against its question."""
    from crmcli import render
    from crmcli.i18n import t
    from crmcli.services.relationship import surveys
    from crmcli.validate import parse_datetime

    output = fmt(output, ("table", "json"))
    when = parse_datetime(at) if at is not None else None
    with state.unit(write=True) as ctx:
        data = surveys.answer(
            ctx, survey_ref, customer, answers=answers, contact=contact, at=when, replace=replace
        )
    if output == "json":
        render.out(render.to_json(data))
        return
    n = len(data["answers"])
    render.out(
        t(
            "Recorded {answers} of {code} {name} to {title}",
            answers=t("1 answer") if n == 1 else t("{n} answers", n=n),
            code=data["customer_code"],
            name=data["customer_name"],
            title=data["survey"],
        )
    )


@app.command("import")
def import_(
    survey_ref: SurveyArg,
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE",
            help="The filled-in answers sheet (XLSX as exported, or CSV): a customer column "
            "(code or exact name) and a column per question (N. question).",
        ),
    ],
    replace: ReplaceOpt = False,
    output: SummaryFormatOpt = None,
) -> None:
    """Import answers from a filled-in sheet; every row is checked first, and if any is
    wrong nothing is imported."""
    from crmcli import render
    from crmcli.errors import Invalid
    from crmcli.i18n import t
    from crmcli.services.relationship import surveys

    output = fmt(output, ("table", "json"))
    with state.unit(write=True) as ctx:
        data = surveys.import_answers(ctx, survey_ref, file, replace=replace)
    if output == "json":
        render.out(render.to_json(data))
    if data["errors"]:
        if output != "json":
            for e in data["errors"]:
                render.warn(
                    t(
                        "row {row} ({customer}): {error}",
                        row=e["row"],
                        customer=e["customer"],
                        error=e["error"],
                    )
                )
        wrong = len({e["row"] for e in data["errors"]})
        raise Invalid(
            t("1 row of {file} is wrong; nothing was imported", file=data["file"])
            if wrong == 1
            else t(
                "{n} rows of {file} are wrong; nothing was imported", n=wrong, file=data["file"]
            ),
            hint=t("correct them and import the file again"),
        )
    if output != "json":
        said = {"title": data["survey"], "replaced": data["replaced"]}
        render.out(
            t("Imported the answers of 1 customer to {title} ({replaced} replaced)", **said)
            if data["imported"] == 1
            else t(
                "Imported the answers of {n} customers to {title} ({replaced} replaced)",
                n=data["imported"],
                **said,
            )
        )
