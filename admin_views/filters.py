"""The view toolkit's list filters. They live in app.services.list_filters, so that services which rebuild a
list's query from its URL (export jobs) read the same definitions; views import them from here."""

from app.services.list_filters import (  # noqa: F401
    LocalDateAfterFilter,
    LocalDateBeforeFilter,
    LocalDateBetweenFilter,
    LocalDateEqualFilter,
    LocalDateTimeAfterFilter,
    LocalDateTimeBeforeFilter,
    LocalDateTimeBetweenFilter,
    LocalDateTimeEqualFilter,
    day_start,
    local_date_filters,
    next_day_start,
    utc_bound,
)
