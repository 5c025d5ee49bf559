"""Relationship (satisfaction): the year's customer satisfaction survey (客户满意度调查)
and the answers of two dozen customers, gathered by phone and at visits in the weeks
before the anchor.

Draws from its own seeded source, so adding it changed no other area's draws.
"""

from __future__ import annotations

import random
from datetime import datetime, time

from .common import rel, weekday_back

TITLE = "2026年度客户满意度调查"
DESCRIPTION = "杭州云帆信息技术有限公司 · 感谢您抽出几分钟时间，帮助我们改进产品和服务"
QUESTIONS = [
    "scale:您对我们产品（软件和设备）质量的满意度",
    "scale:您对实施和售后服务的满意度",
    "scale:您对服务响应速度的满意度",
    "nps:您向同行推荐云帆的可能性有多大",
    "single:您最常用哪种方式联系我们:电话|微信|邮件|上门拜访",
    "multiple:您希望我们在哪些方面改进:价格|响应速度|实施质量|培训|产品功能",
    "text:您的其他意见和建议",
]
CHANNELS = ["电话", "微信", "邮件", "上门拜访"]
IMPROVE = ["价格", "响应速度", "实施质量", "培训", "产品功能"]
REMARKS = [
    "希望驻场顾问不要频繁更换",
    "培训资料可以再详细一些",
    "报价审批流程能否更快",
    "售后工程师很专业，响应及时",
    "希望提供更多移动端功能",
    "整体满意，期待长期合作",
]
#: how each level tends to answer: the lowest and highest of the 1-5 scale
LEANING = {"gold": (3, 5), "silver": (2, 5), "regular": (2, 5)}
ANSWERING = 24


def make_survey(customers: list[dict]) -> dict:
    """The survey and the responses of ANSWERING live customers (every other one first)."""
    draw = random.Random(2314)
    live = [c for c in customers if c["status"] in ("active", "dormant")]
    chosen = (live[::2] + live[1::2])[:ANSWERING]
    responses = []
    remarked = 0
    for i, cust in enumerate(chosen):
        low, high = LEANING[cust["level"]]
        scores = [draw.randint(low, high) for _ in range(3)]
        # who is satisfied recommends: twice the mean score, give or take
        recommend = round(2 * sum(scores) / 3) + draw.randint(-1, 2)
        answers = {
            "1": str(scores[0]),
            "2": str(scores[1]),
            "3": str(scores[2]),
            "4": str(max(0, min(10, recommend))),
        }
        if draw.random() < 0.9:
            answers["5"] = draw.choice(CHANNELS)
        wanted = [c for c in IMPROVE if draw.random() < 0.35]
        if wanted:
            answers["6"] = "|".join(wanted)
        if draw.random() < 0.3:  # the remarks in turn: no two customers say the same
            answers["7"] = REMARKS[remarked % len(REMARKS)]
            remarked += 1
        day = weekday_back(rel(-40 + i + draw.randint(0, 10)))
        responses.append(
            {
                "customer": cust["name"],
                "answered_at": datetime.combine(day, time(10 + i % 6, 0)),
                "answers": answers,
            }
        )
    responses.sort(key=lambda r: r["answered_at"])
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "created_at": datetime.combine(rel(-45), time(9, 30)),
        "questions": QUESTIONS,
        "responses": responses,
    }
