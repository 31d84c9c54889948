"""« Mon compte » and the public page of a password-reset link (PRODUCT §1, O3)."""
