"""Cohort tables: a physician's patients after one kind of therapy, the way trials report.

Pure domain code (no Flask): ``selection`` reads who counts from the database,
``outcomes`` works out each patient's windows, ``table`` the cohort's numbers, ``rows``
the trials' layout, ``chart`` the page's chart data and ``export`` the CSV files;
``stats`` holds the small statistics (Wilson's interval) and ``words`` every word shown.
docs/cohorts.md says what is counted and why.
"""
