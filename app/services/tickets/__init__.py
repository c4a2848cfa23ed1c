"""售后管理 (manual ch. 6): tickets on the workflow engine, with service levels on Chinese working days."""
