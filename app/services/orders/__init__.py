"""订单管理 rules: one module per concern (workflow, totals, orders, payments, logistics, returns, quotes, printing)."""
