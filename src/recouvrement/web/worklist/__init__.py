"""« Gestion des actions » (S9) and the opening of dossiers."""
