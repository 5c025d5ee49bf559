"""``crm survey`` and ``crm report satisfaction``: questionnaires of every kind, answers
checked by kind, printable forms, a filled-in sheet imported back, and the satisfaction
report (mean, distribution, NPS) by level and owner beside the tickets' satisfaction."""

from __future__ import annotations

import csv
import json

import pytest
from python_calamine import CalamineWorkbook

QUESTIONS = [
    "scale:您对我们的产品质量满意吗",
    "nps:您向朋友推荐我们的可能性有多大",
    "single:您从哪里了解到我们:展会|网络|朋友介绍",
    "multiple:您最关心哪些方面:价格|质量|售后服务",
    "text:您对我们有什么建议",
]
#: customer, level, scale, nps, single, multiple, text (hand-computed figures below)
ANSWERS = [
    ("甲公司", "gold", "5", "10", "网络", "价格|售后服务", "很好"),
    ("乙公司", "gold", "4", "9", "展会", "价格", None),
    ("丙公司", "silver", "4", "8", "网络", "质量", None),
    ("丁公司", "silver", "2", "7", "朋友介绍", "价格|质量|售后服务", None),
    ("戊公司", "regular", "3", "6", None, "售后服务", None),
]


def _create(crm, title="客户满意度调查"):
    args = ["survey", "create", title]
    for q in QUESTIONS:
        args += ["--question", q]
    return crm(*args)


def _answer(crm, *row, user=()):
    name, _level, *values = row
    args = [*user, "survey", "answer", "客户满意度调查", name]
    for n, value in enumerate(values, 1):
        if value is not None:
            args += ["--answer", f"{n}={value}"]
    return crm(*args)


@pytest.fixture
def book(crm):
    for name, level, *_ in ANSWERS:
        crm("customer", "add", name, "--level", level)
    crm("customer", "add", "己公司")  # never answers
    _create(crm)
    return crm


@pytest.fixture
def answered(book):
    for row in ANSWERS:
        _answer(book, *row)
    book("ticket", "open", "甲公司", "--kind", "repair", "--subject", "交换机掉线")
    book("ticket", "resolve", "T000001", "--resolution", "已更换", "--satisfaction", "5")
    book("ticket", "open", "丙公司", "--kind", "complaint", "--subject", "改约")
    book("ticket", "resolve", "T000002", "--resolution", "致歉", "--satisfaction", "2")
    return book


# -- writing surveys -------------------------------------------------------------------


def test_create_list_show(book, db, tmp_path):
    [listed] = book.json("survey", "list")
    assert (listed["title"], listed["questions"], listed["responses"]) == ("客户满意度调查", 5, 0)
    shown = book.json("survey", "show", "客户满意度调查")
    assert [(q["position"], q["kind"], q["question"]) for q in shown["questions"]] == [
        (1, "scale", "您对我们的产品质量满意吗"),
        (2, "nps", "您向朋友推荐我们的可能性有多大"),
        (3, "single", "您从哪里了解到我们"),
        (4, "multiple", "您最关心哪些方面"),
        (5, "text", "您对我们有什么建议"),
    ]
    assert shown["questions"][2]["choices"] == ["展会", "网络", "朋友介绍"]
    assert (
        db.scalar("SELECT choices FROM survey_question WHERE position = 4") == "价格|质量|售后服务"
    )
    out = book("survey", "show", "1").stdout
    assert "Multiple choice" in out and "展会 | 网络 | 朋友介绍" in out
    # questions from a file a teacher writes: a Markdown list, Chinese kinds and colons
    form = tmp_path / "需求调查.md"
    form.write_text(
        "# 客户需求调查表\n\n- 满意度：您对售后服务满意吗\n1. 单选：贵公司规模：50人以下|50-200人|200人以上\n"
        "- 文本：您近期的采购计划\n",
        encoding="utf-8",
    )
    out = book("survey", "create", "客户需求调查表", "--from", str(form), "-q", "nps:推荐意愿")
    assert "Created survey 客户需求调查表 (id 2) with 4 questions" in out.stdout
    kinds = [q["kind"] for q in book.json("survey", "show", "2")["questions"]]
    assert kinds == ["scale", "single", "text", "nps"]
    assert book("survey", "list").stdout.count("调查") == 2


