"""``crm letter``: thank-you letters, dunning notices, promotions, birthday greetings.

Written as ``.eml`` files that parse back with the standard library, and sent to a real
SMTP server started here (aiosmtpd), each one sent logged as an e-mail contact record.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from datetime import date, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from tests.books import prebuilt

TODAY = date.today()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def _book(crm, db):
    crm("user", "add", "boss", "--role", "admin")
    crm("--user", "boss", "user", "add", "li", "--role", "sales")
    crm("--user", "boss", "user", "add", "wang", "--role", "sales")
    boss = ("--user", "boss")
    crm(*boss, "customer", "add", "深圳市华晨电子有限公司", "--level", "gold", "--owner", "li",
        "--email", "huachen@example.cn")  # fmt: skip
    crm(*boss, "customer", "add", "宁波港联物流股份有限公司", "--owner", "li")  # no e-mail
    crm(*boss, "customer", "add", "杭州明远科技有限公司", "--level", "gold", "--owner", "wang",
        "--email", "mingyuan@example.cn", "--no-marketing")  # fmt: skip
    crm(*boss, "customer", "add", "苏州恒泰精密机械有限公司", "--level", "gold", "--owner", "li",
        "--email", "hengtai@example.cn")  # fmt: skip
    crm(*boss, "contact", "add", "C000001", "高立新", "--role", "decision_maker", "--title", "总经理",
        "--email", "gao@example.cn", "--birthday", f"1980-{TODAY:%m-%d}")  # fmt: skip
    crm(*boss, "contact", "add", "C000002", "潘军")
    crm(*boss, "product", "add", "星云ERP标准版", "--price", "68000", "--unit", "套")
    crm(*boss, "order", "add", "C000004", "-i", "P0001:1")
    for code, amount, plan in (
        ("C000001", "100000", f"{day(-30)}:30000,{day(60)}:70000"),
        ("C000002", "800", f"{day(-10)}:800"),
        ("C000003", "5000", f"{day(-5)}:5000"),
    ):
        crm(*boss, "contract", "add", code, f"{code}合同", "--amount", amount,
            "--signed", day(-40), "--plan", plan)  # fmt: skip
    crm(*boss, "contract", "pay", "H000001", "--amount", "10000", "--date", day(-20))


book = prebuilt("letters", _book)


def parse(path: Path):
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())


@pytest.fixture
def smtp(monkeypatch):
    """A real SMTP server on 127.0.0.1 (a free port); ``smtp.messages`` holds what came in."""
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self) -> None:
            self.messages: list = []

        async def handle_DATA(self, server, session, envelope):
            message = BytesParser(policy=policy.default).parsebytes(envelope.content)
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("CRM_SMTP_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setenv("CRM_MAIL_FROM", "客户服务部 <service@example.com>")
    yield inbox
    controller.stop()


def emails(db) -> list[dict]:
    return db.rows(
        "SELECT c.code, i.kind, i.summary, i.result, k.name AS contact, u.username"
        " FROM interaction i JOIN customer c ON c.id = i.customer_id"
        " LEFT JOIN contact k ON k.id = i.contact_id LEFT JOIN app_user u ON u.id = i.user_id"
        " WHERE i.channel = 'email' ORDER BY c.code"
    )


def test_dunning_notices_are_eml_files_that_parse_back(crm, book, tmp_path):
    out = tmp_path / "催款"
    data = crm.json("--user", "boss", "letter", "dunning", "--lang", "zh", "--out", str(out))
    assert data["written"] == 2 and data["sent"] == 0
    assert data["skipped"] == [{"code": "C000002", "reason": "no e-mail"}]
    assert [x["code"] for x in data["letters"]] == ["C000001", "C000003"]
    msg = parse(out / "C000001-dunning.eml")
    assert msg["To"].addresses[0].display_name == "深圳市华晨电子有限公司"
    assert msg["To"].addresses[0].addr_spec == "huachen@example.cn"  # the customer's own
    assert msg["From"].addresses[0].addr_spec == "noreply@localhost"
    assert "20,000.00" in msg["Subject"]
    body = msg.get_content()
    assert "尊敬的高立新" in body and "深圳市华晨电子有限公司" in body
    assert "20,000.00" in body and "逾期 30 天" in body
    raw = (out / "C000001-dunning.eml").read_bytes()
    assert raw.split(b"\r\n\r\n")[0].isascii()  # headers encoded (RFC 2047), never raw UTF-8
    assert msg["Message-ID"] and msg["Date"]
    text = (out / "C000001-dunning.txt").read_text(encoding="utf-8")
    assert text.startswith(msg["Subject"]) and "高立新" in text
    assert not (out / "C000002-dunning.eml").exists()
    assert "5,000.00" in parse(out / "C000003-dunning.eml").get_content()


def test_letters_are_sent_through_smtp_and_each_logged_as_an_email(crm, book, db, smtp):
    data = crm.json("--user", "boss", "letter", "send", "dunning", "--lang", "zh")
    assert data["sent"] == 2 and data["written"] == 0
    assert data["skipped"] == [{"code": "C000002", "reason": "no e-mail"}]
    assert sorted(rcpt[0] for _f, rcpt, _m in smtp.messages) == [
        "huachen@example.cn",
        "mingyuan@example.cn",
    ]
    sender, _rcpt, first = smtp.messages[0]
    assert sender == "service@example.com"
    assert first["From"].addresses[0].display_name == "客户服务部"
    assert "高立新" in first.get_content()
    logged = emails(db)
    assert [(r["code"], r["kind"], r["username"]) for r in logged] == [
        ("C000001", "contact", "boss"),
        ("C000003", "contact", "boss"),
    ]
    assert logged[0]["summary"] == first["Subject"]
    assert logged[0]["result"] == "sent to huachen@example.cn"
    # the card shows it among the contact records
    card = crm.json("--user", "boss", "customer", "show", "C000001")
    assert card["interactions"][0]["channel"] == "email"


def test_letter_template_is_short_for_render_with_send(crm, book, db, smtp):
    result = crm("--user", "boss", "letter", "thanks", "--to", "C000004", "--send")
    assert "Sent 1 letters" in result.stdout
    (_f, rcpt, msg) = smtp.messages[0]
    assert rcpt == ["hengtai@example.cn"]
    assert msg["Subject"] == "Thank you for your order D000001"
    assert "68,000.00" in msg.get_content()
    assert [r["code"] for r in emails(db)] == ["C000004"]


def test_opted_out_customers_get_no_promotion_but_do_get_dunning(crm, book, tmp_path):
    out = tmp_path / "letters"
    data = crm.json("--user", "boss", "letter", "promotion", "--to", "level:gold", "--out", str(out),
                    "--var", "offer=年底老客户九折")  # fmt: skip
    assert [x["code"] for x in data["letters"]] == ["C000001", "C000004"]
    assert data["skipped"] == [{"code": "C000003", "reason": "opted out of marketing"}]
    assert sorted(p.name for p in out.glob("*.eml")) == [
        "C000001-promotion.eml",
        "C000004-promotion.eml",
    ]
    assert "年底老客户九折" in parse(out / "C000001-promotion.eml").get_content()
    dunning = crm.json("--user", "boss", "letter", "dunning", "--to", "C000003", "--out", str(out))
    assert dunning["written"] == 1 and dunning["skipped"] == []
    # opting back in
    crm("--user", "boss", "customer", "edit", "C000003", "--marketing")
    again = crm.json("--user", "boss", "letter", "promotion", "--to", "C000003", "--dry-run")
    assert [x["code"] for x in again["letters"]] == ["C000003"] and again["skipped"] == []


def test_no_marketing_is_stored_and_audited(crm, book, db):
    assert db.scalar("SELECT marketing_opt_out FROM customer WHERE code = 'C000003'") in (1, True)
    assert db.scalar("SELECT marketing_opt_out FROM customer WHERE code = 'C000001'") in (0, False)
    crm("--user", "boss", "customer", "edit", "C000001", "--no-marketing")
    assert db.scalar("SELECT marketing_opt_out FROM customer WHERE code = 'C000001'") in (1, True)
    last = db.rows("SELECT changes FROM audit_entry ORDER BY id DESC LIMIT 1")[0]["changes"]
    changes = json.loads(last) if isinstance(last, str) else last
    assert changes == {"marketing_opt_out": [None, True]}


def test_no_marketing_is_shown_once_opted_out_and_travels_through_export_and_import(
    crm, book, tmp_path
):
    boss = ("--user", "boss")
    assert crm.json(*boss, "customer", "show", "C000003")["marketing_opt_out"] is True
    assert crm.json(*boss, "customer", "show", "C000001")["marketing_opt_out"] is False
    assert "拒收营销" in crm(*boss, "--lang", "zh", "customer", "show", "C000003").stdout
    assert "拒收营销" not in crm(*boss, "--lang", "zh", "customer", "show", "C000001").stdout
    out = tmp_path / "book.csv"
    crm("--user", "boss", "customer", "export", str(out), "--labels", "zh")
    header = out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert "拒收营销" in header
    file = tmp_path / "optout.csv"
    file.write_text(
        "客户编号,客户名称,拒收营销\n"
        "C000001,深圳市华晨电子有限公司,是\nC000003,杭州明远科技有限公司,否\n",
        encoding="utf-8",
    )
    crm("--user", "boss", "customer", "import", str(file), "--match", "code")
    listed = {
        c["code"]: c["marketing_opt_out"] for c in crm.json("--user", "boss", "customer", "list")
    }
    assert listed["C000001"] is True and listed["C000003"] is False


def test_a_no_marketing_column_that_is_not_yes_or_no_rejects_the_row(crm, book, tmp_path, db):
    file = tmp_path / "optout.csv"
    file.write_text("客户名称,拒收营销\n新客户,也许\n", encoding="utf-8")
    before = db.dump()
    result = crm("--user", "boss", "customer", "import", str(file), code=1)
    assert "拒收营销" in result.stdout + result.stderr and "也许" in result.stdout
    assert db.dump() == before


def test_a_bad_template_is_one_error_line_and_nothing_is_sent(crm, book, db, smtp, tmp_path):
    bad = tmp_path / "mine.j2"
    bad.write_text("Subject: 你好\n\n尊敬的{{ customer.nmae }}：\n", encoding="utf-8")
    before = db.dump()
    result = crm("--user", "boss", "letter", "send", str(bad), "--to", "C000001", code=1)
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"Error: template {bad}, line 3: ") and "nmae" in lines[0]
    assert smtp.messages == [] and db.dump() == before
    broken = tmp_path / "dunning-broken.j2"
    broken.write_text("Subject: x\n{% for i in instalments %}\n{{ i.seq }\n", encoding="utf-8")
    result = crm("--user", "boss", "letter", "send", str(broken), code=1)
    assert f"Error: template {broken}, line 3: " in result.stderr
    no_subject = tmp_path / "plain.j2"
    no_subject.write_text("Hello {{ recipient }}\n", encoding="utf-8")
    result = crm("--user", "boss", "letter", str(no_subject), "--to", "C000001", code=1)
    assert "line 1: the first line must be 'Subject: ...'" in result.stderr
    assert smtp.messages == [] and db.dump() == before


def test_a_salesperson_sends_only_to_her_own_customers(crm, book, db, smtp):
    data = crm.json("--user", "li", "letter", "send", "dunning")
    assert [x["code"] for x in data["letters"]] == ["C000001"]  # not wang's C000003
    assert [r for _f, r, _m in smtp.messages] == [["huachen@example.cn"]]
    assert [(r["code"], r["username"]) for r in emails(db)] == [("C000001", "li")]
    promotion = crm.json("--user", "li", "letter", "promotion", "--to", "level:gold", "--dry-run")
    assert [x["code"] for x in promotion["letters"]] == ["C000001", "C000004"]
    result = crm("--user", "li", "letter", "send", "dunning", "--to", "C000003", code=1)
    assert "C000003" in result.stderr
    assert len(smtp.messages) == 1 and len(emails(db)) == 1


def test_birthday_greetings_go_to_the_contact(crm, book, tmp_path):
    out = tmp_path / "生日"
    data = crm.json("--user", "boss", "letter", "birthday", "--lang", "zh", "--out", str(out))
    assert [(x["code"], x["contact"], x["to"]) for x in data["letters"]] == [
        ("C000001", "高立新", "gao@example.cn")
    ]
    (eml,) = out.glob("*.eml")
    msg = parse(eml)
    assert msg["To"].addresses[0].display_name == "高立新"
    assert msg["Subject"] == "生日快乐，高立新！"
    assert "尊敬的高立新总经理" in msg.get_content()
    tomorrow = crm.json("--user", "boss", "letter", "birthday", "--as-of", day(1), "--dry-run")
    assert tomorrow["letters"] == []


def test_a_customer_without_email_is_skipped_never_an_error(crm, book):
    result = crm("--user", "boss", "letter", "dunning", "--to", "C000002,C000001")
    assert "To: 深圳市华晨电子有限公司 <huachen@example.cn>" in result.stdout
    assert "skipped C000002: no e-mail" in result.stderr


def test_templates_are_listed_copied_and_a_users_copy_comes_first(crm, book, tmp_path):
    listed = crm.json("letter", "templates")["templates"]
    assert {(r["name"], r["lang"]) for r in listed} >= {
        (n, lang) for n in ("thanks", "dunning", "promotion", "birthday") for lang in ("zh", "en")
    }
    mine = tmp_path / "mine"
    result = crm("letter", "template", "dunning", "--copy-to", str(mine))
    assert sorted(p.name for p in mine.iterdir()) == ["dunning.en.j2", "dunning.zh.j2"]
    assert "Wrote" in result.stdout
    crm("letter", "template", "dunning", "--copy-to", str(mine), code=1)  # no overwriting
    (mine / "dunning.zh.j2").write_text(
        "Subject: 请付款 {{ total_outstanding | money }}\n\n{{ recipient }}，请付款。\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    crm("--user", "boss", "letter", "dunning", "--templates", str(mine), "--lang", "zh",
        "--to", "C000001", "--out", str(out))  # fmt: skip
    assert parse(out / "C000001-dunning.eml")["Subject"] == "请付款 20,000.00"
    rows = crm.json("letter", "templates", "--templates", str(mine))["templates"]
    assert any(r["name"] == "dunning" and r["lang"] == "zh" and r["overrides"] for r in rows)
    shown = crm("letter", "template", "thanks", "--lang", "zh").stdout
    assert shown.startswith("Subject: 感谢您的订购")


def test_promotion_needs_recipients_and_sending_needs_a_server(crm, book, monkeypatch):
    monkeypatch.setenv("CRM_USER", "boss")
    result = crm("letter", "promotion", code=1)
    assert "a promotion needs recipients" in result.stderr
    monkeypatch.delenv("CRM_SMTP_URL", raising=False)
    result = crm("letter", "send", "dunning", code=1)
    assert "--send needs an SMTP server" in result.stderr
    monkeypatch.setenv("CRM_SMTP_URL", "http://nowhere")
    assert "invalid SMTP URL" in crm("letter", "send", "dunning", code=1).stderr
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("CRM_SMTP_URL", f"smtp://user:secret@127.0.0.1:{port}")
    result = crm("letter", "send", "dunning", code=1)
    assert "cannot send through smtp://user@127.0.0.1" in result.stderr
    assert "secret" not in result.stderr


def test_rfm_and_abc_segments_and_list_filters(crm, book, monkeypatch):
    monkeypatch.setenv("CRM_USER", "boss")
    data = crm.json("--user", "boss", "letter", "promotion", "--to", "abc:A", "--dry-run")
    assert [x["code"] for x in data["letters"]] == ["C000004"]
    data = crm.json("--user", "boss", "letter", "promotion", "--level", "gold", "--dry-run")
    assert [x["code"] for x in data["letters"]] == ["C000001", "C000004"]
    crm("letter", "promotion", "--to", "rfm:nonsense", code=1)


def test_rendering_imports_jinja2_only_when_a_letter_is_rendered():
    code = (
        "import sys, crmcli.cli.relationship.letter, crmcli.services.desk.letters, crmcli.mail;"
        "assert 'jinja2' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_smtp_urls(crm_env):
    from crmcli.errors import Invalid
    from crmcli.mail import parse_url

    s = parse_url("smtp://sales%40example.cn:p%40ss@mail.example.cn:587?starttls=1")
    assert (s.host, s.port, s.tls, s.starttls) == ("mail.example.cn", 587, False, True)
    assert (s.user, s.password) == ("sales@example.cn", "p@ss")
    assert str(s) == "smtp://sales@example.cn@mail.example.cn:587"  # never the password
    s = parse_url("smtps://u:p@mail.example.cn")
    assert (s.port, s.tls, s.starttls) == (465, True, False)
    assert parse_url("smtp://localhost").port == 25
    with pytest.raises(Invalid) as e:
        parse_url("smtp://u:secret@")
    assert "secret" not in e.value.message


def test_a_win_back_promotion_to_the_customers_at_risk(crm, book):
    boss = ("--user", "boss")
    for code in ("C000001", "C000003"):
        crm(*boss, "customer", "edit", code, "--status", "active")
        crm(*boss, "ticket", "open", code, "--kind", "complaint", "--subject", "交货延迟")
    at_risk = [r["code"] for r in crm.json(*boss, "report", "churn")["at_risk"]]
    assert {"C000001", "C000003"} <= set(at_risk)
    data = crm.json(*boss, "letter", "promotion", "--to", "risk", "--dry-run")
    assert [x["code"] for x in data["letters"]] == ["C000001"]  # C000003 opted out
    assert "C000003" in [s["code"] for s in data["skipped"]]


def test_a_bad_var_names_its_option(crm, book):
    result = crm("--user", "boss", "letter", "promotion", "--to", "C000001", "--var", "bad", code=1)
    assert result.stderr.strip() == "Error: invalid --var 'bad': use KEY=VALUE"
    zh = crm("--lang", "zh", "--user", "boss", "letter", "promotion", "--var", "bad", code=1)
    assert "错误: --var 格式错误 'bad'：请用 KEY=VALUE" in zh.stderr
