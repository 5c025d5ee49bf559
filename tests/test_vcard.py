"""vCards (issue 13, item 6): ``crm customer import FILE.vcf`` reads the address books of
phones, Apple, Google and khard (vCard 2.1, 3.0, 4.0): a card with ORG is a company customer
with the person as its contact, a card without ORG a person customer; and
``crm contact export`` writes every contact the user may see as vCard 4.0 (or CSV, XLSX,
JSON), which vobject reads back and ``crm customer import`` turns into the same book."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from crmcli.db import resolve_url
from tests.conftest import ROOT

# An iPhone's export (vCard 3.0): two people of one company (a Chinese card with ORG and
# departments, a folded NOTE; a pinyin card whose NOTE is quoted-printable) and a person.
IPHONE = (
    "BEGIN:VCARD\r\n"  # line 1
    "VERSION:3.0\r\n"
    "PRODID:-//Apple Inc.//iPhone OS 17.4//EN\r\n"
    "N:王;芳;;;\r\n"
    "FN:王芳\r\n"
    "ORG:深圳市华晨电子有限公司;销售部;\r\n"
    "TITLE:销售经理\r\n"
    "item1.TEL;type=CELL;type=VOICE;type=pref:+86 138 0013 8000\r\n"
    "TEL;type=WORK;type=VOICE:0755-8888 1234\r\n"
    "TEL;type=HOME;type=VOICE:0755-2666 0000\r\n"
    "EMAIL;type=INTERNET;type=WORK;type=pref:wangfang@huachen.example.cn\r\n"
    "item2.ADR;type=WORK;type=pref:;;南山区科技园科苑路8号;深圳市;广东省;518057;中国\r\n"
    "item2.X-ABADR:cn\r\n"
    "BDAY:1985-03-15\r\n"
    "NOTE:负责华南区渠道，喜欢喝茶\\, 不抽烟。下次拜访带上新产品目录和报价单，确认框架协议的续签时\r\n"
    " 间。\r\n"
    "URL;type=pref:https://huachen.example.cn\r\n"
    "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsL\r\n"
    " DBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgN\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\n"  # line 21
    "VERSION:3.0\r\n"
    "N:Li;Qiang;;;\r\n"
    "FN:Li Qiang\r\n"
    "ORG:深圳市华晨电子有限公司;技术部\r\n"
    "TITLE:CTO\r\n"
    "TEL;TYPE=CELL:139 0013 9000\r\n"
    "EMAIL;TYPE=INTERNET:liqiang@huachen.example.cn\r\n"
    "ADR;TYPE=WORK:;;Keyuan Road 9;Shenzhen;;;China\r\n"
    "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:=E6=8A=80=E6=9C=AF=E5=86=B3=E7=AD=96=E4=BA=BA=EF=BC=8C=\r\n"
    "=E5=96=9C=E6=AC=A2=E8=B7=91=E6=AD=A5\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\n"  # line 33
    "VERSION:3.0\r\n"
    "N:陈;静;;;\r\n"
    "FN:陈静\r\n"
    "TEL;TYPE=CELL:186 0000 1111\r\n"
    "EMAIL;TYPE=INTERNET,HOME:chenjing@example.com\r\n"
    "ADR;TYPE=HOME:;;西湖区文三路90号;杭州市;浙江省;310012;中国\r\n"
    "BDAY:1990-07-01\r\n"
    "NOTE:老客户介绍，关注团购价\r\n"
    "END:VCARD\r\n"
)

# khard's or Google's vCard 4.0: a Chinese person at a company (tel: URIs, a basic-format
# BDAY) and a person without ORG whose birthday has no year.
KHARD = """BEGIN:VCARD
VERSION:4.0
KIND:individual
FN:张伟
N:张;伟;;;
ORG:杭州禾丰环境科技有限公司
TITLE:采购总监
TEL;VALUE=uri;TYPE="cell,voice":tel:+86-137-0000-2222
TEL;VALUE=uri;TYPE="work,voice":tel:+86-571-8888-0001;ext=12
EMAIL;TYPE=work:zhangwei@hefeng.example.cn
BDAY:19780920
NOTE:决策者\\, 预算在Q3
UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1
END:VCARD

