"""短信管理: gateway adapters, 群发短信, history, templates, reminders and notices (manual ch. 11)."""
