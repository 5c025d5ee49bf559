"""``crm report``: segments (RFM, ABC, breakdowns), funnel, forecast, activity, service, export.

The RFM and ABC classes are checked on hand-computed data, ties at the mean included.
Orders, opportunities and tickets are written with plain SQL: the reports are the
subject here, not the commands that record sales.
"""

from __future__ import annotations

import json
import re
import zipfile
from datetime import date, timedelta

import pytest
from python_calamine import CalamineWorkbook

AS_OF = "2026-06-30"


def customers(crm, *names: str) -> None:
    for name in names:
        crm("customer", "add", name)


def order(db, customer: int, day: str, total: str, status: str = "confirmed") -> None:
    cents = round(float(total) * 100)
    db.execute(
        "INSERT INTO sales_order (customer_id, ordered_on, status, total) VALUES (:c, :d, :s, :t)",
        c=customer,
        d=day,
        s=status,
        t=cents,
    )


def by_code(rows):
    return {r["code"]: r for r in rows}


def test_rfm_on_hand_computed_data_with_ties_at_the_mean(crm, db):
    customers(crm, "甲", "乙", "丙", "无订单")
    # R = 10, 20, 30 (mean 20); F = 1, 2, 3 (mean 2); M = 300, 200, 100 (mean 200)
    order(db, 1, "2026-06-20", "300")
    order(db, 2, "2026-06-01", "50")
    order(db, 2, "2026-06-10", "150")
    for day, total in (("2026-05-01", "33.33"), ("2026-05-15", "33.33"), ("2026-05-31", "33.34")):
        order(db, 3, day, total)
    order(db, 3, "2026-05-31", "0.01")  # 4th order of 丙 is cancelled below
    db.execute("UPDATE sales_order SET status = 'cancelled' WHERE total = 1")
    order(db, 1, "2026-07-05", "9999")  # after --as-of: ignored
    rows = by_code(crm.json("report", "segment", "--by", "rfm", "--as-of", AS_OF))
    assert set(rows) == {"C000001", "C000002", "C000003"}  # customers without orders are left out
    assert rows["C000001"] == {
        "code": "C000001",
        "name": "甲",
        "recency_days": 10,
        "frequency": 1,
        "monetary": 300,
        "segment": "important_development",
    }
    # exactly at every mean: not recent, not frequent, not big
    assert rows["C000002"]["recency_days"] == 20 and rows["C000002"]["frequency"] == 2
    assert rows["C000002"]["monetary"] == 200 and rows["C000002"]["segment"] == "general_recovery"
    assert rows["C000003"]["frequency"] == 3 and rows["C000003"]["monetary"] == 100
    assert rows["C000003"]["segment"] == "general_retention"


def test_rfm_all_eight_classes(crm, db):
    patterns = {  # (recent, frequent, big) -> expected class
        (True, True, True): "important_value",
        (True, False, True): "important_development",
        (False, True, True): "important_retention",
        (False, False, True): "important_recovery",
        (True, True, False): "general_value",
        (True, False, False): "general_development",
        (False, True, False): "general_retention",
        (False, False, False): "general_recovery",
    }
    as_of = date(2026, 6, 30)
    for i, (recent, frequent, big) in enumerate(patterns, 1):
        crm("customer", "add", f"客户{i}")
        last = as_of - timedelta(days=1 if recent else 100)
        count = 5 if frequent else 1
        each = (1000 if big else 10) / count
        for k in range(count):
            order(db, i, (last - timedelta(days=k)).isoformat(), f"{each:.2f}")
    rows = crm.json("report", "segment", "--as-of", AS_OF)
    assert [r["segment"] for r in rows] == list(patterns.values())
    table = crm("--lang", "zh", "report", "segment", "--as-of", AS_OF).stdout
    for label in (
        "重要价值客户",
        "重要发展客户",
        "重要保持客户",
        "重要挽留客户",
        "一般价值客户",
        "一般发展客户",
        "一般保持客户",
        "一般挽留客户",
    ):
        assert label in table
    assert "12.5%" in table


