"""Exports of the lists (XLSX and CSV): the columns of a table and its two writers, which read
the rows one at a time (constant memory whatever the number of rows)."""
