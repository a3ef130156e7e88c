"""Repairs an upgrade makes to data that older versions stored, each run once by a migration
(diary/migrations.py), inside its transaction.

A repaired record of a synced kind is written as a change the server makes itself
(``store.server_change``): its next version, which every phone pulls at its next sync.
Each repair of a record is a function of its content alone, so that the import repairs a
copy exported before the upgrade the same way (diary/exports/cleaning.py).
"""
