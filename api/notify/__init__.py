"""Notifications that are never lost: background jobs, e-mail delivery, periodic notices.

The durable truth is in Carnet's own tables (each notification's e-mail state, the
once-only ledger of periodic notices); the job queue (procrastinate) only says when to
look. See docs/architecture.md, "Background jobs and e-mail".
"""