BEGIN:VCARD
VERSION:4.0
FN:Emily Watson
N:Watson;Emily;;;
TEL;TYPE=cell:+1 415 555 0100
EMAIL:emily@example.org
ADR;TYPE=home:;;1 Market St;San Francisco;CA;94105;USA
BDAY:--0412
END:VCARD
"""

# An Android phone's export: vCard 2.1, names in quoted-printable UTF-8, bare TEL types.
ANDROID = (
    "BEGIN:VCARD\r\n"
    "VERSION:2.1\r\n"
    "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E8=B5=B5;=E7=A3=8A;;;\r\n"
    "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E8=B5=B5=E7=A3=8A\r\n"
    "ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E5=AE=81=E6=B3=A2=E4=B8=9C=E6=96=B9=E6=A8=A1=E5=85=B7\r\n"
    "TEL;CELL;PREF:13512345678\r\n"
    "TEL;WORK:0574-8765 4321\r\n"
    "NOTE:Met at the fair, wants samples\r\n"
    "END:VCARD\r\n"
)


def write(tmp_path: Path, name: str, content: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(content.encode(encoding))
    return str(path)


def imported(crm, path: str, *args: str, code: int = 0) -> dict:
    return json.loads(crm("customer", "import", path, "-f", "json", *args, code=code).stdout)


def customers(db) -> dict[str, dict]:
    rows = db.rows("SELECT * FROM customer WHERE deleted_at IS NULL ORDER BY id")
    for r in rows:
        r["extra"] = json.loads(r["extra"]) if r["extra"] else {}
    return {r["name"]: r for r in rows}


CONTACT_FIELDS = "name, title, mobile, phone, email, wechat, birthday, notes"


def contacts(db) -> dict[str, dict]:
    rows = db.rows(
        f"SELECT c.name AS customer, k.{CONTACT_FIELDS.replace(', ', ', k.')} "
        "FROM contact k JOIN customer c ON c.id = k.customer_id "
        "WHERE k.deleted_at IS NULL ORDER BY k.id"
    )
    return {r["name"]: r for r in rows}


HUACHEN = "深圳市华晨电子有限公司"
HEFENG = "杭州禾丰环境科技有限公司"


def test_a_phones_3_0_export_and_a_4_0_file_become_companies_with_contacts_and_people(
    crm, db, tmp_path
):
    result = imported(crm, write(tmp_path, "iPhone.vcf", IPHONE))
    assert (result["read"], result["created"], result["rejected"]) == (3, 2, 0)
    assert result["format"] == "vcf" and result["encoding"] == "utf-8"
    assert result["contacts"] == {"created": 3, "updated": 0}
    assert result["duplicates"] == [{"row": 21, "same_as_row": 1}]  # the company's second card
    result = imported(crm, write(tmp_path, "khard.vcf", KHARD))
    assert (result["read"], result["created"]) == (2, 2)

    found = customers(db)
    assert list(found) == [HUACHEN, "陈静", HEFENG, "Emily Watson"]
    huachen = found[HUACHEN]
    assert huachen["kind"] == "company" and huachen["phone"] is None
    # the first card's work address (the second card's does not replace it)
    assert huachen["address"] == "广东省深圳市南山区科技园科苑路8号"
    assert huachen["city"] == "深圳市" and huachen["website"] == "https://huachen.example.cn"
    assert huachen["extra"]["phone (home)"] == "0755-2666 0000"  # nothing silently dropped
    chen = found["陈静"]
    assert chen["kind"] == "person" and chen["phone"] == "186 0000 1111"
    assert chen["email"] == "chenjing@example.com" and chen["notes"] == "老客户介绍，关注团购价"
    assert chen["address"] == "浙江省杭州市西湖区文三路90号" and chen["city"] == "杭州市"
    assert found[HEFENG]["kind"] == "company"
    emily = found["Emily Watson"]
    assert emily["kind"] == "person" and emily["phone"] == "+1 415 555 0100"
    assert emily["address"] == "1 Market St, San Francisco, CA, 94105, USA"
    assert emily["extra"] == {"birthday": "--04-12"}  # a day without a year

    people = contacts(db)
    assert list(people) == ["王芳", "Li Qiang", "陈静", "张伟", "Emily Watson"]
    wang = people["王芳"]
    assert wang["customer"] == HUACHEN and wang["title"] == "销售部 销售经理"  # ORG;销售部
    assert wang["mobile"] == "+86 138 0013 8000" and wang["phone"] == "0755-8888 1234"
    assert wang["email"] == "wangfang@huachen.example.cn" and wang["birthday"] == "1985-03-15"
    assert wang["notes"] == (  # a folded line, an escaped comma
        "负责华南区渠道，喜欢喝茶, 不抽烟。下次拜访带上新产品目录和报价单，确认框架协议的续签时间。"
    )
    li = people["Li Qiang"]
    assert li["customer"] == HUACHEN and li["title"] == "技术部 CTO" and li["phone"] is None
    assert li["notes"] == "技术决策人，喜欢跑步"  # quoted-printable, soft line break
    assert li["mobile"] == "139 0013 9000" and li["email"] == "liqiang@huachen.example.cn"
    assert people["陈静"]["customer"] == "陈静" and people["陈静"]["birthday"] == "1990-07-01"
    assert people["陈静"]["mobile"] == "186 0000 1111"
    zhang = people["张伟"]
    assert zhang["customer"] == HEFENG and zhang["title"] == "采购总监"
    assert zhang["mobile"] == "+86-137-0000-2222"
    assert zhang["phone"] == "+86-571-8888-0001 ext 12"
    assert zhang["birthday"] == "1978-09-20" and zhang["notes"] == "决策者, 预算在Q3"
    assert people["Emily Watson"]["birthday"] is None
    # searchable by the contacts' names and the person's phone, as any import
    assert [c["name"] for c in crm.json("customer", "list", "--search", "王芳")] == [HUACHEN]
    assert [c["name"] for c in crm.json("customer", "list", "--search", "18600001111")] == ["陈静"]


def test_an_android_2_1_export_with_quoted_printable_names(crm, db, tmp_path):
    result = imported(crm, write(tmp_path, "00001.vcf", ANDROID))
    assert result["created"] == 1
    zhao = contacts(db)["赵磊"]
    assert zhao["customer"] == "宁波东方模具" and zhao["mobile"] == "13512345678"
    assert zhao["phone"] == "0574-8765 4321"
    assert zhao["notes"] == "Met at the fair, wants samples"  # 2.1: a comma is a comma


def test_a_card_without_fn_is_named_by_n_family_name_first_for_chinese(crm, db, tmp_path):
    cards = (
        "BEGIN:VCARD\nVERSION:3.0\nN:欧阳;娜娜;;;\nFN:\nTEL:0571-1234 5678\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nN:Smith;John;Q;;\nEMAIL:john@example.com\nEND:VCARD\n"
    )
    imported(crm, write(tmp_path, "n.vcf", cards))
    found = customers(db)
    assert list(found) == ["欧阳娜娜", "John Q Smith"]
    assert found["欧阳娜娜"]["phone"] == "0571-1234 5678"
    assert found["John Q Smith"]["email"] == "john@example.com"


GOOGLE = """BEGIN:VCARD
VERSION:3.0
FN:孙浩
N:孙;浩;;;
NICKNAME:浩子
EMAIL;TYPE=INTERNET;TYPE=HOME:sunhao@example.com
EMAIL;TYPE=INTERNET;TYPE=WORK:hao.sun@work.example.com
TEL;TYPE=CELL:13800000001
TEL;TYPE=HOME:0571-0000 0001
TEL;TYPE=PAGER:95555
TEL;TYPE=WORK,FAX:0571-0000 0002
ADR;TYPE=HOME:;;文一路1号;杭州市;;;
ADR;TYPE=WORK:;;文二路2号;杭州市;;;
URL:https://sunhao.example.com
URL:https://blog.example.com
CATEGORIES:myContacts,VIP
X-QQ:10001
IMPP;X-SERVICE-TYPE=WeChat:x-apple:sunhao_wx
item1.X-ABLabel:_$!<Other>!$_
END:VCARD
"""


def test_what_a_card_holds_beyond_our_fields_is_kept_as_custom_fields(crm, db, tmp_path):
    result = imported(crm, write(tmp_path, "google.vcf", GOOGLE))
    sun = customers(db)["孙浩"]
    assert sun["kind"] == "person" and sun["phone"] == "13800000001"
    assert sun["email"] == "sunhao@example.com" and sun["fax"] == "0571-0000 0002"
    assert sun["address"] == "杭州市文一路1号" and sun["website"] == "https://sunhao.example.com"
    assert sun["extra"] == {
        "phone (pager)": "95555",
        "email 2": "hao.sun@work.example.com",
        "website 2": "https://blog.example.com",
        "address 2": "杭州市文二路2号",
        "nickname": "浩子",
        "categories": "VIP",  # (Google's own group myContacts left out)
        "QQ": "10001",
    }
    assert result["custom_fields"] == list(sun["extra"])
    contact = contacts(db)["孙浩"]
    assert contact["mobile"] == "13800000001" and contact["phone"] == "0571-0000 0001"
    assert contact["email"] == "sunhao@example.com" and contact["wechat"] == "sunhao_wx"


def test_importing_the_same_cards_again_changes_nothing(crm, db, tmp_path):
    path = write(tmp_path, "iPhone.vcf", IPHONE)
    imported(crm, path)
    imported(crm, write(tmp_path, "khard.vcf", KHARD))
    before = db.dump()
    again = imported(crm, path)
    assert (again["created"], again["updated"], again["skipped"]) == (0, 0, 2)  # customers
    assert again["contacts"] == {"created": 0, "updated": 0} and again["batch"] is None
    assert db.dump() == before


def test_a_card_fills_a_companys_address_only_when_it_has_none_and_adds_its_person(
    crm, db, tmp_path
):
    crm("customer", "add", HUACHEN, "--address", "深圳市福田区深南大道1号", "--city", "深圳")
    crm("contact", "add", HUACHEN, "王芳", "--title", "业务员")
    result = imported(crm, write(tmp_path, "iPhone.vcf", IPHONE))
    assert (result["created"], result["updated"]) == (1, 1)  # 陈静; the company
    assert result["contacts"] == {"created": 2, "updated": 1}  # Li Qiang, 陈静; 王芳
    huachen = customers(db)[HUACHEN]
    assert huachen["address"] == "深圳市福田区深南大道1号" and huachen["city"] == "深圳"
    assert huachen["website"] == "https://huachen.example.cn"  # it had none
    assert contacts(db)["王芳"]["title"] == "销售部 销售经理"
    assert len(customers(db)) == 2


def test_dry_run_counts_and_changes_nothing(crm, db, tmp_path):
    crm("customer", "add", "甲")
    before = db.dump()
    result = imported(crm, write(tmp_path, "iPhone.vcf", IPHONE), "--dry-run")
    assert (result["read"], result["created"], result["dry_run"]) == (3, 2, True)
    assert result["contacts"]["created"] == 3
    assert db.dump() == before


def test_a_bad_value_is_rejected_at_its_cards_first_line_and_rejects_are_csv(crm, db, tmp_path):
    bad = IPHONE.replace("liqiang@huachen.example.cn", "liqiang-at-huachen")
    path = write(tmp_path, "iPhone.vcf", bad)
    crm("customer", "add", "甲")
    before = db.dump()
    result = imported(crm, path, code=1)
    assert result["created"] == 0 and result["rejected"] == 1
    [error] = result["errors"]
    assert error["row"] == 21 and error["column"] == "contact.email"
    assert error["value"] == "liqiang-at-huachen"
    assert db.dump() == before
    rejects = tmp_path / "rejects.csv"
    result = imported(crm, path, "--skip-invalid", "--rejects", str(rejects), code=1)
    assert result["created"] == 2 and "Li Qiang" not in contacts(db)
    rows = list(csv.DictReader(io.StringIO(rejects.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 1 and rows[0]["contact.name"] == "Li Qiang"
    assert rows[0]["name"] == HUACHEN and "e-mail" in rows[0]["error"].lower()
    # fixed, the rejects file imports as any CSV: the person joins the company
    fixed = rejects.read_text(encoding="utf-8-sig").replace("liqiang-at-huachen", "lq@hc.cn")
    result = imported(crm, write(tmp_path, "fixed.csv", fixed), "--match", "name")
    assert (result["created"], result["updated"]) == (0, 1)
    assert contacts(db)["Li Qiang"]["customer"] == HUACHEN


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("客户名称,电话\n华晨,0755-1\n", "is not a vCard file: it should begin with BEGIN:VCARD"),
        (
            "BEGIN:VCARD\nVERSION:3.0\nFN:王芳\nthis line is no property\nEND:VCARD\n",
            "line 4: a card that cannot be read",
        ),
        ("BEGIN:VCARD\nVERSION:3.0\nFN:王芳\n", "line 1: the card has no END:VCARD"),
        (
            "BEGIN:VCARD\nVERSION:3.0\nFN:A\nEND:VCARD\nstray text\n",
            "line 5: text outside any card",
        ),
    ],
)
def test_what_is_not_a_readable_vcard_is_one_clear_error(crm, db, tmp_path, content, message):
    path = write(tmp_path, "broken.vcf", content)
    crm("customer", "add", "甲")
    before = db.dump()
    result = crm("customer", "import", path, code=1)
    assert message in result.stderr and "broken.vcf" in result.stderr
    assert db.dump() == before


def test_a_broken_card_in_chinese(crm, db, tmp_path):
    path = write(tmp_path, "坏.vcf", "BEGIN:VCARD\nVERSION:3.0\nFN:王芳\nEND:VCARD\nEND:VCARD\n")
    result = crm("--lang", "zh", "customer", "import", path, code=1)
    assert "错误: " in result.stderr and "第 5 行" in result.stderr and "名片" in result.stderr


def test_a_vcard_without_its_extension_and_on_standard_input(crm, db, tmp_path):
    path = write(tmp_path, "contacts", KHARD)  # sniffed from BEGIN:VCARD
    assert imported(crm, path, "--dry-run")["format"] == "vcf"
    result = json.loads(crm("customer", "import", "-", "-f", "json", input=ANDROID).stdout)
    assert result["format"] == "vcf" and result["created"] == 1
    result = crm("customer", "import", path, "--sheet", "x", code=1)
    assert "--sheet is for spreadsheets" in result.stderr


def test_an_import_of_cards_is_undone(crm, db, tmp_path):
    batch = imported(crm, write(tmp_path, "iPhone.vcf", IPHONE))["batch"]
    assert len(customers(db)) == 2 and len(contacts(db)) == 3
    crm("customer", "import", "--undo", str(batch))
    assert customers(db) == {} and contacts(db) == {}


# -- crm contact export ------------------------------------------------------------------------


def read_cards(path: Path) -> list:
    import vobject

    return list(vobject.readComponents(path.read_text(encoding="utf-8")))


def test_contacts_export_as_vcard_4_that_vobject_reads_back(crm, db, tmp_path):
    imported(crm, write(tmp_path, "iPhone.vcf", IPHONE))
    imported(crm, write(tmp_path, "khard.vcf", KHARD))
    out = tmp_path / "contacts.vcf"
    result = crm("contact", "export", str(out))
    assert "Exported 5 contacts to" in result.stdout
    raw = out.read_bytes()
    assert raw.startswith(b"BEGIN:VCARD\r\nVERSION:4.0\r\n") and b"\n" not in raw.replace(
        b"\r\n", b""
    )
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded at 75 octets
    cards = {c.fn.value: c for c in read_cards(out)}
    assert list(cards) == ["王芳", "Li Qiang", "陈静", "张伟", "Emily Watson"]
    for card in cards.values():
        assert card.version.value == "4.0"
        assert card.uid.value.startswith("crm-contact-") and card.uid.value.endswith("@crmcli")
    assert len({c.uid.value for c in cards.values()}) == 5

    wang = cards["王芳"]
    assert (wang.n.value.family, wang.n.value.given) == ("王", "芳")
    assert wang.org.value == [HUACHEN] and wang.title.value == "销售部 销售经理"
    tels = {tuple(t.params["TYPE"]): t.value for t in wang.tel_list}
    assert tels == {("cell",): "+86 138 0013 8000", ("work",): "0755-8888 1234"}
    assert wang.email.value == "wangfang@huachen.example.cn" and wang.bday.value == "19850315"
    assert wang.note.value.startswith("负责华南区渠道，喜欢喝茶, 不抽烟。")
    assert wang.adr.value.street == "广东省深圳市南山区科技园科苑路8号"
    assert wang.adr.value.city == "深圳市"
    li = cards["Li Qiang"]
    assert (li.n.value.family, li.n.value.given) == ("Qiang", "Li")
    assert li.org.value == [HUACHEN] and li.note.value == "技术决策人，喜欢跑步"
    assert [t.params["TYPE"] for t in li.tel_list] == [["cell"]] and "bday" not in li.contents
    chen = cards["陈静"]  # the person is the customer: no ORG
    assert "org" not in chen.contents and chen.note.value == "老客户介绍，关注团购价"
    assert chen.email.value == "chenjing@example.com" and chen.bday.value == "19900701"
    zhang = cards["张伟"]
    assert zhang.org.value == [HEFENG] and zhang.note.value == "决策者, 预算在Q3"
    assert {t.value for t in zhang.tel_list} == {"+86-137-0000-2222", "+86-571-8888-0001 ext 12"}

    # the same UIDs in every export (a phone updates the card it has)
    again = tmp_path / "again.vcf"
    crm("contact", "export", str(again))
    assert [c.uid.value for c in read_cards(again)] == [c.uid.value for c in cards.values()]
    # one customer's contacts; the format named, not the extension
    one = tmp_path / "huachen.txt"
    crm("contact", "export", str(one), HUACHEN, "--format", "vcf")
    assert [c.fn.value for c in read_cards(one)] == ["王芳", "Li Qiang"]


@pytest.fixture
def fresh_book(request, backend, tmp_path):
    """Another, empty book on the same kind of database."""
    if backend == "postgresql":
        server = request.getfixturevalue("pg_server")
        url = server.new_database()
        request.addfinalizer(lambda: server.drop_database(url.rsplit("/", 1)[1]))
        return url
    return str(tmp_path / "fresh.db")


class Other:
    """The fresh book, read as ``db`` reads the test's own."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(resolve_url(url))

    def rows(self, sql: str) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(text(sql))]


