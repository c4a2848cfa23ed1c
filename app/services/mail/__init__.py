"""邮件管理: SMTP accounts, the outbox and sending (manual ch. 10)."""
