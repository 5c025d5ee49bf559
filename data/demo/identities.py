"""Fictional identities: Chinese names, cities, landline and mobile numbers, e-mail and
WeChat ids, 统一社会信用代码, addresses, and how a sales note addresses a contact.

Each name and phone number is handed out once (the staff's names are taken from the start).
"""

from __future__ import annotations

from datetime import date

from .common import rng
from .team import USERS

# fmt: off
SURNAMES = [
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
    ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"),
    ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"),
    ("何", "he"), ("林", "lin"), ("高", "gao"), ("罗", "luo"), ("郑", "zheng"),
    ("梁", "liang"), ("谢", "xie"), ("宋", "song"), ("唐", "tang"), ("韩", "han"),
    ("冯", "feng"), ("邓", "deng"), ("曹", "cao"), ("彭", "peng"), ("曾", "zeng"),
    ("肖", "xiao"), ("田", "tian"), ("董", "dong"), ("袁", "yuan"), ("潘", "pan"),
    ("蒋", "jiang"), ("蔡", "cai"), ("余", "yu"), ("杜", "du"), ("叶", "ye"),
    ("程", "cheng"), ("魏", "wei"), ("苏", "su"), ("吕", "lv"), ("丁", "ding"),
    ("沈", "shen"), ("姚", "yao"), ("卢", "lu"), ("钟", "zhong"), ("崔", "cui"),
    ("谭", "tan"), ("范", "fan"), ("金", "jin"), ("方", "fang"), ("石", "shi"),
    ("贾", "jia"), ("邹", "zou"), ("熊", "xiong"), ("孟", "meng"),
]
GIVEN_MALE = [
    ("伟", "wei"), ("强", "qiang"), ("军", "jun"), ("勇", "yong"), ("杰", "jie"),
    ("涛", "tao"), ("斌", "bin"), ("超", "chao"), ("明", "ming"), ("刚", "gang"),
    ("辉", "hui"), ("鹏", "peng"), ("飞", "fei"), ("鑫", "xin"), ("波", "bo"),
    ("宇", "yu"), ("凯", "kai"), ("健", "jian"), ("俊", "jun"), ("建国", "jianguo"),
    ("志强", "zhiqiang"), ("海涛", "haitao"), ("建华", "jianhua"), ("晓东", "xiaodong"),
    ("文博", "wenbo"), ("子豪", "zihao"), ("国栋", "guodong"), ("振宇", "zhenyu"),
    ("立新", "lixin"), ("永明", "yongming"), ("德胜", "desheng"), ("宏伟", "hongwei"),
    ("家豪", "jiahao"), ("俊杰", "junjie"), ("浩然", "haoran"), ("志远", "zhiyuan"),
]
GIVEN_FEMALE = [
    ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("丽", "li"), ("艳", "yan"),
    ("娟", "juan"), ("霞", "xia"), ("婷", "ting"), ("雪", "xue"), ("琳", "lin"),
    ("颖", "ying"), ("倩", "qian"), ("洁", "jie"), ("慧", "hui"), ("晓燕", "xiaoyan"),
    ("丽华", "lihua"), ("雅琴", "yaqin"), ("佳怡", "jiayi"), ("梦瑶", "mengyao"),
    ("思琪", "siqi"), ("海燕", "haiyan"), ("秀英", "xiuying"), ("婉婷", "wanting"),
    ("欣怡", "xinyi"), ("春梅", "chunmei"), ("文静", "wenjing"), ("晓红", "xiaohong"),
]

CITY_INFO = {  # city: (province prefix, area code, region code for the credit code, region)
    "北京": ("北京市", "010", "110108", "华北区"),
    "上海": ("上海市", "021", "310112", "华东区"),
    "天津": ("天津市", "022", "120116", "华北区"),
    "重庆": ("重庆市", "023", "500103", "西南区"),
    "广州": ("广东省广州市", "020", "440106", "华南区"),
    "深圳": ("广东省深圳市", "0755", "440306", "华南区"),
    "杭州": ("浙江省杭州市", "0571", "330108", "华东区"),
    "宁波": ("浙江省宁波市", "0574", "330206", "华东区"),
    "南京": ("江苏省南京市", "025", "320105", "华东区"),
    "苏州": ("江苏省苏州市", "0512", "320594", "华东区"),
    "成都": ("四川省成都市", "028", "510107", "西南区"),
    "武汉": ("湖北省武汉市", "027", "420111", "华中区"),
    "西安": ("陕西省西安市", "029", "610113", "西北区"),
    "长沙": ("湖南省长沙市", "0731", "430104", "华中区"),
    "厦门": ("福建省厦门市", "0592", "350203", "华南区"),
    "青岛": ("山东省青岛市", "0532", "370211", "华北区"),
    "济南": ("山东省济南市", "0531", "370102", "华北区"),
    "合肥": ("安徽省合肥市", "0551", "340104", "华东区"),
    "郑州": ("河南省郑州市", "0371", "410105", "华中区"),
}

