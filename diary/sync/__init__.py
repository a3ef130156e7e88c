"""Sync: the one write path for the kinds a phone keeps offline, and how it pages and merges.

- ``store``: each change of the synced kinds (entries, therapies, medicines and doses,
  questionnaire answers) through the sync rules, in one transaction with its sequence
  number and revision; every write goes through it.
- ``merge``: the sync rules themselves, pure: what one incoming change does to what the
  server holds (docs/sync-protocol.md).
- ``validation``: an incoming sync change's data checked against its kind's model.
- ``tombstones``: what a delete leaves behind, and the migrations' clean-up of older deletes.
- ``queries``: the reads: one record, the lists and pages, what changed since a cursor.
- ``rows``: each kind's table and content fields, a row as the API shows it, and how a row
  is read and written; the modules above build on it and it imports none of them.
- ``cursors``: the page and sync cursors the API hands out, and how each is read back.
"""