@pytest.mark.parametrize(
    "args",
    [
        ["-q", "rating:您满意吗"],  # no such kind
        ["-q", "single:从哪里了解到我们"],  # a choice question without choices
        ["-q", "single:从哪里了解到我们:只有一个"],
        ["-q", "multiple:关心:价格|价格"],
        ["-q", "scale"],  # no text
        [],  # no questions
    ],
)
def test_a_bad_survey_is_refused_and_nothing_written(book, db, args):
    before = db.dump()
    book("survey", "create", "新问卷", *args, code=1)
    assert db.dump() == before


def test_a_question_outside_a_files_list_is_an_error_naming_its_line(book, db, tmp_path):
    before = db.dump()
    form = tmp_path / "g.md"
    form.write_text("scale:质量\n- nps:推荐\n", encoding="utf-8")
    err = book("survey", "create", "G", "--from", str(form), code=1).stderr
    assert "g.md, line 1: 'scale:质量' is a question outside the file's list" in err
    assert "('- scale:质量')" in err
    form.write_text("# 问卷\n\n1. 单选：规模：小|大\n满意度：您满意吗\n", encoding="utf-8")
    err = book("survey", "create", "G", "--from", str(form), code=1).stderr
    assert "g.md, line 4: '满意度：您满意吗' is a question outside" in err
    assert db.dump() == before
    # the words for the reader around the list are no questions: left out as before
    form.write_text("# 问卷\n请在每题后作答：谢谢\n- scale:质量\n- nps:推荐\n", encoding="utf-8")
    assert "with 2 questions" in book("survey", "create", "G", "--from", str(form)).stdout


def test_a_title_is_taken_once(book, db):
    before = db.dump()
    result = book("survey", "create", "客户满意度调查", "-q", "text:x", code=1)
    assert "a survey titled '客户满意度调查' exists" in result.stderr
    assert db.dump() == before


# -- answers ---------------------------------------------------------------------------


def test_answers_are_recorded_as_given(answered, db):
    rows = db.rows(
        "SELECT c.name, q.position, a.value FROM survey_answer a "
        "JOIN survey_response r ON r.id = a.response_id "
        "JOIN customer c ON c.id = r.customer_id "
        "JOIN survey_question q ON q.id = a.question_id WHERE c.name = '甲公司' ORDER BY q.position"
    )
    assert [(r["position"], r["value"]) for r in rows] == [
        (1, "5"),
        (2, "10"),
        (3, "网络"),
        (4, "价格|售后服务"),
        (5, "很好"),
    ]
    assert db.scalar("SELECT count(*) FROM survey_response") == 5
    # choices by number and in any order are stored as the question orders them
    answered("survey", "answer", "1", "己公司", "-a", "3=2", "-a", "4=3,1")
    values = [
        r["value"]
        for r in db.rows(
            "SELECT a.value FROM survey_answer a JOIN survey_response r ON r.id = a.response_id "
            "JOIN customer c ON c.id = r.customer_id WHERE c.name = '己公司' ORDER BY a.id"
        )
    ]
    assert values == ["网络", "价格|售后服务"]


@pytest.mark.parametrize(
    "answer",
    [
        "1=0",  # scale 1-5
        "1=6",
        "1=很好",
        "2=-1",  # nps 0-10
        "2=11",
        "3=电视",  # single: one of the choices
        "3=展会|网络",
        "3=4",
        "4=价格|电视",  # multiple: each one of the choices
        "5=",  # text: something
        "9=1",  # no such question
        "一=5",
        "5",  # not Q=VALUE
    ],
)
def test_each_kind_checks_its_answers(book, db, answer):
    before = db.dump()
    book(
        "survey",
        "answer",
        "客户满意度调查",
        "甲公司",
        "--answer",
        "1=4",
        "--answer",
        answer,
        code=1,
    )
    assert db.dump() == before


