"""« Tableau de bord » (issue 14 §1, B6): the manager's landing page and its charts."""
