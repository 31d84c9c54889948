"""« Envois » and an « E-mail » step's message: its preview and what the user may do with it."""