def test_abc_ranks_by_money_with_ties_by_code(crm, db):
    customers(crm, "A1", "A2", "B1", "B2", "B3", "C1", "C-none")
    for cid, total in [(1, "500"), (2, "300"), (3, "100"), (4, "40"), (5, "40"), (6, "20")]:
        order(db, cid, "2026-06-01", total)
    order(db, 7, "2026-06-01", "800", status="cancelled")  # never counts
    rows = crm.json("report", "segment", "--by", "abc", "--as-of", AS_OF)
    assert [(r["code"], r["class"]) for r in rows] == [
        ("C000001", "A"),  # nothing above it
        ("C000002", "A"),  # 50% above
        ("C000003", "B"),  # 80% above: not under 80%
        ("C000004", "B"),  # 90% above; ties at 40 go by code
        ("C000005", "B"),  # 94% above
        ("C000006", "C"),  # 98% above
        ("C000007", "C"),  # no orders: monetary 0, class C
    ]
    assert rows[0]["cumulative_share"] == 0.5 and rows[1]["cumulative_share"] == 0.8
    assert rows[-1]["monetary"] == 0 and set(rows[0]) == {
        "code",
        "name",
        "monetary",
        "cumulative_share",
        "class",
    }


def test_abc_cut_offs_are_80_and_95_percent_from_both_sides(crm, db):
    # shares of the total, largest first: 40, 39, then 21 customers of 1% each, so the
    # customers ranked above reach 79% (A), exactly 80% (B), 94% (B), exactly 95% (C)
    shares = [40, 39] + [1] * 21
    customers(crm, *(f"客户{i:02d}" for i in range(1, len(shares) + 1)))
    for cid, share in enumerate(shares, 1):
        order(db, cid, "2026-06-01", str(share * 10))
    rows = crm.json("report", "segment", "--by", "abc", "--as-of", AS_OF)
    above = [
        round((r["cumulative_share"] - s / 100) * 100) for r, s in zip(rows, shares, strict=True)
    ]
    tiers = dict(zip(above, (r["class"] for r in rows), strict=True))
    assert (tiers[0], tiers[40], tiers[79]) == ("A", "A", "A")  # under 80%: A
    assert (tiers[80], tiers[94]) == ("B", "B")  # 80% is not under 80%; under 95%: B
    assert (tiers[95], tiers[99]) == ("C", "C")  # 95% is not under 95%
    assert [r["class"] for r in rows].count("B") == 15  # 80% .. 94%


def test_abc_apply_sets_levels_and_revert_puts_them_back(crm, db):
    customers(crm, "大客户", "中客户", "小客户")
    crm("customer", "edit", "小客户", "--level", "gold")
    for cid, total in [(1, "800"), (2, "150"), (3, "50")]:
        order(db, cid, "2026-06-01", total)
    result = crm("report", "segment", "--by", "abc", "--apply", "--as-of", AS_OF)
    assert "3 of 3 customers changed" in result.stderr or "changed" in result.stderr
    levels = {r["code"]: r["level"] for r in db.rows("SELECT code, level FROM customer")}
    assert levels == {"C000001": "gold", "C000002": "silver", "C000003": "regular"}
    entries = db.rows(
        "SELECT entity_code, changes, batch_id FROM audit_entry WHERE batch_id IS NOT NULL"
    )
    assert {e["entity_code"]: json.loads(e["changes"])["level"] for e in entries} == {
        "C000001": ["regular", "gold"],
        "C000002": ["regular", "silver"],
        "C000003": ["gold", "regular"],
    }
    batch = entries[0]["batch_id"]
    crm("customer", "edit", "中客户", "--level", "regular")  # changed by hand since: kept
    out = crm("report", "segment", "--revert", str(batch)).stdout
    assert "2 levels put back, 1 changed since and kept" in out
    levels = {r["code"]: r["level"] for r in db.rows("SELECT code, level FROM customer")}
    assert levels == {"C000001": "regular", "C000002": "regular", "C000003": "gold"}
    assert "already reverted" in crm("report", "segment", "--revert", str(batch), code=1).stderr


