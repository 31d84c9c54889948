"""« Fiche client »: a customer's page and its « Relevé de compte » (PDF)."""
