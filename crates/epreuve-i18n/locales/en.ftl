# epreuve's English catalogue. Each message has its counterpart in fr.ftl (the catalogue test
# checks it). Variables are in braces: { $name }.

## Durations

time-hours = { $n ->
    [one] { $n } hour
   *[other] { $n } hours
}
time-minutes = { $n ->
    [one] { $n } minute
   *[other] { $n } minutes
}
time-seconds = { $n ->
    [one] { $n } second
   *[other] { $n } seconds
}

## Live view (epreuve watch)

live-title = exam { $exam } · candidate { $candidate }
live-time-left = Time left
live-ends-at = ends at { $at }
live-time-is-up = Time is up.
live-left = { $words } left.
live-warning = Warning: { $words } left.
live-checks-pass = { $passed ->
    [one] 1 of { $total } checks passes.
   *[other] { $passed } of { $total } checks pass.
}
live-to-review = To look at: { $titles }.
live-checking = Checking…
live-database-busy = Your database is open for writing in another program: the check waits until it is free.
live-check-failed = The check could not run: { $why }
live-submitted = Submitted at { $at }: your answers and your database are sealed.
live-submitted-late = Submitted at { $at } (late): your answers and your database are sealed.
live-submitted-automatically = Submitted automatically at { $at }: your answers and your database are sealed.
live-submitted-automatically-late = Submitted automatically at { $at } (late): your answers and your database are sealed.
live-submit-waiting = The automatic submission is waiting: { $why }
live-submit-soon = Your work will be submitted automatically 15 seconds before the end.
live-keys = q: leave the view (the exam goes on) · c: check now
live-left-view = The exam goes on. `epreuve watch` opens the view again.
live-database = Database
live-checklist = Public checks

## A check's status

status-passed = passed
status-failed = failed
status-not-applicable = not applicable
status-not-gradable = not gradable
status-pending = pending

## Checks, by kind

check-columns = { $table }: table and columns
check-row_count = { $table }: row count matches the source
check-head = { $table }: first rows displayed
check-values = { $table }: no value cut or altered
check-type_family = { $table }: column types fit the source
check-size = { $table }: number sizes fit the largest value
check-text_length = { $table }: text lengths fit the longest value
check-default_tables = instance: database up, default tables listed

## epreuve check

checklist-check = check
checklist-status = status
checklist-look-at = what to look at
check-all-pass = Every public check passes. The assessor's grading checks more than this.
check-not-yet = { $n ->
    [one] 1 public check is not yet satisfied.
   *[other] { $n } public checks are not yet satisfied.
}
check-database-silent = Some checks could not be run: the database did not answer (see above).

## epreuve status

status-exam = Exam { $exam } · candidate { $candidate }
status-left = { $left } left (deadline { $deadline })
status-time-up = time is up (deadline { $deadline })
status-submitted = submitted at { $at }
status-submitted-late = submitted at { $at } (late)
status-not-submitted = not submitted
status-database = Database ({ $engine }):

## The assessor's report (epreuve grade)

report-head = Exam { $exam } · candidate { $candidate } · engine { $engine }
report-score = Score: { $score } / { $max }
report-incomplete = (incomplete: some checks could not be graded, see below)
report-provisional = (provisional: the evidence changed after submission, see below)
report-changed = Changed: { $what }
report-note = Note: { $what }
report-waiting = Waiting for the assessor: { $items } (score them in evaluation.toml next to the submission; the score is provisional until then)
report-criterion = criterion
report-points = score
report-max = max
report-verdict = verdict
report-why = why
report-check = check
report-status = status
report-evidence = evidence

## The report's notes

note-no-centre-record = the centre has no record of this workspace: its start, deadline, seed and data checksums come from the candidate's machine
note-submitted-late = submitted late, at { $at } UTC (deadline { $deadline } UTC)
note-not-submitted = not submitted: the workspace was graded as it is now
note-manual-not-scored = { $unscored } of { $total } manual items are not scored yet: `epreuve grade { $workspace } --evaluation-template` prints a file to fill in; keep it in a folder of yours and pass it with --evaluation
note-graded-from-dump = the live database changed after submission or does not answer: it was graded from the dump frozen at submission
note-data-differs = data/{ $file } differs from the file this candidate was given; ground truth was computed from the original
note-data-deleted = data/{ $file } was deleted in the workspace; ground truth was computed from the original
note-data-unreadable = data/{ $file } could not be compared with the original ({ $why }); ground truth was computed from the original
note-data-recorded-checksum = the checksum of data/{ $file } recorded at start is not the one of the file this candidate was given; ground truth was computed from the regenerated original
note-data-catalogue-changed = the catalogue's copy of { $file } changed since the exam started; ground truth was computed from the copy handed out, whose checksum the centre recorded

## What a public check finds

hint-table-missing = the table `{ $table }` does not exist
hint-table-is-view = `{ $table }` is a view, not a table: the statement asks for a table that holds the data
hint-columns-missing = `{ $table }` lacks the columns { $columns }
hint-row-count = `{ $table }` does not have as many rows as { $source }: compare the counts
hint-answer-missing = { $file } is missing
hint-head-rows = { $file } returns { $rows } rows; the first rows means { $min } to { $max }
hint-head-rows-more = { $file } returns more than { $rows } rows; the first rows means { $min } to { $max }
hint-head-columns = { $file } does not show the columns { $columns }
hint-head-foreign = { $file } returns { $foreign } of { $rows } rows that are not rows of `{ $table }`
hint-default-tables = { $file } runs but lists no tables of the catalogue (at least { $required } names expected in one column)
hint-default-tables-duckdb = { $file } runs but lists no tables of the catalogue (at least { $required } names expected in one column); on DuckDB, information_schema.tables lists only your own tables and the system's are views: SELECT schema_name, view_name FROM duckdb_views()

## How to connect to the database

conn-duckdb-file = DuckDB file { $path }
conn-dbeaver = new DuckDB connection, path { $path }
conn-docker = Docker container { $container } ({ $image })
conn-local = local server, files in { $dir }
conn-centre = database on the centre's server
conn-account = host { $host }  port { $port }  user { $user }  password { $password }  database { $database }