def test_a_multiple_choice_of_separators_alone_is_no_answer(book, db, tmp_path):
    before = db.dump()
    err = book("survey", "answer", "客户满意度调查", "甲公司", "-a", "1=4", "-a", "4=|", code=1)
    assert err.stderr.strip() == "Error: no answer to question 4"
    book("survey", "answer", "客户满意度调查", "甲公司", "-a", "4= , ", code=1)
    path = tmp_path / "filled.csv"
    path.write_text("客户,1,4\n甲公司,4,|\n乙公司,5,价格\n", encoding="utf-8")
    err = book("survey", "import", "客户满意度调查", str(path), code=1).stderr
    assert "row 2 (甲公司): no answer to question 4" in err
    assert "nothing was imported" in err
    assert db.dump() == before


def test_an_answer_is_dated_up_to_today(book, db, tmp_path):
    before = db.dump()
    err = book("survey", "answer", "1", "甲公司", "-a", "1=5", "--at", "+2d", code=1).stderr
    assert "Error: an answer cannot be dated after today" in err
    path = tmp_path / "filled.csv"
    path.write_text("客户,答卷日期,1\n甲公司,2099-01-01,5\n乙公司,,4\n", encoding="utf-8")
    err = book("survey", "import", "1", str(path), code=1).stderr
    assert "row 2 (甲公司): an answer cannot be dated after today" in err
    assert db.dump() == before
    # paper forms filled in before the survey was typed into crm
    book("survey", "answer", "1", "甲公司", "-a", "1=5", "--at", "-30d")
    assert db.scalar("SELECT count(*) FROM survey_response") == 1


def test_answering_again_needs_replace(answered, db):
    before = db.dump()
    err = answered("survey", "answer", "1", "甲公司", "-a", "1=1", code=1).stderr
    assert "has answered 客户满意度调查 already" in err and "--replace" in err
    assert db.dump() == before
    answered("survey", "answer", "1", "甲公司", "-a", "1=1", "--replace")
    assert answered.json("report", "satisfaction")["questions"][0]["distribution"]["1"] == 1
    assert db.scalar("SELECT count(*) FROM survey_response") == 5
    assert db.scalar("SELECT count(*) FROM survey_answer") == 20  # the others kept


def test_an_unknown_survey_or_customer_is_an_error(book, db):
    before = db.dump()
    book("survey", "answer", "没有这份", "甲公司", "-a", "1=5", code=1)
    book("survey", "answer", "1", "没有这家", "-a", "1=5", code=1)
    book("survey", "show", "9", code=1)
    book("report", "satisfaction", "--survey", "没有这份", code=1)
    assert db.dump() == before


def test_digits_name_a_survey_by_id_even_when_a_title_is_a_number(book, db):
    out = book("survey", "create", "1", "-q", "scale:x").stdout
    assert "Created survey 1 (id 2)" in out
    assert book.json("survey", "show", "1")["title"] == "客户满意度调查"
    assert book.json("survey", "show", "2")["title"] == "1"
    book("survey", "answer", "1", "甲公司", "-a", "1=5")
    assert db.scalar("SELECT survey_id FROM survey_response") == 1
    assert (
        book.json("report", "satisfaction", "--survey", "1")["survey"]["title"] == "客户满意度调查"
    )
    # a title that names none exactly: the surveys whose title holds it
    err = book("survey", "show", "满意度", code=1).stderr
    assert "no survey '满意度'" in err and "did you mean 1 客户满意度调查?" in err


# -- the report ------------------------------------------------------------------------


