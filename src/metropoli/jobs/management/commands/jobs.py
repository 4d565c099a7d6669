"""`metropoli jobs list | run NAME | systemd DIR`: the periodic jobs of schedule.py."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from metropoli.jobs import systemd
from metropoli.jobs.schedule import JOBS, job_named


class Command(BaseCommand):
    help = "The periodic jobs: list them, run one now, or write their systemd timers."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser("list", help="Each job with its calendar.")
        run = sub.add_parser("run", help="Run one job now, in this process (systemd timers).")
        run.add_argument("name", choices=[job.name for job in JOBS])
        units = sub.add_parser("systemd", help="Write the systemd units and timers into DIR.")
        units.add_argument("directory", type=Path)

    def handle(self, *args, action: str, **options):
        if action == "list":
            for job in JOBS:
                self.stdout.write(f"{job.name:24} {job.on_calendar():40} {job.description}")
        elif action == "run":
            job = job_named(options["name"])
            result = import_string(job.task_path).call()
            self.stdout.write(f"{job.name}: {result}")
        else:
            directory = options["directory"]
            if directory.exists() and not directory.is_dir():
                raise CommandError(f"{directory} is not a folder.")
            directory.mkdir(parents=True, exist_ok=True)
            for name, text in systemd.units().items():
                (directory / name).write_text(text)
                self.stdout.write(f"wrote {directory / name}")
