"""The « Interventions » tab of a dossier (S1–S12): its actions, as server-rendered htmx."""
