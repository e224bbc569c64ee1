"""The store on PostgreSQL (``store.py``), its schema, SQL translation and URLs.

``url.py`` is light (no driver); everything else imports psycopg and is
loaded only when a ``postgresql://`` store is opened (``store/select.py``).
"""
