"""Sharing a diary (DESIGN.md sections 1, 5 and 6): invite codes that make a share with a
physician, view links for a physician without an account, the access log in words, the
physician's list of patients and the printable summary.

Pure of Flask: the blueprints in ``diary/web`` and ``diary/api`` call these with the
database and the request's facts; ``diary/access.py`` decides who may reach them.
"""
