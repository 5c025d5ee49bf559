"""crmcli: a terminal CRM toolkit (客户关系管理) over SQLite or PostgreSQL."""

__version__ = "0.1.0"