def test_report_figures(answered):
    data = answered.json("report", "satisfaction")
    assert data["survey"]["title"] == "客户满意度调查"
    # NPS answers 10, 9, 8, 7, 6: promoters 9-10, passives 7-8, detractors 0-6
    assert (data["responses"], data["promoters"], data["passives"], data["detractors"]) == (
        5,
        2,
        2,
        1,
    )
    assert data["nps"] == 20.0  # 100 × (2 − 1) / 5
    scale, nps, single, multiple, text = data["questions"]
    assert (scale["question"], scale["kind"], scale["mean"]) == (
        "您对我们的产品质量满意吗",
        "scale",
        3.6,
    )
    assert scale["distribution"] == {"1": 0, "2": 1, "3": 1, "4": 2, "5": 1}
    assert nps["mean"] == 8.0
    assert nps["distribution"] == {
        **{str(n): 0 for n in range(11)},
        "6": 1,
        "7": 1,
        "8": 1,
        "9": 1,
        "10": 1,
    }
    assert single["answers"] == 4 and single["mean"] is None
    assert single["distribution"] == {"展会": 1, "网络": 2, "朋友介绍": 1}
    assert multiple["distribution"] == {"价格": 3, "质量": 2, "售后服务": 3}
    assert text["answers"] == 1 and text["texts"] == ["很好"]
    levels = {r["level"]: r for r in data["by_level"]}
    assert (levels["gold"]["responses"], levels["gold"]["nps"], levels["gold"]["scale_mean"]) == (
        2,
        100.0,
        4.5,
    )
    assert (levels["silver"]["nps"], levels["silver"]["passives"]) == (0.0, 2)
    assert (levels["regular"]["nps"], levels["regular"]["scale_mean"]) == (-100.0, 3.0)
    assert levels["gold"]["ticket_satisfaction"] == 5.0 and levels["silver"]["tickets_rated"] == 1
    assert data["tickets"] == {
        "rated": 2,
        "mean": 3.5,
        "distribution": {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1},
    }
    [owner] = data["by_owner"]
    assert (owner["owner"], owner["responses"], owner["nps"]) == (None, 5, 20.0)
    out = answered("report", "satisfaction").stdout
    for shown in ("Survey: 客户满意度调查", "NPS", "Promoters (9-10)", "20.0", "3.6", "网络:2"):
        assert shown in out, shown
    assert (
        "By customer level" in out
        and "Service tickets rated: 2, mean satisfaction (1-5): 3.5" in out
    )


def test_nps_boundaries(book):
    for name, score in (("甲公司", "6"), ("乙公司", "7"), ("丙公司", "8"), ("丁公司", "9")):
        book("survey", "answer", "1", name, "-a", f"2={score}")
    data = book.json("report", "satisfaction", "--survey", "客户满意度调查")
    assert (data["promoters"], data["passives"], data["detractors"], data["nps"]) == (1, 2, 1, 0.0)
    book("survey", "answer", "1", "戊公司", "-a", "2=0")
    book("survey", "answer", "1", "己公司", "-a", "2=10")
    data = book.json("report", "satisfaction")
    assert (data["promoters"], data["passives"], data["detractors"]) == (2, 2, 2)
    assert data["nps"] == 0.0
    book("survey", "answer", "1", "戊公司", "-a", "2=9", "--replace")
    assert book.json("report", "satisfaction")["nps"] == 33.3  # 100 × (3 − 1) / 6


def test_report_without_surveys_shows_the_tickets(crm):
    crm("customer", "add", "甲公司")
    data = crm.json("report", "satisfaction")
    assert data["survey"] is None and data["responses"] == 0 and data["nps"] is None
    assert data["questions"] == [] and data["tickets"]["rated"] == 0
    assert "No surveys found." in crm("report", "satisfaction").stdout


