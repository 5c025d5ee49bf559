"""Commands of data in and out: ``crm customer import`` and ``crm customer export``."""
