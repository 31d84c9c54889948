"""« Préparer le dossier contentieux » (B8): the evidence pack of a dossier, built and offered."""
