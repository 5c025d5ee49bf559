"""Commands of selling: ``crm opportunity``, ``product``, ``supplier``, ``competitor``, ``order``, ``contract``."""
