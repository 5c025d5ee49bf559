"""Commands of the team and the book: ``crm init``, ``user``, ``config``, ``db``."""
