"""Commands of the customer archive (客户档案): ``crm customer`` and ``crm contact``."""
