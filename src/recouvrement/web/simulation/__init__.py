"""« Simulation » (B12): what `prepare` would do on a date, for a responsable recouvrement."""
