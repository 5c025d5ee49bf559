"""Analysis (分析型CRM): segments, the funnel and forecast, the manager's reports, the
dashboard and the report workbook.

``segments`` (RFM, ABC, breakdowns), ``funnel`` (how far each opportunity got, the
forecast), ``analytics`` (follow-up discipline, service quality, monthly orders),
``satisfaction`` (a survey's answers and the NPS, 客户满意度), ``value`` (customers by gross
margin, lifetime value, value tiers), ``loyalty`` (repeat purchases, days between orders,
cohorts), ``churn`` (lost customers, why, and who is at risk), ``needs`` (the needs
records), ``audiences`` (the codes of a segment, for a call list or a letter),
``dashboard`` (the morning screen) and ``report_book`` (every report in one workbook).

May use: relationship, selling, archive, team. It only reads (a segment may tag customers).
"""