def test_breakdowns(crm, db):
    crm("customer", "add", "甲", "--city", "上海", "--level", "gold")
    crm("customer", "add", "乙", "--city", "上海")
    crm("customer", "add", "丙", "--city", "北京")
    order(db, 1, "2026-06-01", "100")
    order(db, 3, "2026-06-01", "300")
    rows = crm.json("report", "segment", "--by", "city", "--as-of", AS_OF)
    assert rows == [
        {"city": "北京", "customers": 1, "share": pytest.approx(1 / 3), "revenue": 300},
        {"city": "上海", "customers": 2, "share": pytest.approx(2 / 3), "revenue": 100},
    ]
    levels = {r["level"]: r["customers"] for r in crm.json("report", "segment", "--by", "level")}
    assert levels == {"gold": 1, "regular": 2}
    assert "金牌" in crm("--lang", "zh", "report", "segment", "--by", "level").stdout


def opportunity(
    db,
    customer: int,
    amount: str,
    stage: str,
    moves: list[tuple[str, str]],
    *,
    created: str = "2026-01-05 10:00:00",
    reason: str | None = None,
    expected: str | None = None,
    probability: int = 0,
) -> None:
    closed = moves[-1][1] if stage in ("won", "lost") and moves else None
    db.execute(
        "INSERT INTO opportunity (customer_id, title, amount, stage, probability, probability_manual, created_at,"
        " closed_at, lost_reason, expected_close) VALUES (:c, 'deal', :a, :s, :p, false, :cr, :cl, :r, :e)",
        c=customer,
        a=round(float(amount) * 100),
        s=stage,
        p=probability,
        cr=created,
        cl=closed,
        r=reason,
        e=expected,
    )
    oid = db.scalar("SELECT max(id) FROM opportunity")
    previous = "lead"
    for to, at in moves:
        db.execute(
            "INSERT INTO stage_change (opportunity_id, from_stage, to_stage, at) VALUES (:o, :f, :t, :at)",
            o=oid,
            f=previous,
            t=to,
            at=at,
        )
        previous = to


def test_funnel_counts_what_each_opportunity_reached(crm, db):
    customers(crm, "甲")
    opportunity(
        db,
        1,
        "100",
        "won",
        [
            ("qualified", "2026-01-10 10:00:00"),
            ("proposal", "2026-01-20 10:00:00"),
            ("won", "2026-02-04 10:00:00"),
        ],
    )
    opportunity(
        db,
        1,
        "200",
        "lost",
        [("proposal", "2026-01-12 10:00:00"), ("lost", "2026-01-30 10:00:00")],
        reason="价格过高",
    )  # skipped qualified: still reached it
    opportunity(
        db,
        1,
        "300",
        "qualified",
        [
            ("qualified", "2026-01-06 10:00:00"),
            ("negotiation", "2026-01-08 10:00:00"),
            ("qualified", "2026-01-09 10:00:00"),
        ],
    )  # went backwards
    opportunity(db, 1, "400", "lead", [], created="2026-03-01 10:00:00")
    data = crm.json("report", "funnel")
    assert [(s["stage"], s["reached"]) for s in data["stages"]] == [
        ("lead", 4),
        ("qualified", 3),
        ("proposal", 3),
        ("negotiation", 2),
        ("won", 1),
    ]
    assert [s["conversion"] for s in data["stages"]] == [0.75, 1.0, pytest.approx(2 / 3), 0.5, None]
    assert data["stages"][0]["amount"] == 1000 and data["stages"][0]["weighted_amount"] == 100
    assert data["stages"][3]["amount"] == 400 and data["stages"][3]["weighted_amount"] == 300
    assert (data["won"], data["lost"], data["win_rate"], data["avg_days_to_win"]) == (
        1,
        1,
        0.5,
        30.0,
    )
    assert data["lost_reasons"] == [{"reason": "价格过高", "count": 1}]
    assert set(data) == {"stages", "won", "lost", "win_rate", "avg_days_to_win", "lost_reasons"}
    since = crm.json("report", "funnel", "--since", "2026-02-01")
    assert [s["reached"] for s in since["stages"]] == [1, 0, 0, 0, 0] and since["win_rate"] is None
    assert "商务谈判" in crm("--lang", "zh", "report", "funnel").stdout


