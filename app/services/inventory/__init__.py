"""库存管理 (manual ch. 12): the stock ledger, purchases, purchase returns, stocktakes and the stock effects of sales."""
