"""Commands of analysis: ``crm report`` (segments, funnel, forecast, satisfaction,
dashboard, workbook)."""
