"""Does ``crm customer dedupe`` still compare names on a big book, and how fast?

Builds a book of N customers straight into SQLite (``crm init``, then sqlite3
executemany): Chinese company names as they come (city with or without 市, a two- or
three-character trade name, a trade, a company form; some English names), each with its
own phone and e-mail. Then plants P near-duplicate pairs: a second record of an existing
customer, with another phone and e-mail (so only the name can find it) and its name
changed the way people change names: a typo, a dropped 市 or 有限公司, full-width letters,
two characters swapped, a space put in, a character left out or added.

Runs ``crm customer dedupe -f json`` as a process and prints its wall time, CPU time and
peak memory, and the recall of the planted pairs: found / planted pairs whose names
score at least the threshold (a typo in a short name may score under it, and then the
command is right to leave it out; how many did is printed too). The floor beside it is
the least any name dedupe does: read every live customer's id and name from SQLite
(sqlite3, in this process), and the same while folding each name (``name_key``).

Aims (issue 13 item 9): at 1,000,000 customers, recall >= 95%, under 60 s, under 1.5 GB.

    python bench/dedupe.py [--customers 1000000] [--pairs 1000] [--threshold 90]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PROVINCES = ["浙江省", "江苏省", "广东省", "福建省", "山东省", "四川省", "湖北省", "河南省"]
CITIES = [
    "北京",
    "上海",
    "天津",
    "重庆",
    "广州",
    "深圳",
    "杭州",
    "南京",
    "苏州",
    "无锡",
    "宁波",
    "温州",
    "绍兴",
    "嘉兴",
    "金华",
    "台州",
    "厦门",
    "福州",
    "泉州",
    "漳州",
    "青岛",
    "济南",
    "烟台",
    "潍坊",
    "成都",
    "绵阳",
    "武汉",
    "宜昌",
    "长沙",
    "株洲",
    "郑州",
    "洛阳",
    "西安",
    "咸阳",
    "合肥",
    "芜湖",
    "南昌",
    "九江",
    "昆明",
    "大理",
    "贵阳",
    "南宁",
    "柳州",
    "桂林",
    "海口",
    "三亚",
    "沈阳",
    "大连",
    "长春",
    "吉林",
    "哈尔滨",
    "大庆",
    "石家庄",
    "唐山",
    "保定",
    "太原",
    "大同",
    "呼和浩特",
    "包头",
    "兰州",
    "银川",
    "西宁",
    "乌鲁木齐",
    "拉萨",
    "东莞",
    "佛山",
    "中山",
    "珠海",
    "惠州",
    "汕头",
    "江门",
    "湛江",
    "常州",
    "南通",
    "扬州",
    "徐州",
    "盐城",
    "镇江",
    "泰州",
    "连云港",
    "淮安",
    "湖州",
    "丽水",
    "衢州",
    "舟山",
    "莆田",
    "龙岩",
    "三明",
    "宁德",
    "南平",
    "威海",
    "日照",
    "临沂",
]
#: characters trade names (字号) are made of
TRADE = (
    "海晟明远华晨云帆港联精工恒通瑞丰东方新源博达鑫泰宏图万佳盛世永安兴业金鼎天成"
    "嘉禾汇通中联信达宝利长城德润富华国瑞和信鸿运华夏佳和锦程凯旋龙腾美达诺亚鹏程"
    "启航荣盛顺发腾飞同创伟业祥和星辰旭日亚泰一帆益民正大卓越智联中科英特康宁乐天"
    "蓝天绿源红星银河金桥宇通远航振华志成众力卓信尚品优联创新融汇普惠安泰百川千禧"
    "巨能聚源凯达蓝海北斗南方西部东瑞晨光朝阳明珠晶华鼎盛合力协和泓德广源润泽"
)
TRADES = [
    "科技",
    "贸易",
    "电子",
    "机械",
    "物流",
    "建材",
    "食品",
    "服装",
    "信息技术",
    "网络科技",
    "医疗器械",
    "环保科技",
    "新能源",
    "汽车配件",
    "文化传媒",
    "建筑工程",
    "餐饮管理",
    "商贸",
    "实业",
    "投资",
    "咨询",
    "印刷",
    "化工",
    "纺织",
    "家具",
    "包装",
    "塑料制品",
    "五金",
    "电气",
    "自动化设备",
    "生物科技",
    "农业发展",
    "房地产开发",
    "酒店管理",
    "教育科技",
    "广告",
    "供应链管理",
    "国际贸易",
    "软件",
    "光电",
    "精密模具",
    "电子商务",
    "工贸",
    "进出口",
    "装饰工程",
    "水产",
    "茶业",
]
FORMS = (
    ["有限公司"] * 12 + ["股份有限公司"] * 2 + ["有限责任公司", "集团有限公司", "商行", "经营部"]
)
EN_WORDS = [
    "Acme",
    "Apex",
    "Bright",
    "Cedar",
    "Delta",
    "Eagle",
    "Falcon",
    "Global",
    "Harbor",
    "Summit",
    "Lotus",
    "Orient",
    "Pacific",
    "Pioneer",
    "Prime",
    "Quantum",
    "Royal",
    "Silver",
    "Star",
    "Sun",
    "Titan",
    "Union",
    "Unity",
    "Vista",
    "Wave",
    "Zenith",
    "Jade",
    "Golden",
    "Dragon",
    "Phoenix",
    "Ocean",
    "River",
    "Mountain",
    "Crystal",
    "Evergreen",
    "Horizon",
    "Nova",
    "Polar",
]
EN_TRADES = ["Trading", "Technology", "Electronics", "Logistics", "Industrial", "Textile"]
EN_FORMS = ["Co., Ltd.", "Co., Ltd", "Limited", "Inc.", "Corp."]


def company_name(rnd: random.Random) -> str:
    if rnd.random() < 0.03:
        words = " ".join(rnd.sample(EN_WORDS, 3))
        return f"{words} {rnd.choice(EN_TRADES)} {rnd.choice(EN_FORMS)}"
    place = ""
    roll = rnd.random()
    if roll < 0.55:
        place = rnd.choice(CITIES) + "市"
    elif roll < 0.75:
        place = rnd.choice(CITIES)
    elif roll < 0.85:
        place = rnd.choice(PROVINCES) + rnd.choice(CITIES) + "市"
    trade_name = "".join(rnd.choice(TRADE) for _ in range(rnd.choice((2, 2, 2, 3, 3, 4))))
    return f"{place}{trade_name}{rnd.choice(TRADES)}{rnd.choice(FORMS)}"


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def near_duplicate(name: str, rnd: random.Random) -> tuple[str, str]:
    """A realistic second spelling of ``name`` and what was done to it."""
    ascii_name = name.isascii()
    kinds = ["typo", "swap", "space", "drop char", "add char"]
    kinds += ["full-width"] * (3 if ascii_name else 0)
    if "市" in name:
        kinds.append("drop 市")
    if name.endswith("有限公司"):
        kinds.append("drop 有限公司")
    kind = rnd.choice(kinds)
    core_end = len(name)
    for form in (*FORMS, *EN_FORMS):
        if name.endswith(form):
            core_end = len(name) - len(form)
            break
    where = rnd.randrange(1, max(2, core_end - 1))
    if kind == "typo":
        pool = "abcdefghijklmnoprstuvwy" if ascii_name else TRADE
        new = name[:where] + rnd.choice(pool.replace(name[where], "")) + name[where + 1 :]
    elif kind == "swap":
        new = name[: where - 1] + name[where] + name[where - 1] + name[where + 1 :]
    elif kind == "space":
        new = name[:where] + " " + name[where:]
    elif kind == "drop char":
        new = name[:where] + name[where + 1 :]
    elif kind == "add char":
        pool = "abcdefghijklmnoprstuvwy" if ascii_name else TRADE
        new = name[:where] + rnd.choice(pool) + name[where:]
    elif kind == "full-width":
        new = _full_width(name)
    elif kind == "drop 市":
        new = name.replace("市", "", 1)
    else:
        new = name[: -len("有限公司")]
    return new, kind


def build(path: Path, customers: int, planted: int, seed: int) -> list[tuple[str, str, str]]:
    """A crm database of ``customers`` rows, ``planted`` of them second records of others;
    returns the planted pairs (original code, duplicate code, what was changed)."""
    env = {**os.environ, "CRM_DB": str(path), "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-m", "crmcli", "init"], env=env, check=True, capture_output=True
    )
    rnd = random.Random(seed)
    originals = customers - planted
    names = [company_name(rnd) for _ in range(originals)]
    pairs = []
    for n, i in enumerate(rnd.sample(range(originals), planted), originals):
        name, kind = near_duplicate(names[i], rnd)
        names.append(name)
        pairs.append((i, n, kind))
    order = list(range(customers))  # the duplicates come in anywhere, as they do
    rnd.shuffle(order)
    code = {i: f"C{k:07d}" for k, i in enumerate(order, 1)}
    now = "2026-11-26 09:00:00"

    def rows() -> Any:
        for i in order:
            phone = f"1{3 + i % 6}{i:09d}"
            email = f"info{i}@c{i % 9973}.example.cn"
            yield (code[i], names[i], "company", "regular", "lead", phone, phone, email, email)

    conn = sqlite3.connect(path)
    conn.executemany(
        "INSERT INTO customer (code, name, kind, level, status, phone, phone_key, email,"
        f" email_key, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,'{now}','{now}')",
        rows(),
    )
    conn.execute("INSERT INTO code_counter (prefix, last) VALUES ('C', ?)", (customers,))
    conn.commit()
    conn.close()
    return [(code[a], code[b], kind) for a, b, kind in pairs]


def _children() -> tuple[float, int]:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def run_dedupe(db: Path, threshold: str) -> tuple[float, float, float, list[dict[str, Any]]]:
    """(wall s, CPU s, peak MB, pairs) of ``crm customer dedupe -f json``, from a fresh
    parent so that ru_maxrss is the command's own."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "wall = time.perf_counter() - start\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "sys.stderr.buffer.write(done.stderr)\n"
        "sys.stdout.buffer.write(done.stdout)\n"
        "sys.stderr.write(f'\\n@@ {wall} {u.ru_utime + u.ru_stime} {u.ru_maxrss} {done.returncode}')\n"
    )
    argv = [sys.executable, "-m", "crmcli", "customer", "dedupe", "--threshold", threshold]
    env = {**os.environ, "CRM_DB": str(db), "CRM_LANG": "en", "PYTHONPATH": str(ROOT)}
    # first a command that reads the book: the file cache is warm, the schema up to date
    subprocess.run([*argv[:4], "list", "--limit", "1"], env=env, capture_output=True, check=True)
    result = subprocess.run(
        [sys.executable, "-c", probe, *argv, "-f", "json"], env=env, capture_output=True
    )
    tail = result.stderr.decode().rsplit("@@ ", 1)[1].split()
    wall, cpu, rss, code = float(tail[0]), float(tail[1]), int(tail[2]), int(tail[3])
    if code != 0:
        raise SystemExit(f"crm customer dedupe failed ({code}): {result.stderr[-2000:]!r}")
    return wall, cpu, rss / 1024, json.loads(result.stdout)


