"""Business rules. Services flush, never commit: the request or job commits once."""
