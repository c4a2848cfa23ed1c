"""统计报表 (manual ch. 7): report definitions, the SQL they compile to, charts and exports."""
