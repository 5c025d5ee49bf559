"""The enum keys of SPEC §3 that the book uses; ``validate`` checks every record against them."""

# fmt: off
KINDS = ("company", "person")
LEVELS = ("gold", "silver", "regular")
STATUSES = ("lead", "prospect", "active", "dormant", "lost")
SOURCES = (
    "search_engine", "database", "website", "exhibition", "referral", "competitor",
    "enterprise", "survey", "conference", "agency", "other",
)
CREDITS = ("excellent", "good", "fair", "poor")
ROLES = ("decision_maker", "influencer", "user", "other")
CHANNELS = ("phone", "visit", "email", "wechat", "meeting", "exhibition", "other")
STAGES = ("lead", "qualified", "proposal", "negotiation", "won", "lost")
OPEN_STAGES = STAGES[:4]
URGENCIES = ("low", "medium", "high")
ORDER_STATUSES = ("confirmed", "delivered", "paid", "cancelled")
TICKET_KINDS = ("inquiry", "complaint", "repair", "return", "suggestion")
PRIORITIES = ("low", "normal", "high", "urgent")
TICKET_STATUSES = ("open", "in_progress", "resolved", "closed")
FOLLOWUP_KINDS = ("call", "visit", "email", "care")
FOLLOWUP_STATUSES = ("pending", "done", "cancelled")
USER_ROLES = ("admin", "manager", "sales", "service")
# fmt: on
