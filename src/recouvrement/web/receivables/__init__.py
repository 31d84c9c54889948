"""« Traitement › Recouvrement › Échéances »: the open échéances at a date, the drill-down of
the balance âgée."""
