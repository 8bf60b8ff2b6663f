"""OAuth 2 for outside apps, mobile clients and practice software (authlib-based server)."""