def test_report_of_a_chosen_survey_and_csv(answered):
    answered("survey", "create", "另一份", "-q", "scale:满意吗")
    assert answered.json("report", "satisfaction")["responses"] == 0  # the newest
    data = answered.json("report", "satisfaction", "--survey", "客户满意度调查")
    assert data["responses"] == 5
    rows = list(
        csv.DictReader(
            answered("report", "satisfaction", "-s", "1", "-f", "csv").stdout.splitlines()
        )
    )
    assert rows[0]["question"] == "您对我们的产品质量满意吗" and rows[0]["mean"] == "3.6"
    assert rows[0]["distribution"] == "1=0; 2=1; 3=1; 4=2; 5=1"
    lines = answered("report", "satisfaction", "-s", "1", "-f", "jsonl").stdout.splitlines()
    assert len(lines) == 5 and json.loads(lines[2])["distribution"] == {
        "展会": 1,
        "网络": 2,
        "朋友介绍": 1,
    }


# -- forms: export, import ---------------------------------------------------------------


def test_export_xlsx_and_markdown(answered, tmp_path):
    book_path = tmp_path / "问卷.xlsx"
    out = answered("survey", "export", "客户满意度调查", str(book_path))
    assert "5 questions, 5 customers' answers" in out.stdout + out.stderr
    workbook = CalamineWorkbook.from_path(str(book_path))
    assert workbook.sheet_names == ["Questionnaire", "Answers"]
    form = workbook.get_sheet_by_name("Questionnaire").to_python()
    assert form[0][0] == "客户满意度调查"
    header = next(i for i, r in enumerate(form) if r[0] == "No.")
    assert form[header] == ["No.", "Kind", "Question", "Choices", "Answer"]
    assert form[header + 3][:4] == [
        "3",
        "Single choice",
        "您从哪里了解到我们",
        "展会 | 网络 | 朋友介绍",
    ]
    assert all(r[4] == "" for r in form[header + 1 :])  # the answers left blank
    sheet = workbook.get_sheet_by_name("Answers").to_python()
    assert sheet[0][:4] == ["Customer", "Customer name", "Answered", "1. 您对我们的产品质量满意吗"]
    assert sheet[1][0:2] == ["C000001", "甲公司"] and sheet[1][3:] == [
        "5",
        "10",
        "网络",
        "价格|售后服务",
        "很好",
    ]
    assert len(sheet) == 6

    md = tmp_path / "问卷.md"
    answered("--lang", "zh", "survey", "export", "1", str(md))
    text = md.read_text(encoding="utf-8")
    assert text.startswith("# 客户满意度调查\n")
    assert "客户名称：" in text
    assert "1. 您对我们的产品质量满意吗（1 非常不满意 … 5 非常满意）" in text
    assert "□ 0  □ 1" in text and "□ 10" in text
    assert "○ 展会  ○ 网络  ○ 朋友介绍" in text and "□ 价格  □ 质量  □ 售后服务" in text
    answered("survey", "export", "1", str(tmp_path / "问卷.pdf"), code=1)


def test_import_round_trip_of_the_exported_answers(answered, tmp_path):
    path = tmp_path / "答卷.xlsx"
    answered("survey", "export", "1", str(path))
    spec = tmp_path / "q.txt"
    spec.write_text("\n".join(QUESTIONS) + "\n", encoding="utf-8")
    answered("survey", "create", "第二轮", "--from", str(spec))
    out = answered("survey", "import", "第二轮", str(path))
    assert "Imported the answers of 5 customers to 第二轮 (0 replaced)" in out.stdout
    first = answered.json("report", "satisfaction", "--survey", "客户满意度调查")
    second = answered.json("report", "satisfaction", "--survey", "第二轮")
    for key in ("responses", "nps", "promoters", "passives", "detractors", "questions", "by_level"):
        assert first[key] == second[key], key
    # importing again: every row answered already, nothing changes without --replace
    answered("survey", "import", "第二轮", str(path), code=1)
    data = answered.json("survey", "import", "第二轮", str(path), "--replace")
    assert (data["imported"], data["replaced"]) == (5, 5)