def test_funnel_follows_the_configured_pipeline(crm, db):
    customers(crm, "甲")
    crm(
        "config",
        "set",
        "pipeline.stages",
        json.dumps(
            [
                {"key": "contact", "en": "Contact", "zh": "接触", "probability": 20},
                {"key": "offer", "en": "Offer", "zh": "报价", "probability": 60},
                {"key": "won", "en": "Won", "zh": "赢单", "probability": 100},
                {"key": "lost", "en": "Lost", "zh": "输单", "probability": 0},
            ]
        ),
    )
    opportunity(db, 1, "100", "offer", [("offer", "2026-01-10 10:00:00")])
    data = crm.json("report", "funnel")
    assert [(s["stage"], s["reached"]) for s in data["stages"]] == [
        ("contact", 1),
        ("offer", 1),
        ("won", 0),
    ]


def test_forecast_weights_open_amounts_by_month(crm, db, tmp_path):
    customers(crm, "甲")
    today = date.today()
    this_month = today.replace(day=1)
    next_month = (this_month + timedelta(days=32)).replace(day=1)
    opportunity(db, 1, "1000", "proposal", [], expected=this_month.isoformat(), probability=50)
    opportunity(db, 1, "2000", "negotiation", [], expected=next_month.isoformat(), probability=75)
    opportunity(
        db, 1, "500", "won", [], expected=this_month.isoformat(), probability=100
    )  # closed: out
    opportunity(
        db,
        1,
        "300",
        "lead",
        [],
        expected=(this_month - timedelta(days=1)).isoformat(),
        probability=10,
    )
    opportunity(db, 1, "900", "lead", [])  # no expected close: left out, and counted
    result = crm("report", "forecast", "--months", "3", "-f", "json")
    assert "1 open opportunities have no expected close date in these months" in result.stderr
    rows = json.loads(result.stdout)
    assert [r["month"] for r in rows] == [
        "overdue",
        f"{this_month:%Y-%m}",
        f"{next_month:%Y-%m}",
        rows[3]["month"],
    ]
    assert rows[0]["weighted_amount"] == 30 and rows[1]["weighted_amount"] == 500
    assert rows[2]["weighted_amount"] == 1500 and rows[3]["opportunities"] == 0
    assert "已逾期" in crm("--lang", "zh", "report", "forecast").stdout
    assert "Overdue" in crm("report", "forecast").stdout.split()
    crm("--lang", "zh", "report", "export", str(tmp_path / "报告.xlsx"))
    sheet = CalamineWorkbook.from_path(str(tmp_path / "报告.xlsx")).get_sheet_by_name("销售预测")
    months = [row[0] for row in sheet.to_python()]
    assert "已逾期" in months and "overdue" not in months
    crm("report", "forecast", "--months", "0", code=1)
    crm("report", "forecast", "--by", "city", code=1)


