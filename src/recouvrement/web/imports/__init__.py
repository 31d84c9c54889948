"""« Traitement › Recouvrement › Importer » (B4): an accounting file previewed, then imported."""