def floor(db: Path, fold: bool) -> tuple[float, float]:
    """(wall s, CPU s) of reading every live customer's id and name (and folding it)."""
    from crmcli.services.archive.dedupe import name_key

    cpu = time.process_time()
    start = time.perf_counter()
    conn = sqlite3.connect(db)
    cursor = conn.execute("SELECT id, name FROM customer WHERE deleted_at IS NULL ORDER BY code")
    keys = [name_key(name) if fold else name for _, name in cursor]
    conn.close()
    assert keys
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--pairs", type=int, default=1_000, help="near-duplicate pairs planted")
    parser.add_argument("--threshold", default="90", help="crm customer dedupe --threshold")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--db", type=Path, help="keep the book in this file (built if absent)")
    args = parser.parse_args()
    from rapidfuzz.distance import Indel

    from crmcli.services.archive.dedupe import name_key

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "book.db"
        plan = db.with_suffix(".planted.json")
        if not db.exists():
            started = time.perf_counter()
            planted = build(db, args.customers, args.pairs, args.seed)
            plan.write_text(json.dumps(planted))
            print(
                f"built {args.customers:,} customers ({args.pairs:,} planted near-duplicate "
                f"pairs) in {time.perf_counter() - started:.1f} s"
            )
        planted = [tuple(p) for p in json.loads(plan.read_text())]
        conn = sqlite3.connect(db)
        name_of = dict(
            conn.execute(
                "SELECT code, name FROM customer WHERE code IN (SELECT value FROM json_each(?))",
                (json.dumps([c for a, b, _ in planted for c in (a, b)]),),
            )
        )
        conn.close()
        level = float(args.threshold)
        scored = {
            (a, b): Indel.normalized_similarity(name_key(name_of[a]), name_key(name_of[b])) * 100
            for a, b, _ in planted
        }
        findable = {pair for pair, score in scored.items() if score >= level}
        wall, cpu, mb, found = run_dedupe(db, args.threshold)
        named = {tuple(sorted((p["a"], p["b"]))) for p in found if "name" in p["reasons"]}
        hits = {pair for pair in findable if tuple(sorted(pair)) in named}
        floors = {"read names": floor(db, False), "read and fold names": floor(db, True)}

    recall = len(hits) / len(findable) if findable else 1.0
    print(f"\ncrm customer dedupe --threshold {args.threshold}, {args.customers:,} customers\n")
    print(f"  {'':<34} {'wall':>7} {'CPU':>7}")
    print(f"  {'crm customer dedupe':<34} {wall:7.2f} {cpu:7.2f}   aim wall < 60 s")
    for name, (w, c) in floors.items():
        print(f"  {'floor: ' + name:<34} {w:7.2f} {c:7.2f}")
    print("\nratios of CPU time (steadier on a busy machine), wall in brackets\n")
    for name, (w, c) in floors.items():
        print(f"  crm customer dedupe / {name:<22} {cpu / c:6.2f} ({wall / w:5.2f})")
    print(f"\npeak memory {mb:,.0f} MB   aim < 1,536 MB")
    print(f"pairs listed {len(found):,}, by name {len(named):,}")
    print(
        f"planted {len(planted):,}; scoring >= {args.threshold}: {len(findable):,}; "
        f"found {len(hits):,}: recall {recall:.1%}   aim >= 95%"
    )
    missed: dict[str, int] = {}
    for a, b, kind in planted:
        if (a, b) in findable and (a, b) not in hits:
            missed[kind] = missed.get(kind, 0) + 1
    under: dict[str, int] = {}
    for a, b, kind in planted:
        if (a, b) not in findable:
            under[kind] = under.get(kind, 0) + 1
    if under:
        print(f"under the threshold (not wanted): {under}")
    if missed:
        print(f"missed: {missed}")
        for a, b, kind in planted:
            if (a, b) in findable and (a, b) not in hits:
                print(f"  {kind}: {name_of[a]} / {name_of[b]} ({scored[(a, b)]:.0f})")
                break


if __name__ == "__main__":
    main()
