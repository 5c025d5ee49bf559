"""Commands of data in and out: ``crm customer import``, ``crm customer export`` and
``crm contact export``."""
