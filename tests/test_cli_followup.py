"""``crm followup``: add, snooze, cancel, list, the calendar file, and every wrong move."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from tests.books import prebuilt


def _book(crm, db):
    crm("customer", "add", "宁波港联物流股份有限公司", "--address", "宁波市北仑区港城大道 88 号")
    crm("contact", "add", "C000001", "潘军", "--mobile", "139 6078 9987")
    crm("customer", "add", "深圳华晨")


book = prebuilt("followup", _book)


def _with_a_touch(crm, db):
    _book(crm, db)
    crm("followup", "add", "C000001", "--due", "2026-03-05")


book_with_a_touch = prebuilt("followup-touch", _with_a_touch)


def test_add_a_single_touch_with_its_details(crm, book):
    out = crm(
        "followup",
        "add",
        "宁波港联物流股份有限公司",
        "--due",
        "2026-03-05 10:30",
        "--kind",
        "拜访",
        "--note",
        "确认合同条款",
        "--contact",
        "潘军",
    ).stdout
    assert "Planned follow-up 1 due 2026-03-05 10:30 for C000001" in out
    row = book.one("SELECT * FROM followup")
    assert row["kind"] == "visit" and row["note"] == "确认合同条款" and row["status"] == "pending"
    assert row["due_at"].startswith("2026-03-05 10:30") and row["step"] is None
    assert row["contact_id"] == 1 and row["owner_id"] is None
    data = crm.json("followup", "add", "深圳华晨", "--due", "2026-03-06")
    assert data["id"] == 2 and data["kind"] == "call" and data["due_at"] == "2026-03-06T00:00:00"
    assert data["customer_code"] == "C000002" and data["status"] == "pending"


def test_snooze_moves_a_touch_and_is_audited(crm, book):
    crm("followup", "add", "C000001", "--due", "2026-03-05")
    out = crm("followup", "snooze", "1", "--to", "2026-03-09 15:00").stdout
    assert "Snoozed: follow-up 1 due 2026-03-09 15:00" in out
    assert book.scalar("SELECT due_at FROM followup").startswith("2026-03-09 15:00")
    changes = json.loads(
        book.scalar(
            "SELECT changes FROM audit_entry WHERE entity = 'followup' AND action = 'update'"
        )
    )
    assert changes == {"due_at": ["2026-03-05T00:00:00", "2026-03-09T15:00:00"]}


def test_cancel(crm, book):
    crm("followup", "add", "C000001", "--due", "2026-03-05")
    assert "Cancelled follow-up 1" in crm("followup", "cancel", "1").stdout
    assert book.scalar("SELECT status FROM followup") == "cancelled"


@pytest.mark.parametrize(
    "command", [["done", "1"], ["snooze", "1", "--to", "+1d"], ["cancel", "1"]]
)
@pytest.mark.parametrize("how", ["done", "cancel"])
def test_done_snooze_cancel_on_a_finished_touch_are_clear_errors(crm, book, command, how):
    crm("followup", "add", "C000001", "--due", "2026-03-05")
    crm("followup", how, "1")
    before = book.dump()
    result = crm("followup", *command, code=1)
    status = "Done" if how == "done" else "Cancelled"
    assert f"follow-up 1 is already {status}" in result.stderr
    assert "only pending follow-ups" in result.stderr
    assert book.dump() == before


def test_list_shows_pending_by_default_and_every_status_on_request(crm, book):
    crm("followup", "add", "C000001", "--due", "2026-03-05")
    crm("followup", "add", "C000002", "--due", "2026-03-04")
    crm("followup", "add", "C000002", "--due", "2026-03-06")
    crm("followup", "done", "2", "--at", "2026-03-04")
    crm("followup", "cancel", "3")
    assert [r["id"] for r in crm.json("followup", "list")] == [1]
    assert [r["id"] for r in crm.json("followup", "list", "--status", "all")] == [2, 1, 3]
    assert [r["id"] for r in crm.json("followup", "list", "--status", "已完成,cancelled")] == [2, 3]
    assert [r["id"] for r in crm.json("followup", "list", "C000002", "--status", "all")] == [2, 3]
    assert [
        r["id"] for r in crm.json("followup", "list", "--status", "all", "--since", "2026-03-05")
    ] == [1, 3]
    assert [
        r["id"] for r in crm.json("followup", "list", "--status", "all", "--until", "2026-03-05")
    ] == [2]
    done = crm.json("followup", "list", "--status", "done")[0]
    assert done["done_at"] == "2026-03-04T00:00:00" and done["status"] == "done"
    out = crm("--lang", "zh", "followup", "list", "--status", "all").stdout
    assert "已完成" in out and "已取消" in out and "待办" in out


def test_lost_customer_cancels_pending_touches_of_a_cadence(crm, book):
    crm("followup", "plan", "C000001", "--start", "2026-01-05")
    crm("followup", "add", "C000001", "--due", "2026-01-09")
    crm("customer", "edit", "C000001", "--status", "流失")
    assert [r["status"] for r in book.rows("SELECT status FROM followup")] == ["cancelled"] * 2
    assert crm.json("followup", "list") == []
    before = book.dump()
    for args in (
        ["followup", "add", "C000001", "--due", "+1d"],
        ["followup", "plan", "C000001"],
        ["log", "C000001", "-c", "phone", "-s", "挽回", "--next", "auto"],
    ):
        result = crm(*args, code=1)
        assert (
            "is lost: it gets no follow-ups" in result.stderr
            and "--status prospect" in result.stderr
        )
    assert book.dump() == before
    crm("log", "C000001", "-c", "phone", "-s", "挽回电话")  # a contact is still recorded


def test_customer_card_shows_pending_touches(crm, book):
    crm("followup", "plan", "C000001", "--start", "2026-01-05", "--contact", "潘军")
    crm("followup", "add", "C000001", "--due", "2026-01-09", "--note", "寄样品")
    crm("followup", "add", "C000001", "--due", "2026-01-10")
    crm("followup", "cancel", "3")
    card = crm.json("customer", "show", "C000001")
    assert [(f["id"], f["step"], f["contact"]) for f in card["followups"]] == [
        (1, 1, "潘军"),
        (2, None, None),
    ]
    out = crm("customer", "show", "C000001").stdout
    assert "Pending follow-ups (2)" in out and "寄样品" in out


def test_opportunity_by_id_or_code_of_the_same_customer_and_open(crm, book):
    book.execute(
        "INSERT INTO opportunity (code, customer_id, title, stage, probability, probability_manual)"
        " VALUES ('O000001', 1, '运输车队CRM', 'proposal', 50, false),"
        " ('O000002', 1, '仓储服务器', 'won', 100, false),"
        " ('O000003', 2, '别家的机会', 'lead', 10, false)"
    )
    data = crm.json("followup", "add", "C000001", "--due", "2026-03-05", "--opportunity", "o000001")
    assert data["opportunity_code"] == "O000001"
    crm("followup", "add", "C000001", "--due", "2026-03-05", "--opportunity", "1")
    assert book.scalar("SELECT count(*) FROM followup WHERE opportunity_id = 1") == 2
    before = book.dump()
    assert (
        "is closed (won)"
        in crm(
            "followup", "add", "C000001", "--due", "+1d", "--opportunity", "O000002", code=1
        ).stderr
    )
    assert (
        "opportunity O000003 belongs to another customer"
        in crm(
            "followup", "add", "C000001", "--due", "+1d", "--opportunity", "O000003", code=1
        ).stderr
    )
    assert book.dump() == before


BAD = [
    (["add", "C000001", "--due", "soon"], "invalid date 'soon'"),
    (["add", "C000001", "--due", "2026-02-30"], "invalid date '2026-02-30'"),
    (["add", "C999999", "--due", "+1d"], "no customer 'C999999'"),
    (["add", "C000001", "--due", "+1d", "--kind", "fax"], "unknown follow-up kind 'fax'"),
    (["add", "C000001", "--due", "+1d", "--contact", "nobody"], "no contact 'nobody'"),
    (["add", "C000001", "--due", "+1d", "--owner", "ghost"], "unknown user 'ghost'"),
    (["add", "C000001", "--due", "+1d", "--note", "x" * 1001], "too long"),
    (["add", "C000001", "--due", "+1d", "--opportunity", "O9"], "no opportunity 'O9'"),
    (["plan", "C000001", "--start", "whenever"], "invalid date 'whenever'"),
    (["plan", "C000001", "--kind", "telepathy"], "unknown follow-up kind"),
    (["done", "99"], "no follow-up '99'"),
    (["done", "abc"], "no follow-up 'abc'"),
    (["done", "1", "--at", "+3d"], "is in the future"),
    (["done", "1", "--next", "later"], "invalid --next 'later': use DATE, auto or none"),
    (["done", "1", "--channel", "pigeon"], "unknown channel 'pigeon'"),
    (["done", "1", "--summary", "x" * 4001], "too long"),
    (["snooze", "1", "--to", "someday"], "invalid date 'someday'"),
    (["snooze", "99", "--to", "+1d"], "no follow-up '99'"),
    (["cancel", "99"], "no follow-up '99'"),
    (["list", "--status", "maybe"], "unknown follow-up status 'maybe'"),
    (["list", "C999999"], "no customer"),
    (["ics", "out.txt"], "a calendar file ends in .ics"),
    (["ics", "no/such/folder/x.ics"], "no folder"),
    (["ics", "x.ics", "--within", "many"], "invalid whole number 'many'"),
    (["ics", "x.ics", "--owner", "a", "--all"], "not both"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a)[:50] for a, _ in BAD])
def test_bad_input_is_one_error_line_and_changes_nothing(
    crm, book_with_a_touch, args, message, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    book = book_with_a_touch
    before = book.dump()
    result = crm("followup", *args, code=1)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""
    assert book.dump() == before
    assert not list(tmp_path.glob("*.ics"))


def test_usage_errors_exit_2(crm):
    crm("followup", "add", "C000001", code=2)  # --due is required
    crm("followup", "snooze", "1", code=2)  # --to is required
    crm("followup", "frobnicate", code=2)


# -- team mode ------------------------------------------------------------------------------


def test_permissions(crm, db):
    crm("customer", "add", "甲")
    crm("customer", "add", "乙")
    for name, role in (
        ("boss", "manager"),
        ("lina", "sales"),
        ("wang", "sales"),
        ("kefu", "service"),
    ):
        db.execute(
            "INSERT INTO app_user (username, role, active) VALUES (:n, :r, true)", n=name, r=role
        )
    crm("--user", "boss", "customer", "assign", "甲", "--owner", "lina")
    crm("--user", "boss", "customer", "assign", "乙", "--owner", "wang")
    data = crm.json("--user", "lina", "followup", "add", "甲", "--due", "2026-03-05")
    assert data["owner"] == "lina"  # the acting user by default
    assert (
        "no customer '乙'"
        in crm("--user", "lina", "followup", "add", "乙", "--due", "+1d", code=1).stderr
    )
    crm("--user", "wang", "followup", "add", "乙", "--due", "2026-03-05")
    assert "no follow-up '2'" in crm("--user", "lina", "followup", "done", "2", code=1).stderr
    # service staff keep in touch with every customer
    crm("--user", "kefu", "followup", "done", "2", "--summary", "售后回访")
    assert db.one("SELECT u.username FROM interaction i JOIN app_user u ON u.id = i.user_id") == {
        "username": "kefu"
    }


# -- the calendar file ------------------------------------------------------------------------


def test_ics_is_rfc5545_with_stable_uids_and_updates(crm, book, tmp_path):
    from icalendar import Calendar

    today = date.today()
    crm(
        "followup",
        "add",
        "C000001",
        "--due",
        f"{today} 10:30",
        "--kind",
        "visit",
        "--note",
        "确认合同条款",
        "--contact",
        "潘军",
    )
    crm("followup", "add", "C000002", "--due", (today + timedelta(days=3)).isoformat())
    crm("followup", "add", "C000002", "--due", (today + timedelta(days=60)).isoformat())
    target = tmp_path / "crm.ics"
    out = crm("followup", "ics", str(target)).stdout
    assert f"Wrote {target} (events: 2, to do: 2)" in out
    cal = Calendar.from_ical(target.read_bytes())
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert len(events) == 2
    visit = next(e for e in events.values() if "宁波港联" in str(e["summary"]))
    assert str(visit["summary"]) == "Visit · 宁波港联物流股份有限公司 · 潘军"
    assert visit.decoded("dtstart") == datetime.combine(today, datetime.min.time()).replace(
        hour=10, minute=30
    )
    assert visit.decoded("dtend") - visit.decoded("dtstart") == timedelta(minutes=30)
    assert str(visit["location"]) == "宁波市北仑区港城大道 88 号"
    assert "确认合同条款" in str(visit["description"]) and "139 6078 9987" in str(
        visit["description"]
    )
    assert "crm followup done 1" in str(visit["description"])
    assert str(visit["status"]) == "CONFIRMED" and len(visit.walk("VALARM")) == 1
    assert visit["dtstamp"].to_ical().endswith(b"Z")  # DTSTAMP in UTC (RFC 5545)
    assert b"METHOD:PUBLISH" in target.read_bytes()
    call = next(e for e in events.values() if "深圳华晨" in str(e["summary"]))
    assert call.decoded("dtstart") == today + timedelta(days=3)  # an all-day event
    assert call.decoded("dtend") == today + timedelta(days=4)
    uids = set(events)
    # snooze and cancel, write again: the same UIDs, a newer sequence, cancelled marked
    first_sequence = int(visit["sequence"])
    crm("followup", "snooze", "1", "--to", f"{today + timedelta(days=1)} 09:00")
    crm("followup", "cancel", "2")
    crm("followup", "add", "C000002", "--due", f"{today - timedelta(days=1)} 08:00")
    crm("followup", "done", "4")
    plus_a_minute = {
        "sqlite": "datetime(updated_at, '+1 minute')",
        "postgresql": "updated_at + interval '1 minute'",
    }[book.dialect]
    book.execute(f"UPDATE followup SET updated_at = {plus_a_minute}")
    crm("followup", "ics", str(target), "--within", "90")
    cal = Calendar.from_ical(target.read_bytes())
    again = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert uids <= set(again) and len(again) == 4
    moved = again[str(visit["uid"])]
    assert moved.decoded("dtstart").date() == today + timedelta(days=1)
    assert int(moved["sequence"]) > first_sequence
    assert str(again[str(call["uid"])]["status"]) == "CANCELLED"
    done = next(e for e in again.values() if str(e["summary"]).startswith("✓ "))
    assert str(done["status"]) == "CONFIRMED" and not done.walk("VALARM")
    assert not list(tmp_path.glob(".*part"))  # written whole, then renamed


def test_ics_to_stdout_in_chinese(crm, book):
    crm("followup", "add", "C000002", "--due", "today")
    result = crm("--lang", "zh", "followup", "ics", "-")
    assert (
        result.stdout.startswith("BEGIN:VCALENDAR") and "SUMMARY:电话 · 深圳华晨" in result.stdout
    )
    assert "日程 1 个，待办 1 个" in result.stderr
