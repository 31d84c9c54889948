"""« Dossiers de recouvrement »: the list, a dossier's page, and opening the overdue ones (B5)."""