def test_a_sheet_with_bad_rows_imports_nothing(book, db, tmp_path):
    path = tmp_path / "filled.csv"
    path.write_text(
        "客户,1. 您对我们的产品质量满意吗,2,3. 从哪里,4\n"
        "甲公司,5,10,网络,价格\n"
        "C000002,4,11,展会,质量\n"  # NPS 11
        "没有这家,3,7,网络,价格\n"
        "丙公司,6,8,,\n"  # scale 6
        ",,,,\n",
        encoding="utf-8",
    )
    before = db.dump()
    result = book("survey", "import", "1", str(path), code=1)
    assert "3 rows of filled.csv are wrong; nothing was imported" in result.stderr
    assert "row 3 (C000002)" in result.stderr and "row 4 (没有这家)" in result.stderr
    assert "row 5 (丙公司)" in result.stderr
    assert db.dump() == before
    path.write_text("客户,1. x,2,3. 从哪里\n甲公司,5,10,网络\n丙公司,3,,\n", encoding="utf-8")
    data = book.json("survey", "import", "1", str(path))
    assert data["imported"] == 2 and data["errors"] == []
    assert db.scalar("SELECT count(*) FROM survey_answer") == 4
    (tmp_path / "none.csv").write_text("名字,分数\n甲公司,5\n", encoding="utf-8")
    book("survey", "import", "1", str(tmp_path / "none.csv"), code=1)


def test_counts_of_one_read_in_the_singular(book, tmp_path):
    out = book("survey", "create", "回访", "-q", "scale:您满意吗").stdout
    assert "Created survey 回访 (id 2) with 1 question\n" in out
    err = book("survey", "answer", "回访", "甲公司", "-a", "2=5", code=1).stderr
    assert "Error: no question '2': the survey has one question, 1" in err
    out = book("survey", "answer", "回访", "甲公司", "-a", "1=5").stdout
    assert "Recorded 1 answer of C000001 甲公司 to 回访" in out
    out = book("survey", "export", "回访", str(tmp_path / "回访.xlsx"))
    assert "回访.xlsx: 1 question, 1 customer's answers" in out.stdout + out.stderr
    out = book("survey", "export", "回访", str(tmp_path / "回访.md"))
    assert "回访.md: 1 question" in out.stdout + out.stderr
    path = tmp_path / "filled.csv"
    path.write_text("客户,1\n乙公司,6\n", encoding="utf-8")
    err = book("survey", "import", "回访", str(path), code=1).stderr
    assert "Error: 1 row of filled.csv is wrong; nothing was imported" in err
    path.write_text("客户,1\n乙公司,4\n", encoding="utf-8")
    out = book("survey", "import", "回访", str(path)).stdout
    assert "Imported the answers of 1 customer to 回访 (0 replaced)" in out
    out = book("--lang", "zh", "survey", "answer", "回访", "丙公司", "-a", "1=4").stdout
    assert "已记录 C000003 丙公司 对“回访”的 1 项回答" in out
    out = book("--lang", "zh", "survey", "create", "二题", "-q", "scale:a", "-q", "nps:b").stdout
    assert "已建立调查问卷 二题（编号 3），共 2 题" in out


# -- who may -------------------------------------------------------------------------------


@pytest.fixture
def team(book):
    crm = book
    crm("user", "add", "admin", "--role", "admin")
    for name, role in (("liuyang", "sales"), ("chenjing", "sales"), ("zhaolei", "service")):
        crm("--user", "admin", "user", "add", name, "--role", role)
    crm("--user", "admin", "customer", "assign", "甲公司", "--owner", "liuyang")
    crm("--user", "admin", "customer", "assign", "乙公司", "--owner", "liuyang")
    crm("--user", "admin", "customer", "assign", "丙公司", "--owner", "chenjing")
    return crm


