"""Background work without cron (issue 16 §3): `recouvrement worker`.

- `slots`: the schedule's rules, pure (the clock is a parameter);
- `schedule`: the tick — claims each due run (a `ScheduledRun` row, unique per name, company
  and slot) and enqueues its task in the same transaction, so a run fires once however many
  workers tick;
- `tasks`: the django-tasks tasks (daily run, e-mail outbox, a probe for the tests);
- `runs`: a run's outcome recorded on its `ScheduledRun` row, its errors logged in French;
- `worker`: the loop — tick, then the queued tasks through django-tasks-db's own `Worker`
  (its claim: SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL, an exclusive transaction on
  SQLite), until SIGTERM/SIGINT; `start_in_thread` runs it beside a web server.
"""
