"""The charts pages: what they show (``page``, pure) and how it is read (``reads``)."""