def test_sales_see_and_record_only_their_own_customers_answers(team, db, tmp_path):
    liu = ("--user", "liuyang")
    _answer(team, *ANSWERS[0], user=liu)
    _answer(team, *ANSWERS[1], user=liu)
    _answer(team, *ANSWERS[3], user=liu)  # unassigned: hers to record too
    before = db.dump()
    err = team(*liu, "survey", "answer", "1", "丙公司", "-a", "1=4", code=1).stderr
    assert "no customer '丙公司'" in err  # chenjing's: out of her sight
    assert db.dump() == before
    _answer(team, *ANSWERS[2], user=("--user", "chenjing"))
    _answer(team, *ANSWERS[4], user=("--user", "zhaolei"))  # service staff record answers
    assert db.scalar("SELECT count(*) FROM survey_response") == 5

    mine = team.json(*liu, "report", "satisfaction")
    assert mine["responses"] == 4  # not 丙公司's
    assert {o["owner"] for o in mine["by_owner"]} == {"liuyang", None}
    assert team.json(*liu, "survey", "list")[0]["responses"] == 4
    everyone = team.json("--user", "admin", "report", "satisfaction")
    assert everyone["responses"] == 5 and everyone["nps"] == 20.0
    owners = {o["owner"]: (o["responses"], o["nps"]) for o in everyone["by_owner"]}
    assert owners == {"liuyang": (2, 100.0), "chenjing": (1, 0.0), None: (2, -50.0)}

    path = tmp_path / "mine.xlsx"
    team(*liu, "survey", "export", "1", str(path))
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Answers").to_python()
    assert [r[1] for r in rows[1:]] == ["甲公司", "乙公司", "丁公司", "戊公司"]

    # surveys are written by admins and managers
    team(*liu, "survey", "create", "她的问卷", "-q", "text:x", code=1)
    team("--user", "zhaolei", "survey", "create", "客服问卷", "-q", "text:x", code=1)
    team("--user", "admin", "survey", "create", "管理员问卷", "-q", "text:x")


def test_chinese(answered):
    out = answered("--lang", "zh", "report", "satisfaction").stdout
    for shown in (
        "调查问卷：客户满意度调查",
        "净推荐值（NPS）",
        "推荐者（9-10）",
        "按客户等级",
        "金牌",
        "按负责人",
    ):
        assert shown in out, shown
    assert "已评价的服务工单：2 张" in out
    out = answered("--lang", "zh", "survey", "show", "1").stdout
    assert "多选" in out and "题型" in out
    err = answered("--lang", "zh", "survey", "answer", "1", "己公司", "-a", "2=11", code=1).stderr
    assert "错误: 第 2 题 必须在 0 到 10 之间" in err
    out = answered("--lang", "zh", "survey", "answer", "1", "己公司", "-a", "2=10")
    assert "已记录 C000006 己公司 对“客户满意度调查”的 1 项回答" in out.stdout


def test_the_report_book_has_a_satisfaction_sheet(answered, tmp_path):
    path = tmp_path / "报告.xlsx"
    out = answered("--lang", "zh", "report", "export", str(path)).stdout
    assert "13 个工作表" in out
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("客户满意度").to_python()
    cells = {r[0]: r[1] for r in rows if r and r[0]}
    assert cells["调查问卷"] == "客户满意度调查" and cells["净推荐值（NPS）"] == 20.0
    assert cells["推荐者（9-10）"] == 2 and cells["工单平均满意度（1-5）"] == 3.5
    levels = {r[0]: r[1:5] for r in rows if r and r[0] in ("金牌", "银牌", "普通")}
    assert levels["金牌"] == [2, 100.0, 4.5, 5.0]


def test_purging_a_customer_removes_its_answers(answered, db):
    answered("customer", "delete", "甲公司", "--yes")
    data = answered.json("report", "satisfaction")
    assert data["responses"] == 4  # a deleted customer's answers are out of the figures
    answered("db", "purge", "--yes")
    assert db.scalar("SELECT count(*) FROM survey_response") == 4
    assert db.scalar("SELECT count(*) FROM survey_answer") == 15