def test_activity_and_follow_up_discipline(crm, db):
    customers(crm, "甲")
    db.execute("INSERT INTO app_user (username, role, active) VALUES ('lina', 'sales', true)")
    for channel in ("phone", "phone", "visit"):
        db.execute(
            "INSERT INTO interaction (customer_id, user_id, occurred_at, channel, summary)"
            " VALUES (1, 1, '2026-06-10 10:00:00', :c, 'x')",
            c=channel,
        )
    for due, status, done in [
        ("2026-06-10 09:00:00", "done", "2026-06-10 17:00:00"),  # on time
        ("2026-06-11 09:00:00", "done", "2026-06-13 09:00:00"),  # late
        ("2026-06-12 09:00:00", "pending", None),  # overdue
        ("2026-06-13 09:00:00", "cancelled", None),
    ]:  # not counted
        db.execute(
            "INSERT INTO followup (customer_id, owner_id, due_at, kind, status, done_at)"
            " VALUES (1, 1, :d, 'call', :s, :done)",
            d=due,
            s=status,
            done=done,
        )
    data = crm.json(
        "--user", "lina", "report", "activity", "--since", "2026-06-01", "--until", "2026-06-30"
    )
    assert data["interactions"] == [
        {"user": "lina", "channel": "phone", "count": 2},
        {"user": "lina", "channel": "visit", "count": 1},
    ]
    assert data["followups"] == [
        {"owner": "lina", "due": 3, "done_on_time": 1, "done_late": 1, "overdue": 1, "pending": 0}
    ]
    crm("--user", "lina", "report", "activity", "--since", "someday", code=1)


def test_service_quality(crm, db):
    customers(crm, "甲", "乙")
    for kind, status, opened, resolved, sat in [
        ("complaint", "closed", "2026-06-01 09:00:00", "2026-06-01 13:00:00", 4),
        ("repair", "resolved", "2026-06-02 09:00:00", "2026-06-03 09:00:00", 2),
        ("inquiry", "open", "2026-06-03 09:00:00", None, None),
    ]:
        db.execute(
            "INSERT INTO ticket (customer_id, kind, subject, priority, status, opened_at, resolved_at,"
            " satisfaction) VALUES (1, :k, 's', 'normal', :s, :o, :r, :sat)",
            k=kind,
            s=status,
            o=opened,
            r=resolved,
            sat=sat,
        )
    data = crm.json("report", "service")
    assert data["tickets"] == 3 and data["open"] == 1
    assert data["median_hours_to_resolve"] == 14.0 and data["mean_satisfaction"] == 3.0
    assert data["complaints_per_100_customers"] == 50.0
    assert {"kind": "repair", "status": "resolved", "count": 1} in data["by_kind_status"]


def test_reports_leave_out_deleted_customers_and_count_cancelled_orders_nowhere(crm, db):
    customers(crm, "留下", "删除")
    order(db, 1, "2026-06-01", "100")
    order(db, 2, "2026-06-01", "900")
    order(db, 1, "2026-06-02", "500", status="cancelled")
    crm("customer", "delete", "删除", "--yes")
    assert [r["code"] for r in crm.json("report", "segment", "--by", "abc")] == ["C000001"]
    assert crm.json("report", "segment", "--by", "rfm")[0]["monetary"] == 100