MOBILE_PREFIXES = [
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "158", "159", "166", "177", "180", "181", "182", "183", "185",
    "186", "187", "188", "189", "199",
]
# fmt: on


_used_names: set[str] = {u["name"] for u in USERS}
_used_phones: set[str] = set()


def person_name(female: bool | None = None) -> tuple[str, str, str]:
    """A fresh Chinese name: (name, surname pinyin, given-name pinyin)."""
    while True:
        sur, sur_py = rng.choice(SURNAMES)
        if female is None:
            female = rng.random() < 0.45
        given, given_py = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
        name = sur + given
        if name not in _used_names:
            _used_names.add(name)
            return name, sur_py, given_py


def reserve_phone(digits: str) -> None:
    """Take digits that are written out by hand, so no drawn number repeats them."""
    _used_phones.add(digits)


def _fresh_digits(make) -> str:
    while True:
        digits = make()
        if digits not in _used_phones:
            _used_phones.add(digits)
            return digits


def landline(city: str, digits: str | None = None, style: str | None = None) -> str:
    area = CITY_INFO[city][1]
    if digits is None:
        digits = _fresh_digits(
            lambda: area + str(rng.randint(2, 8)) + f"{rng.randint(0, 9999999):07d}"
        )
    local = digits[len(area) :]
    style = style or rng.choices(["dash", "plus", "paren"], [75, 15, 10])[0]
    if style == "plus":
        return f"+86 {area[1:]} {local[:4]} {local[4:]}"
    if style == "paren":
        return f"({area}) {local}"
    return f"{area}-{local[:4]} {local[4:]}"


def mobile() -> str:
    digits = _fresh_digits(lambda: rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99999999):08d}")
    text = f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return "+86 " + text if rng.random() < 0.2 else text


def contact_email(sur_py: str, given_py: str, domain: str) -> str:
    style = rng.choice(["full", "dot", "initial"])
    if style == "full":
        local = sur_py + given_py
    elif style == "dot":
        local = f"{given_py}.{sur_py}"
    else:
        local = sur_py + given_py[0]
    return f"{local}@{domain}"


def wechat_id(sur_py: str, given_py: str, born: int) -> str:
    return rng.choice(
        [
            f"{sur_py}{given_py}{born % 100:02d}",
            f"wx_{sur_py}_{given_py}",
            f"{given_py}{sur_py}{rng.randint(1, 999)}",
            f"{sur_py}-{given_py}",
        ]
    )


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def credit_code(city: str, founded: date) -> str:
    """A well-formed (check digits included) but fictional 统一社会信用代码."""

    def org_value(c: str) -> int:
        return int(c) if c.isdigit() else ord(c) - 55

    if founded.year >= 2016:
        body = "MA" + "".join(
            rng.choice(USCC_CHARS[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(6)
        )
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    s = sum(org_value(c) * w for c, w in zip(body, [3, 7, 9, 10, 5, 8, 4, 2], strict=True))
    c9 = 11 - s % 11
    org = body + ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))
    head = "91" + CITY_INFO[city][2] + org
    s = sum(USCC_CHARS.index(c) * w for c, w in zip(head, USCC_WEIGHTS, strict=True))
    return head + USCC_CHARS[(31 - s % 31) % 31]


def full_address(city: str, street: str) -> str:
    prefix = CITY_INFO[city][0]
    return prefix + street


def addressed(contact: dict | None) -> str:
    """How a sales note refers to a contact: 李经理, 王总, or the full name."""
    if contact is None:
        return "客户"
    name, title = contact["name"], contact["title"] or ""
    sur = name[0]
    for key, word in (
        ("董事长", "董"),
        ("总", "总"),
        ("CIO", "总"),
        ("院长", "院长"),
        ("校长", "校长"),
        ("主任", "主任"),
        ("科长", "科长"),
        ("经理", "经理"),
    ):
        if key in title:
            return sur + word
    return name
