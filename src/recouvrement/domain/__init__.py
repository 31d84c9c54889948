"""The business rules of debt collection: pure Python, no Django, no clock.

Every function takes the date it reasons about (`today`) as a parameter and returns
decisions; persisting them is the job of `recouvrement.services`.
"""
