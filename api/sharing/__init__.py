"""Sharing: the GraphQL surface through which a record is shared, opened and hidden.

Grants, the treating doctor, blocks, break-glass, hiding a document, a professional's list
of patients, the matrix and directory views of the sharing forms. These answer with the
Patient type (api.records.types) and write the access history (api.audit), so they sit
above both; what they decide with stays below, in api.consent (the pure policy, its
vocabulary, ``authorize`` and the grant services that only change rows).
"""
