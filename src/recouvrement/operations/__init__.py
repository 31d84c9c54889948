"""Operating the installation (O5): backups, restores, files written durably.

Not use cases: these work on the database and the data folder as a whole, below the services.
"""