def test_export_writes_a_workbook_with_native_charts(crm, db, tmp_path):
    customers(crm, "甲", "乙")
    order(db, 1, date.today().isoformat(), "100")
    order(db, 2, (date.today() - timedelta(days=40)).isoformat(), "250")
    crm("customer", "edit", "乙", "--name", '=HYPERLINK("http://x")')
    opportunity(db, 1, "100", "won", [("won", "2026-01-10 10:00:00")])
    target = tmp_path / "report.xlsx"
    out = crm("--lang", "zh", "report", "export", str(target)).stdout
    assert "report.xlsx" in out
    with zipfile.ZipFile(target) as z:
        names = z.namelist()
        charts = [n for n in names if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
        assert len(charts) >= 3
        kinds = "".join(z.read(n).decode() for n in charts)
        assert "<c:pieChart>" in kinds and "<c:barChart>" in kinds and "<c:lineChart>" in kinds
        workbook = z.read("xl/workbook.xml").decode()
        for sheet in (
            "RFM细分",
            "ABC分类",
            "销售漏斗",
            "销售预测",
            "月度订单",
            "客户接触",
            "客户服务",
        ):
            assert sheet in workbook
        sheets = "".join(z.read(n).decode() for n in names if n.startswith("xl/worksheets/sheet"))
        assert "<f>" not in sheets  # values only: no formula anywhere
        strings = z.read("xl/sharedStrings.xml").decode()
        assert "=HYPERLINK" in strings and "客户编号" in strings
    assert not list(tmp_path.glob(".*.part"))
    crm("report", "export", str(tmp_path / "report.csv"), code=1)
    result = crm("report", "export", str(tmp_path / "nowhere" / "report.xlsx"), code=1)
    assert result.stderr.startswith("Error: no folder") and len(result.stderr.splitlines()) == 1


def _charts(z: zipfile.ZipFile) -> dict[str, str]:
    """Each chart's XML by its title (the first text of the chart's own title)."""
    found = {}
    for n in z.namelist():
        if re.fullmatch(r"xl/charts/chart\d+\.xml", n):
            xml = z.read(n).decode()
            found[re.search(r"<c:title>.*?<a:t>(.*?)</a:t>", xml, re.S).group(1)] = xml
    return found


def _axis_title(xml: str, axis: str) -> str | None:
    m = re.search(rf"<c:{axis}>(.*?)</c:{axis}>", xml, re.S)
    title = m and re.search(r"<c:title>.*?<a:t>(.*?)</a:t>", m.group(1), re.S)
    return title.group(1) if title else None


def test_the_report_book_reads_right(crm, db, tmp_path, monkeypatch):
    """Issue 14 item 6: no ``###``, charts plot what their titles say, axes are titled."""
    crm("user", "add", "li", "--role", "admin")
    monkeypatch.setenv("CRM_USER", "li")
    customers(crm, "甲", "乙")
    order(db, 1, "2026-05-10", "1234567.89")
    order(db, 2, "2026-05-20", "100")
    order(db, 2, "2026-04-02", "250")
    order(db, 1, "2026-06-03", "80")
    for kind, status in [("complaint", "closed"), ("complaint", "open"), ("repair", "open")]:
        db.execute(
            "INSERT INTO ticket (customer_id, kind, subject, priority, status, opened_at)"
            " VALUES (1, :k, 's', 'normal', :s, '2026-06-01 09:00:00')",
            k=kind,
            s=status,
        )
    for user, channel in [(None, "phone"), (None, "visit"), (None, "phone"), (1, "phone")]:
        db.execute(
            "INSERT INTO interaction (customer_id, user_id, occurred_at, channel, summary)"
            " VALUES (1, :u, '2026-06-10 10:00:00', :c, '问候')",
            u=user,
            c=channel,
        )
    target = tmp_path / "report.xlsx"
    crm("report", "export", str(target), "--as-of", "2026-06-15")
    with zipfile.ZipFile(target) as z:
        charts = _charts(z)
        rfm = z.read("xl/worksheets/sheet1.xml").decode()
    # the activity chart: a column per channel, each user's contacts added up
    activity = re.findall(r"<c:v>([^<]*)</c:v>", charts["Contacts per channel"])
    assert activity.count("Phone") == 1 and activity.count("Visit") == 1
    assert "3" in activity and "1" in activity
    # the money columns (class table: D, customers table: E) fit "1,234,567.89"
    widths = {
        col: float(width)
        for first, last, width in re.findall(r'<col min="(\d+)" max="(\d+)" width="([\d.]+)"', rfm)
        for col in range(int(first), int(last) + 1)
    }
    assert min(widths[4], widths[5]) >= len("1,234,567.89") + 2  # (a margin: no ###)
    # the orders chart plots the order count (column B), June (begun) left out of the line
    orders = charts["Orders per month (whole months)"]
    assert "'Monthly orders'!$B$6:$B$16" in orders and "$C$" not in orders
    assert "<c:v>2026-05</c:v>" in orders and "2026-06" not in orders
    assert _axis_title(orders, "valAx") == "Orders" and _axis_title(orders, "catAx") == "Month"
    # the tickets chart names each column by kind and status
    tickets = charts["Tickets by kind and status"]
    for label in ("Complaint · Closed", "Complaint · Open", "Repair · Open"):
        assert f"<c:v>{label}</c:v>" in tickets
    # every chart but the pie has both axes titled
    for title, xml in charts.items():
        if "<c:pieChart>" in xml:
            continue
        assert _axis_title(xml, "catAx") and _axis_title(xml, "valAx"), title
    # on the last day of a month the month is whole, and plotted
    crm("report", "export", str(target), "--as-of", "2026-06-30")
    with zipfile.ZipFile(target) as z:
        assert "'Monthly orders'!$B$6:$B$17" in _charts(z)["Orders per month"]
    # in Chinese, titles and axes are Chinese too
    crm("--lang", "zh", "report", "export", str(target), "--as-of", "2026-06-15")
    with zipfile.ZipFile(target) as z:
        charts = _charts(z)
    assert _axis_title(charts["每月订单数（整月）"], "valAx") == "订单数"
    assert "<c:v>投诉 · 已关闭</c:v>" in charts["各类型与状态工单数"]
    assert _axis_title(charts["各类型与状态工单数"], "catAx") == "类型 · 状态"


def test_export_as_of_a_past_day_counts_what_was_there_then(crm, db, tmp_path):
    from openpyxl import load_workbook

    customers(crm, "甲")
    opportunity(db, 1, "100", "lead", [], created="2026-01-05 10:00:00")
    opportunity(db, 1, "200", "lead", [], created="2026-03-05 10:00:00")
    target = tmp_path / "r.xlsx"
    crm("report", "export", str(target), "--as-of", "2026-02-01")
    sheet = load_workbook(target, read_only=True)["Funnel"]
    reached = [row for row in sheet.iter_rows(values_only=True) if row and row[0] == "Lead"]
    assert reached[0][1] == 1  # the March opportunity did not exist on 1 February


BAD = [
    (["report", "segment", "--by", "colour"], "unknown segmentation 'colour'"),
    (["report", "segment", "--as-of", "someday"], "invalid date 'someday'"),
    (["report", "segment", "--by", "rfm", "--apply"], "--apply works with --by abc only"),
    (["report", "segment", "--revert", "99"], "no level apply batch 99"),
    (["report", "segment", "-f", "xml"], "unknown format 'xml'"),
    (["report", "funnel", "--owner", "ghost"], "unknown user 'ghost'"),
    (["report", "funnel", "--until", "2026-13-01"], "invalid date"),
    (["report", "forecast", "--months", "many"], "invalid whole number 'many'"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input(crm, db, args, message):
    customers(crm, "甲")
    before = db.dump()
    assert message in crm(*args, code=1).stderr
    assert db.dump() == before


def test_dashboard_on_the_demo_book(crm):
    crm("init", "--demo")
    out = crm("report", "dashboard").stdout
    for heading in (
        "crm dashboard",
        "Follow-ups due today",
        "Pipeline",
        "Orders this month against last month",
        "Gold customers drifting",
        "Overdue receivables",
        "Overdue tickets",
    ):
        assert heading in out
    assert (
        "苏州恒泰精密机械有限公司" in out
    )  # drifting gold, overdue instalment and follow-up in the demo
    zh = crm("--lang", "zh", "report", "dashboard").stdout
    assert "今日待跟进" in zh and "销售管道" in zh and "商务谈判" in zh and "逾期应收款" in zh


def test_dashboard_on_an_empty_book(crm):
    out = crm("report", "dashboard").stdout
    assert "Nothing due today." in out and "Pipeline" in out
