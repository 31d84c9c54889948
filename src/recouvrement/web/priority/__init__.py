"""« Priorité suggérée » (B11): the manager's weights page, and « Appliquer la priorité
suggérée » on a dossier."""
