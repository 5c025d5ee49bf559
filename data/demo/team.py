"""Team: our own company, 杭州云帆信息技术有限公司, and its five staff users."""

# fmt: off
COMPANY = {"name": "杭州云帆信息技术有限公司", "name_en": "Hangzhou Yunfan Information Technology Co., Ltd."}

USERS = [
    {"username": "wangfang", "name": "王芳", "role": "admin"},
    {"username": "zhaolei", "name": "赵磊", "role": "manager"},
    {"username": "liuyang", "name": "刘洋", "role": "sales"},
    {"username": "chenjing", "name": "陈静", "role": "sales"},
    {"username": "sunhao", "name": "孙浩", "role": "service"},
]
SERVICE_USER = "sunhao"
MANAGER = "zhaolei"
# fmt: on
