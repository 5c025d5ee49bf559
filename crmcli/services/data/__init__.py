"""Data in and out (数据导入导出): importing customers from any file, exporting them and their
contacts, undoing an import, and loading the demo company.

``import_rows`` (columns and cells of the file), ``importing`` (matching and writing),
``import_undo`` (history and undo), ``exporting`` (``crm customer export``),
``contact_export`` (``crm contact export``) and ``demo`` (``crm init --demo``).

May use: desk, relationship, selling, archive, team; the file formats (``crmcli.tabular``,
``crmcli.vcard``).
"""
