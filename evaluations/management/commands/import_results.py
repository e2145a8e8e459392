from django.core.management.base import BaseCommand, CommandError

from evaluations.tables import RESULT_COLUMNS, ResultImportError, results_import

BAR_WIDTH = 30
SHOWN_PROBLEMS = 50


class Command(BaseCommand):
    help = (
        "Import evaluation results from a CSV file (the columns of the site's results "
        f"downloads: {', '.join(RESULT_COLUMNS)}). Every row is checked first; if any is wrong, "
        "nothing is saved and each bad row is listed by line. Importing a file again changes "
        "only the values that differ."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The CSV file, UTF-8 encoded.")

    def handle(self, *args, path, **options):
        self.shown = None
        try:
            with open(path, encoding="utf-8-sig", newline="") as lines:
                summary = results_import(lines=lines, progress=self.progress)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        except UnicodeDecodeError as error:
            raise CommandError(
                f"{path} is not UTF-8 text (byte {error.start}); save it as UTF-8 CSV."
            ) from error
        except ResultImportError as error:
            self.end_bar()
            problems = error.problems[:SHOWN_PROBLEMS]
            if len(error.problems) > SHOWN_PROBLEMS:
                problems.append(f"... and {len(error.problems) - SHOWN_PROBLEMS} more.")
            raise CommandError(
                "Nothing was imported. Fix these rows and run the command again:\n"
                + "\n".join(problems)
            ) from error
        self.end_bar()
        self.stdout.write(self.style.SUCCESS(f"Imported {summary}"))

    def progress(self, stage, done, total):
        """Redraw the bar when it moves by a step; into a log or a pipe, write only its end."""
        filled = BAR_WIDTH * done // total
        if done != total and ((stage, filled) == self.shown or not self.stdout.isatty()):
            return
        self.shown = (stage, filled)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stdout.write(f"\r{stage:<8} [{bar}] {done}/{total}", ending="")
        if done == total:
            self.stdout.write("")
            self.shown = None

    def end_bar(self):
        if self.shown is not None:
            self.stdout.write("")
            self.shown = None
