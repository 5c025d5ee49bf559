"""The desk: what one command does to a customer across the rooms at once.

``card`` assembles the customer card (客户资料卡) from every room; ``changes`` makes the
changes that reach across rooms (a lost customer's touches cancelled, an assignment
handing its follow-ups over, a closed opportunity's touches cancelled).

May use: relationship, selling, archive, team. The rooms beneath never call it back.
"""
