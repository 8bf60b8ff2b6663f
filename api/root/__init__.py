"""The root: what imports every domain and nothing imports (the composed schema, the view).

Imports run one way (docs/architecture.md): domains import the plumbing of api/graphql and
the domains below them, never this package.
"""
