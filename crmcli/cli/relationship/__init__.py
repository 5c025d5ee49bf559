"""Commands of the relationship: ``crm log``, ``interaction``, ``followup``, ``care``, ``ticket``,
``survey``."""