def the_book(db) -> tuple[list, list]:
    fields = "name, kind, phone, email, address, city, notes"
    people = db.rows(f"SELECT {fields} FROM customer WHERE deleted_at IS NULL")
    return sorted(tuple(map(str, r.values())) for r in people), sorted(
        tuple(map(str, r.values())) for r in contacts(db).values()
    )


def test_the_export_imported_into_a_fresh_book_gives_the_same_customers_and_contacts(
    crm, db, tmp_path, fresh_book
):
    imported(crm, write(tmp_path, "iPhone.vcf", IPHONE))
    imported(crm, write(tmp_path, "khard.vcf", KHARD))
    # what only crm keeps of a contact comes back too (WeChat as IMPP, the rest X-CRM-)
    crm("contact", "edit", "王芳", "--role", "decision_maker", "--relation-level", "4",
        "--wechat", "wangfang_sz", "--hobbies", "茶, 羽毛球", "--family", "已婚，一子")  # fmt: skip
    crm("contact", "edit", "陈静", "--role", "user", "--wechat", "chenjing88")
    out = tmp_path / "contacts.vcf"
    crm("contact", "export", str(out))
    wang = {c.fn.value: c for c in read_cards(out)}["王芳"]
    assert wang.impp.value == "weixin:wangfang_sz" and wang.x_crm_role.value == "decision_maker"
    result = json.loads(
        crm("--db", fresh_book, "customer", "import", str(out), "-f", "json").stdout
    )
    assert (result["read"], result["created"], result["rejected"]) == (5, 4, 0)
    other = Other(fresh_book)
    own = "SELECT name, role, relation_level, hobbies, family, wechat FROM contact ORDER BY name"
    try:
        assert the_book(other) == the_book(db)
        assert other.rows(own) == db.rows(own)
        assert {r["name"]: r["role"] for r in other.rows(own)}["王芳"] == "decision_maker"
    finally:
        other.engine.dispose()


