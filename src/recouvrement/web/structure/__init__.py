"""« Structure »: clients, collaborateurs, scénarios, modèles de courrier, listes."""
