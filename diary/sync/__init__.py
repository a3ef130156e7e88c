"""Sync: the one write path for the kinds a phone keeps offline, and how it pages and merges.

- ``store``: every query of the synced kinds (entries, therapies, medicines and doses,
  questionnaire answers): reads, paging, and each change through the sync rules, in one
  transaction with its sequence number and revision.
- ``merge``: the sync rules themselves, pure: what one incoming change does to what the
  server holds (docs/sync-protocol.md).
- ``cursors``: the page and sync cursors the API hands out, and how each is read back.
"""
