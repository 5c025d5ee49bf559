"""Commands of analysis: ``crm report`` (segments, funnel, forecast, dashboard, workbook)."""