def test_contacts_export_as_csv_and_json(crm, db, tmp_path):
    imported(crm, write(tmp_path, "iPhone.vcf", IPHONE))
    crm("contact", "edit", "王芳", "--role", "decision_maker", "--relation-level", "4")
    crm("contact", "add", "陈静", "=HYPERLINK(1)", "--title", "@risk")
    out = tmp_path / "contacts.csv"
    crm("contact", "export", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0]) == [
        "id",
        "customer_code",
        "customer_name",
        "name",
        "title",
        "role",
        "phone",
        "mobile",
        "email",
        "wechat",
        "birthday",
        "family",
        "hobbies",
        "relation_level",
        "notes",
    ]
    wang = rows[0]
    assert wang["customer_code"] == "C000001" and wang["customer_name"] == HUACHEN
    assert wang["role"] == "decision_maker" and wang["relation_level"] == "4"
    assert wang["mobile"] == "'+86 138 0013 8000"  # neutralised, as customer export does
    assert wang["birthday"] == "1985-03-15"
    assert [r["name"] for r in rows] == ["王芳", "Li Qiang", "陈静", "'=HYPERLINK(1)"]
    assert rows[3]["title"] == "'@risk"
    zh = crm("contact", "export", "-", "C000001", "--labels", "zh").stdout
    header, first = list(csv.reader(io.StringIO(zh)))[:2]
    assert header[:6] == ["系统编号", "客户编号", "客户名称", "姓名", "职务", "角色"]
    assert first[5] == "决策者"
    gbk = tmp_path / "gbk.csv"
    crm("contact", "export", str(gbk), "--encoding", "gb18030")
    assert "王芳" in gbk.read_bytes().decode("gb18030")

    listed = crm.json("contact", "list")
    out = tmp_path / "contacts.json"
    crm("contact", "export", str(out))
    assert json.loads(out.read_text(encoding="utf-8")) == listed
    lines = crm("contact", "export", "-", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == listed
    xlsx = tmp_path / "contacts.xlsx"
    crm("contact", "export", str(xlsx))
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).to_python()
    assert sheet[0][3] == "name" and sheet[1][3] == "王芳" and sheet[4][3] == "=HYPERLINK(1)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["out.pdf"], "give --format vcf, csv, xlsx, json or jsonl"),
        (["out.vcf", "--labels", "zh"], "--labels is for CSV and XLSX"),
        (["out.vcf", "--encoding", "gbk"], "--bom and --encoding are for CSV files, not vcf"),
        (["out.csv", "-f", "vcard"], "unknown file format 'vcard'"),
        (["out.vcf", "C000009"], "C000009"),
    ],
)
def test_contact_export_refuses_what_it_cannot_do(crm, tmp_path, args, message):
    crm("customer", "add", "甲")
    result = crm("contact", "export", str(tmp_path / args[0]), *args[1:], code=1)
    assert message in result.stderr
    assert not any(p.name.startswith("out") for p in tmp_path.iterdir())


