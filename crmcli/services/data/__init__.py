"""Data in and out (数据导入导出): importing customers from any file, exporting them, undoing
an import, and loading the demo company.

``import_rows`` (columns and cells of the file), ``importing`` (matching and writing),
``import_undo`` (history and undo), ``exporting`` (``crm customer export``) and ``demo``
(``crm init --demo``).

May use: desk, relationship, selling, archive, team; the file formats (``crmcli.tabular``).
"""
