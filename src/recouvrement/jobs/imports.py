"""The job of « Importer » (issue 16 §3): a stored accounting file applied in the background.

`services.import_jobs.start_import` enqueues it with the row's claim; `recouvrement worker`
runs it. The task is thin: the use case is `services.import_jobs.run_import_job`.
"""

from django_tasks import TaskContext, task


@task(takes_context=True)
def apply_import(
    context: TaskContext, import_id: int, user_id: int | None, today: str, choices: dict
) -> dict:
    """The row `import_id`'s file applied as `user_id` on `today` (ISO), with `choices`
    (`services.import_jobs.choices_json`); its progress and outcome land on the row."""
    from recouvrement.services.import_jobs import run_import_job  # which enqueues this task

    return run_import_job(str(context.task_result.id), import_id, user_id, today, choices)