def test_customer_export_to_a_vcard_points_to_contact_export(crm, tmp_path):
    result = crm("customer", "export", str(tmp_path / "x.vcf"), code=1)
    assert "crm contact export" in result.stderr


def test_a_salesperson_exports_only_the_contacts_she_may_see(crm, db, tmp_path):
    crm("customer", "add", "公海客户")  # unassigned: added before there were users
    crm("contact", "add", "公海客户", "周敏")
    crm("user", "add", "wangfang", "--role", "admin")
    crm("--user", "wangfang", "user", "add", "liuyang", "--role", "sales")
    crm("--user", "wangfang", "user", "add", "chenjing", "--role", "sales")
    crm("--user", "liuyang", "customer", "import", write(tmp_path, "mine.vcf", IPHONE))
    crm("--user", "chenjing", "customer", "import", write(tmp_path, "hers.vcf", KHARD))
    owned = db.rows(
        "SELECT c.name, u.username FROM customer c LEFT JOIN app_user u ON u.id = c.owner_id"
    )
    assert {r["name"]: r["username"] for r in owned} == {
        "公海客户": None,
        HUACHEN: "liuyang",
        "陈静": "liuyang",
        HEFENG: "chenjing",
        "Emily Watson": "chenjing",
    }
    mine = tmp_path / "liuyang.vcf"
    crm("--user", "liuyang", "contact", "export", str(mine))
    assert sorted(c.fn.value for c in read_cards(mine)) == sorted(
        ["周敏", "王芳", "Li Qiang", "陈静"]
    )
    hers = crm("--user", "chenjing", "contact", "export", "-", "-f", "json").stdout
    assert sorted(c["name"] for c in json.loads(hers)) == ["Emily Watson", "周敏", "张伟"]
    everyone = crm("--user", "wangfang", "contact", "export", "-", "-f", "json").stdout
    assert len(json.loads(everyone)) == 6
    refused = crm("--user", "liuyang", "contact", "export", "-", HEFENG, code=1)
    assert HEFENG in refused.stderr


def test_help_does_not_import_vobject(crm):
    import subprocess
    import sys

    code = (
        "import sys; from crmcli.cli import run\nsys.argv = ['crm', '--help']\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\nprint('VOBJECT', 'vobject' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert "VOBJECT False" in result.stdout, result.stdout + result.stderr
