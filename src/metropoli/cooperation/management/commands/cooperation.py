"""`metropoli cooperation <action>`: IATI publication, spreadsheets and deadline reminders."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from metropoli.cooperation import publication, reminders, selectors, services, spreadsheets
from metropoli.cooperation.models import Project


class Command(BaseCommand):
    help = "Cooperation registry: export IATI, XLSX template/import/export, send reminders."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        iati = sub.add_parser("export-iati", help="Write the public projects as IATI 2.03 XML.")
        iati.add_argument("out", type=Path)
        template = sub.add_parser("xlsx-template", help="Write the empty XLSX import template.")
        template.add_argument("out", type=Path)
        imp = sub.add_parser("import-xlsx", help="Import projects from a filled-in template.")
        imp.add_argument("file", type=Path)
        exp = sub.add_parser("export-xlsx", help="Write every project as XLSX (or CSV by name).")
        exp.add_argument("out", type=Path)
        sub.add_parser("send-reminders", help="Email reminders before opportunity deadlines.")

    def handle(self, *args, action: str, **options):
        getattr(self, "_" + action.replace("-", "_"))(**options)

    def _export_iati(self, out: Path, **_options):
        try:
            result = publication.publish()
        except publication.IatiUnavailable as error:
            raise CommandError(str(error)) from error
        for code, problems in sorted(result.excluded.items()):
            self.stderr.write(
                _("Left out %(code)s: %(problems)s")
                % {"code": code, "problems": " ".join(problems)}
            )
        if result.xml is None:
            raise CommandError(_("No public project can be published in IATI yet."))
        out.write_bytes(result.xml)
        self.stdout.write(
            self.style.SUCCESS(
                _("Wrote %(count)d activities to %(path)s (valid IATI 2.03).")
                % {"count": len(result.published), "path": out}
            )
        )

    def _xlsx_template(self, out: Path, **_options):
        spreadsheets.template_workbook().save(out)
        self.stdout.write(self.style.SUCCESS(_("Wrote the template to %(path)s.") % {"path": out}))

    def _import_xlsx(self, file: Path, **_options):
        if not file.is_file():
            raise CommandError(_("The file %(path)s does not exist.") % {"path": file})
        try:
            with file.open("rb") as stream:
                rows = spreadsheets.read_rows(stream)
            outcome = services.import_projects(rows=rows, by=None)
        except spreadsheets.SpreadsheetError as error:
            raise CommandError(str(error)) from error
        except services.ImportRefused as refused:
            for row in refused.rows:
                for problem in row.errors:
                    self.stderr.write(
                        _("Row %(row)d: %(problem)s") % {"row": row.number, "problem": problem}
                    )
            raise CommandError(_("Nothing was imported.")) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Imported: %(created)d new projects, %(updated)d updated.")
                % {"created": len(outcome.created), "updated": len(outcome.updated)}
            )
        )

    def _export_xlsx(self, out: Path, **_options):
        projects = selectors.with_details(Project.objects.order_by("code"))
        if out.suffix.lower() == ".csv":
            out.write_text(spreadsheets.export_csv(projects), encoding="utf-8")
        else:
            out.write_bytes(spreadsheets.export_xlsx(projects))
        self.stdout.write(self.style.SUCCESS(_("Wrote %(path)s.") % {"path": out}))

    def _send_reminders(self, **_options):
        outcome = reminders.send_deadline_reminders()
        self.stdout.write(
            _("Reminders sent: %(sent)d; without recipient: %(skipped)d.")
            % {"sent": outcome.sent, "skipped": outcome.skipped_no_recipient}
        )
