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
live-submit-at-end = Your work will be submitted automatically at the end, within the grace the exam allows.
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
report-waiting = Waiting for the assessor: { $items } (score them in a file of yours, outside the workspace, given with --evaluation; `epreuve grade --evaluation-template` writes one; the score is provisional until then)
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
hint-default-databases = { $file } runs but lists none of the server's databases (at least { $required } names expected in one field); the command listDatabases lists them
hint-default-tables = { $file } runs but lists no tables of the catalogue (at least { $required } names expected in one column)
hint-default-tables-duckdb = { $file } runs but lists no tables of the catalogue (at least { $required } names expected in one column); on DuckDB, information_schema.tables lists only your own tables and the system's are views: SELECT schema_name, view_name FROM duckdb_views()

## How to connect to the database

conn-duckdb-file = DuckDB file { $path }
conn-dbeaver = new DuckDB connection, path { $path }
conn-docker = Docker container { $container } ({ $image })
conn-local = local server, files in { $dir }
conn-centre = database on the centre's server
conn-account = host { $host }  port { $port }  user { $user }  password { $password }  database { $database }

## Why a criterion is acquired or not

criterion-not-gradable = { $check } could not be graded
criterion-pending = { $check } waits for the assessor
criterion-lost = { $lost } % of the source's filled cells lost ({ $check }), more than the { $allowed } % allowed
criterion-nothing-counts = no check of it counts on this engine
criterion-share = { $share } % of the points, { $needed } % needed

## The jury's grid: one line per indicator of the referential

grid-title = The jury's grid (the referential's indicators, in its own French words)
grid-indicator = indicator
grid-tolerance = tolerance
grid-evidence = evidence
grid-gloss = ({ $gloss })
grid-tolerance-whole = every point of each check
grid-tolerance-answers = an answer from each check (its points count for the score only)
grid-tolerance-share = at least { $share } % of the points of each check
grid-tolerance-lost-only = at most { $lost } % of the source's filled cells lost
grid-tolerance-lost = { $share }, at most { $lost } % of the source's filled cells lost
grid-tolerance-of = { $check }: { $tolerance }
grid-short-share = { $check } keeps { $share } %: { $found }
grid-short-lost = { $check } loses { $lost } % of the source's filled cells: { $found }
grid-evidence-short = { $short }
grid-evidence-held = { $n ->
    [one] shown by 1 check: { $checks }
   *[other] shown by { $n } checks: { $checks }
}
criterion-indicators-not-acquired = { $total ->
    [one] its indicator { $first } is not acquired
   *[other] { $n } of its { $total } indicators not acquired, { $first } first
}
criterion-indicators-acquired = { $n ->
    [one] its indicator is acquired
   *[other] each of its { $n } indicators is acquired
}

## What a check found, for the assessor (and for the candidate when it tells nothing hidden)

hint-ok = ok
ev-nothing = {""}
ev-and = { $first }; { $then }
ev-parts = { $parts }
join-and = { $a } and { $b }
join-or = { $a } or { $b }
join-nor = { $a } nor { $b }
ev-not-gradable = not gradable: { $error }
ev-grader-fault = not gradable, the grader is at fault: { $why }
ev-failed-while = { $what }: { $error }
ev-answer-refused = { $why }
ev-table-too-long = `{ $table }` holds more than { $cap } rows, far more than { $source }; epreuve reads no further
ev-task-table-too-long = `{ $table }` holds more than { $cap } rows, far more than expected; epreuve reads no further
ev-answer-too-long = { $file } returns more than { $cap } rows
ev-text-length-not-kept = { $engine } does not keep declared VARCHAR(n) lengths: not applicable on this engine
ev-instance-check = an instance check
ev-no-tables-query = the grader names no query listing the default tables
ev-no-head-query = the grader names no head query for this table
ev-no-head-rules = the grader has no [head] rules
ev-no-sizing-rules = the grader has no [sizing] rules
ev-no-timing-task = the grader has no timing task `{ $id }`
ev-no-exam-table = the exam has no table `{ $table }`
ev-no-column = `{ $table }` has no column `{ $column }`
ev-no-value = `{ $table }.{ $column }` has no value
ev-source-no-column = the source has no column `{ $column }`
ev-truth-unloaded = loading the ground truth: { $error }
ev-grader-query-fails = the grader's query fails: { $error }
ev-file-problem = { $file }: { $problem }
ev-table-name = `{ $table }`
ev-column-missing = `{ $column }` is missing
ev-no-row = { $file } returns no row

doing-read-table = reading the table
doing-read-named-table = reading `{ $table }`
doing-read-columns = reading the columns
doing-count-rows = counting the rows
doing-count-rows-of = counting the rows of `{ $table }`
doing-list-catalogue = listing the catalogue
doing-list-indexes = listing the indexes
doing-list-indexes-of = listing the indexes of `{ $table }`
doing-read-plan = reading the plan
doing-read-plan-of = reading the plan of { $query } on `{ $table }`
doing-run-query = the query in { $file } does not run
doing-time-query = the query { $query } on `{ $table }` fails

what-types = types
what-sizes = sizes
what-text-lengths = text lengths
what-values = values
what-file = { $file }
what-table = the table `{ $table }`

ev-columns-all = all { $n } columns of { $source } are in `{ $table }`
ev-columns-missing = `{ $table }` lacks { $missing } of the { $n } columns of { $source }: { $columns }
ev-row-count-same = { $n } rows in `{ $table }`, as in { $source }
ev-row-count-missing = { $source } has { $expected } rows, `{ $table }` has { $found } ({ $difference } missing)
ev-row-count-too-many = { $source } has { $expected } rows, `{ $table }` has { $found } ({ $difference } too many)
ev-head = { $file } shows { $rows } rows of `{ $table }` with every column
ev-default-databases = the { $engine } server answers; { $file } lists { $n } of its databases (field `{ $column }`)
ev-default-tables = the { $engine } database answers; { $file } lists { $n } tables of its catalogue (column `{ $column }`)

ev-columns-nothing-left = { $what }: nothing left to judge; the { $elsewhere } columns concerned are missing or of the wrong type family, which another check counts
ev-columns-none-concerned = { $what }: no column of this table is concerned
ev-columns-all-right = { $what }: all { $ok } columns judged are right{ $elsewhere ->
    [0] {""}
   *[other] {" "}({ $elsewhere } missing or of the wrong type family, counted by another check)
}
ev-columns-some-right = { $what }: { $ok } of { $applicable } columns right{ $elsewhere ->
    [0] {""}
   *[other] {" "}({ $elsewhere } missing or of the wrong type family, counted by another check)
}; { $problems }
hint-look-again = { $what }: look again at { $columns }

family-integer = integer
family-decimal = decimal
family-date = date
family-timestamp = timestamp
family-boolean = boolean
family-text = text
family-none = not a scalar type
ev-type-wrong-family = `{ $column }` is declared { $declared } ({ $declared_family }) but its values are { $family }
ev-size-column = `{ $column }`: { $problem }
ev-size-cannot-hold = { $declared } cannot hold the values { $lo } to { $hi }
ev-size-integer-too-large = { $declared } takes { $bytes } bytes for values { $lo } to { $hi }, which { $needed } bytes hold
ev-size-float = { $declared } is binary floating point; amounts with { $scale } decimals fit an exact { $exact }
ev-size-no-precision = { $declared } declares no precision and scale
ev-size-decimal-too-small = { $declared } is too small for values that need { $needed }
ev-size-decimal-too-large = { $declared } is far larger than the { $needed } the values need
ev-size-no-length = { $declared } declares no maximum length; the longest value has { $longest } characters
ev-size-text-too-short = { $declared } is shorter than the longest value ({ $longest } characters)
ev-size-text-too-long = { $declared } is oversized: the longest value has { $longest } characters (up to { $allowed } accepted)

ev-values-nothing = `{ $table }` holds no row of { $source } to judge
ev-values = values: { $intact } of { $judged } rows intact (paired { $paired }); { $lost } % of the source's filled cells lost
ev-values-and = values: { $intact } of { $judged } rows intact (paired { $paired }); { $lost } % of the source's filled cells lost; { $details }
ev-paired-whole-rows = as whole rows
ev-paired-by = by { $key }
ev-values-foreign = { $n ->
    [one] { $n } row
   *[other] { $n } rows
} equal to no row of the source, first one { $first }
ev-values-foreign-key = { $n ->
    [one] { $n } row
   *[other] { $n } rows
} whose key is not in the source, first one { $first }
ev-values-duplicates = { $n ->
    [one] { $n } row appears
   *[other] { $n } rows appear
} more than once (loaded twice?): the row count judges that, the values are judged once
ev-key-not-in-table = the key { $key } is not all in the table: rows paired as whole rows
ev-key-not-unique = the source holds some { $key } more than once: rows paired as whole rows
hint-values-foreign = values: some rows of `{ $table }` are not rows of { $source }
ev-values-altered = { $n ->
    [one] { $n } row has
   *[other] { $n } rows have
} another value
ev-values-emptied = { $n ->
    [one] { $n } row is
   *[other] { $n } rows are
} empty where the source has a value
ev-values-altered-and-emptied = { $altered } and { $emptied }
ev-value-empty = empty
ev-values-column = `{ $column }`: { $what }
ev-values-column-first = `{ $column }`: { $what }, first one { $first }
ev-values-first-at = { $got } in { $at }
ev-values-first = { $at }: { $got } instead of { $want }
ev-values-first-cut = { $at }: { $got } instead of { $want } (cut)

cmp-extra-columns-named = extra columns ignored: { $columns }
cmp-extra-columns = { $n } extra columns ignored
cmp-columns-missing = { $n ->
    [one] column { $columns } is missing
   *[other] columns { $columns } are missing
}
cmp-rows-missing = { $n ->
    [one] { $n } row
   *[other] { $n } rows
} missing, first one is { $first }
cmp-rows-too-many = { $n ->
    [one] { $n } row
   *[other] { $n } rows
} too many, first one is { $first }
cmp-column-differs = column `{ $column }` differs by { $by } on { $n ->
    [one] { $n } row
   *[other] { $n } rows
}
cmp-up-to-percent = up to { $percent } %
cmp-up-to = up to { $value }
cmp-wrong-order = right rows, wrong order
ev-compare-right = { $what }: the { $rows } rows expected
ev-compare-right-remarks = { $what }: the { $rows } rows expected ({ $remarks })
ev-compare-differs = { $what }: { $parts }
hint-compare-differs = { $what } does not hold what the statement asks yet

ev-index-on = `{ $index }` on ({ $columns })
ev-no-index = `{ $table }` has no index; the search needs one on `{ $column }`
ev-no-index-on-column = no index of `{ $table }` starts with `{ $column }` (found: { $found })
ev-index-used = index `{ $index }` on `{ $table }`({ $column }), and the plan of the statement's search uses it
ev-index-unused = index `{ $index }` on `{ $table }`({ $column }) exists, but the plan of the statement's search does not use it ({ $plan })
hint-index-unused = the index exists, but the engine's plan does not use it

stat-count = count
stat-mean = mean
stat-median = median
stat-first-quartile = first quartile
stat-third-quartile = third quartile
stat-minimum = minimum
stat-maximum = maximum
stat-value = { $value }
stat-value-continuous = { $value } (continuous)
stat-value-discrete = { $value } (discrete)
ev-stat-missing = `{ $name }` ({ $statistic }) is missing
ev-stat-not-number = `{ $name }` is not a number: { $found }
ev-stat-right = { $statistic } { $value }
ev-stat-wrong = `{ $name }`: { $statistic } expected { $expected }, found { $found }
ev-stats-counted = `{ $table }.{ $column }`, { $n } values, missing ones left out
ev-stats-right = { $counted }: { $found }
ev-stats-wrong = { $counted }: { $right } of { $total } right; { $wrong }
hint-stats-wrong = { $right } of { $total } statistics of `{ $column }` are right; look again at { $names }
ev-missing-row-accepted = the row { $label } counts the { $n } missing values: accepted and left out
ev-missing-row-wrong = the row { $label } should count the { $n } missing values, it says { $says }
ev-missing-row-unreadable = the row { $label } should count the { $n } missing values, it says nothing readable

method-mean = the mean
method-median = the median
method-zero = zero
method-mode = the most frequent category
method-none = none of the accepted methods
ev-impute-key-missing = `{ $table }` must keep the key column `{ $key }` of its source
ev-impute-rows-missing = { $n } rows of the source are missing
ev-impute-changed = { $n } values that were present were changed
ev-impute-unfilled = { $n } missing cells are still empty
ev-impute-wrong-method = the { $n } missing cells hold { $value }, which is { $found } ({ $asked } asked)
ev-impute-many-values = the { $n } missing cells hold { $distinct } different values ({ $first }…); one method gives one value
ev-impute-filled = `{ $column }`: { $n } missing cells filled with { $value } ({ $method })
ev-impute-nothing = `{ $column }`: no missing cell in the source
ev-impute-column = `{ $column }`: { $faults }
ev-impute-right = { $columns }; every other value unchanged
ev-impute-wrong = { $right } of { $total } columns imputed as asked; { $problems }
hint-impute-wrong = { $right } of { $total } columns of `{ $table }` are imputed as the statement asks

ev-timing-query = { $query }: { $slow_ms } ms on `{ $slow }`, { $fast_ms } ms on `{ $fast }`, ×{ $ratio } (rounds ×{ $low } to ×{ $high }), { $verdict }
ev-timing-enough = at least ×{ $min } asked
ev-timing-not-enough = not the ×{ $min } the statement asks
ev-timing-reported = reported only
ev-timing-plan-index = the plan on `{ $fast }` uses an index
ev-timing-plan-no-index = the plan on `{ $fast }` uses no index ({ $plan })
ev-timing-slow-gone = the table `{ $table }` loaded at the start is gone: the optimised table has nothing to be compared with
ev-timing-fast-missing = the optimised table `{ $table }` does not exist
ev-timing-rows-differ = `{ $fast }` holds { $fast_rows } rows where `{ $slow }` holds { $slow_rows }: an optimised table keeps every row, so its times prove nothing
hint-timing-not-faster = `{ $fast }` is not enough faster than `{ $slow }` on { $queries }
hint-timing-no-index = the plan of { $queries } on `{ $fast }` reads no index
ev-measurements-unmatched = the measurements cannot be set against epreuve's: { $why }
ev-measure-no-time = { $query } has no time on { $tables }
ev-measure-compared = { $query }: ×{ $theirs } reported, ×{ $ours } measured by epreuve
ev-measure-not-faster = { $compared }: the report does not show the optimised table faster
ev-measure-false-gain = { $compared }: the report shows a gain epreuve does not find
ev-measure-too-large = { $compared }: a gain { $off } times larger than the one measured on the same tables, { $allowed } times at most (a client's own cost shrinks a gain, it never multiplies it)
ev-measure-other-speed = { $compared }: the times differ from one table to the other as if the machine were { $speed } times as slow as the grading one, beyond the { $allowed } times another machine or a busy one explains
ev-measure-faster-than-engine = { $compared }: { $theirs } ms on `{ $table }` is faster than the engine answers that query there ({ $ours } ms measured by epreuve); no client measures less than the engine's own time
ev-measure-right = { $file }: { $queries }
ev-measure-wrong = { $file }: { $right } of { $total } queries right; { $wrong }
hint-measure-wrong = { $file }: { $right } of { $total } queries are reported on both tables with a conclusion and times that hold; at fault: { $queries }
measure-empty = the file is empty
measure-no-separator = the first line `{ $header }` should name the columns requete;table;duree_ms
measure-wrong-columns = the first line names the columns { $columns }, not requete, table and duree_ms
measure-not-duration = line { $line }: `{ $value }` is not a duration in milliseconds
measure-not-positive = line { $line }: a duration must be positive, not { $value }
measure-none = no measurement below the first line

ev-manual-pending = to be scored by the assessor: { $guidance }
ev-manual-scored = scored { $score } / { $weight }{ $by }{ $comment }
ev-manual-by = {" "}by { $assessor }
ev-manual-comment = : { $comment }

## What changed since submission or differs from the centre's record

log-not-an-entry = line { $line } of the action log is not an entry epreuve wrote
log-broken = line { $line } of the action log does not follow the line before it (a line was removed, changed or inserted)
integrity-log = in the action log, { $problem }
integrity-submitted-log = in the submitted log, { $problem }
integrity-bundle-unreadable = the submission of { $at } named by state.json cannot be read ({ $error }); the live workspace was graded
integrity-bundle-unnamed = a submission bundle is in the workspace but state.json names none (state.json was changed?); the live workspace was graded
integrity-answers-unreadable = the answers folder cannot be read: { $error }
integrity-file-refused = the submission holds a file epreuve will not read: { $reason }
integrity-file-uncopied = { $file } cannot be copied for grading: { $error }
integrity-seal-replaced = the seal of the submission is not the one recorded at submission (replaced afterwards)
integrity-no-seal = the submission has no readable seal ({ $error })
integrity-file-changed = { $file } was changed after submission
integrity-file-deleted = { $file } was deleted after submission
integrity-file-unreadable = { $file } cannot be read: { $error }
integrity-file-added = { $file } was added after submission
integrity-log-rewritten = the action log was rewritten after submission (it no longer begins with the log submitted)
integrity-state-differs = state.json records the submission differently from the bundle (its time or its late flag were changed)
integrity-snapshot = the database snapshot ({ $file })
integrity-dump = the dump of the database
integrity-name = { $file }
integrity-late-recorded-on-time = the submission is recorded as on time, but it came after the deadline
integrity-dump-unrestored = the database changed after submission (or does not answer) and the dump frozen then could not be restored ({ $why }); the live database was graded
integrity-database-changed = the database changed after submission (tables, types or row counts differ from the evidence recorded then) and no dump was frozen; it was graded as it is now
integrity-no-class-record = the class's centre has no record of this workspace (its identity in state.json does not match any): its start, deadline, seed and data checksums are the candidate's word alone
integrity-record-differs = the workspace's { $what } ({ $theirs }) differs from the centre's record ({ $ours }); the centre's is used
integrity-database-location = the workspace's database location differs from the centre's record; the centre's is used
record-exam = exam
record-candidate = candidate
record-start = start
record-deadline = deadline
record-seed = seed
record-data = data checksums

## epreuve start, submit, demo

cli-starting = Starting { $engine } via { $route }…
cli-lock-waiting = another epreuve command is using this workspace ({ $holder }); waiting for it to end…
start-ready = Workspace ready: { $title }
start-statement = statement:
start-data = data:
start-answers = answers:
start-deadline = deadline:
start-local-time = { $at } (local time)
start-database = Database:
start-next = `epreuve status --dir { $dir }` shows the time left; `epreuve check` what is still missing; `epreuve watch --dir { $dir }` shows both as you work.
submit-done = Submitted at { $at }. Your answers and a snapshot of your database are frozen and sealed in .epreuve/submissions/{ $bundle }; submitting again replaces them.
submit-done-late = Submitted at { $at }, after the deadline: recorded as late. Your answers and a snapshot of your database are frozen and sealed in .epreuve/submissions/{ $bundle }; submitting again replaces them.
submit-seal = seal: { $seal }
submit-out = The sealed submission is also in { $file }: hand that file to your centre.
demo-start = 1. start { $exam } in { $dir }
demo-apply = 2. apply the solution `{ $solution }`: { $description }
demo-submit = 3. submit
demo-manual = the assessor scores the manual items
demo-grade = 4. grade
demo-kept = The workspace is kept in { $dir }.

## epreuve class

class-preparing = Preparing { $n } workspaces of { $exam } ({ $engine } via { $route })…
class-ready = { $id }: ready
class-not-prepared = { $id }: not prepared: { $why }
class-prepared = { $made } made, { $kept } already there, { $failed } failed, in { $dir }
class-not-handed-out = { $id }: not handed out: { $why }
class-handed-out = { $written } folders written in { $dir } ({ $failed } failed). Each holds catalogue/ and workspace/: on the candidate's machine, `epreuve --catalogue catalogue status --dir workspace`; at the end, `epreuve submit --dir workspace --out <id>.tar`, and the centre gathers the files for `epreuve class collect`.
class-refused = { $file }: refused: { $why }
class-taken = { $id }: taken from { $file }, seal { $seal }
class-collected = { $taken } submissions taken, { $refused } files refused
class-follow-not-prepared = not prepared ({ $why })
class-follow-working = working, deadline { $deadline }
class-follow-overdue = LATE: not submitted, deadline was { $deadline }
class-follow-submitted = submitted at { $at }
class-follow-submitted-late = submitted at { $at } (late)
class-follow-database-answers = database answers
class-follow-database-silent = database does not answer: { $why }
class-grade-bar = { $bar } { $pos }/{ $len } candidates · { $elapsed } · about { $eta } left
class-graded-partly = not gradable: the database did not answer every check (graded again at the next run)
class-not-gradable = not gradable: { $why }
class-graded = { $graded } graded, { $kept } unchanged since their last grading
class-graded-interrupted = { $graded } graded, { $kept } unchanged since their last grading, { $left } left (interrupted: run it again to go on)
class-gradescope-written = { $written } results.json written in { $dir } ({ $ungradable } candidates not gradable)
class-html-written = { $index } written, with a page per candidate ({ $n }) in { $dir }

## epreuve images build

images-kept = { $image }: already built, kept
images-building = { $image }: building…
images-built = { $image }: built in { $seconds } s
images-ready = The local images are ready: start with `--via docker --images local`.

## Errors

cli-error = error: { $what }
cli-format-class-report-only = `--format { $format }` is written by `class report` only: other commands write `table` or `json`
cli-format-table-only = `{ $command }` shows people what happens: it writes no `--format { $format }`
cli-format-needs-out = `--format { $format }` writes files: say in which folder with `--out DIR`
err-text = { $text }
db-query-writes = the query tries to change the database; only SELECT queries are accepted here
db-query-several-prepared = the file holds more than one statement; keep a single SELECT (PostgreSQL refuses to prepare several)
db-query-none = the file holds no query
db-query-no-rows = the file holds a statement that returns no rows: only SELECT queries are accepted here; they may not change the database
db-query-several = the file holds more than one statement; keep a single SELECT
db-statement-late = the statement did not finish in time
db-no-sql = { $engine } does not read SQL: { $doing } needs an SQL engine
db-query-is-mongodb = this is a MongoDB command: an SQL database runs SQL
db-query-is-sql = this is SQL: MongoDB runs a command written in JSON
db-no-csv = { $engine } does not load CSV files here
db-insert-failed = inserting into `{ $table }`: { $error }
db-column-twice = the result names the column `{ $column }` twice; give each column its own name (AS …)
db-duckdb-parse-late = DuckDB could not read the query in time
db-query-not-select = the file holds a statement that is not a SELECT: only SELECT queries are accepted here; they may not change the database
db-query-statements = the file holds { $n } statements; keep a single SELECT (DuckDB reads them as { $n })
db-query-trailing = the query cannot be read as a single SELECT once its trailing comments and semicolons are set aside; remove them
db-load-write = writing the rows of `{ $table }` for loading: { $error }
err-path-text = { $path }: { $text }
err-io = cannot { $action } { $path }: { $error }
err-io-action = cannot { $action }: { $error }
err-cannot-read = cannot read { $path }: { $error }
err-fs-missing = { $path } does not exist
err-fs-outside = { $path } leads to { $target }, outside { $root }; epreuve reads only files that lie inside it
err-fs-not-regular = { $path } is { $kind }, not a regular file; epreuve reads only regular files
err-fs-too-many = { $path } holds more than { $limit } files and folders, the most epreuve looks at in one folder
err-fs-too-large = { $path } is larger than { $limit } bytes, the most epreuve reads for such a file
err-fs-busy = another epreuve command ({ $holder }) is using the workspace { $path } and did not finish within { $seconds } s; wait for it to end, then try again
err-no-workspace = there is no workspace at { $path } (the folder does not exist); start one with `epreuve start <exam> --dir { $path }`
err-not-a-workspace = { $path } is not an epreuve workspace: it has no .epreuve/state.json
err-wrong-engine = the exam { $exam } does not run on { $engine }: it is written for { $engines } (--engine)
err-not-empty = { $path } already exists and is not empty; choose a new folder so that nothing in it is overwritten
err-bad-state = the workspace state { $path } is damaged: { $why }
state-version = it is of version { $found }, and this epreuve reads version { $reads }
state-holds-accounts = it holds the grading or administrator account of the database, which epreuve keeps on the centre's side only
state-database-field = the database { $what } is not one epreuve would record (`{ $value }`)
state-workspace-id = the workspace identifier `{ $id }` is not one epreuve draws (32 hexadecimal digits)
state-exam-not-a-name = the exam `{ $name }` is not a name (letters, digits, `-` and `_` only)
state-candidate-empty = the candidate identifier is empty; give one with --candidate
state-candidate-bad = the candidate identifier `{ $candidate }` is not allowed: use 1 to 64 letters, digits, `-`, `_`, `.` or `@`
state-data-file = the data file `{ $name }` is not a plain file name
state-bundle-name = the submission is recorded in `{ $name }`, a folder name epreuve does not give
location-file = the database file is recorded as `{ $file }`; epreuve only ever uses `{ $expected }` inside the workspace
location-server-dir = the local server's folder is recorded as `{ $dir }`; epreuve only ever uses `{ $expected }` inside the workspace
location-container = the container is recorded as `{ $container }`, a name epreuve does not give
err-data-changed = the data file data/{ $file } was { $what } since the exam started and the catalogue has no original copy with the recorded checksum; put the original file back in data/
data-changed = changed
data-deleted = deleted
err-generate = cannot generate the data files: { $why }
err-preload = cannot load the table `{ $table }` for the candidate: { $why }
err-bundle-file = { $path }: { $why }
bundle-not-submitted = nothing to write: the workspace has not been submitted (`epreuve submit`)
bundle-other-exam = it is a submission of the exam `{ $found }`, not of `{ $expected }`
bundle-other-candidate = it is the submission of `{ $found }`, not of `{ $expected }`
bundle-other-workspace = its action log does not go on from the log of the workspace prepared for `{ $candidate }`: it was not made from that workspace
bundle-not-a-file = not a file
bundle-no-facts = its submission.json cannot be read
bundle-log-broken = its action log is broken: { $problem }
bundle-not-tar = not a submission file written by `epreuve submit --out` ({ $error })
bundle-too-many = it holds more than { $max } files and folders, the most epreuve reads of a submission
bundle-too-large = it holds more than { $max } bytes, the most epreuve reads of a submission
bundle-twice = it holds `{ $entry }` twice
bundle-entry-unreadable = `{ $entry }` cannot be read ({ $error })
bundle-name-unreadable = an entry's name cannot be read ({ $error })
bundle-outside = it holds `{ $entry }`, outside `{ $prefix }/`
bundle-climbs = it holds `{ $entry }`, a path that climbs out
bundle-not-regular = it holds `{ $entry }`, which is not a regular file ({ $kind }); a submission holds only files
bundle-no-seal = it has no seal: it is not a submission bundle
bundle-seal-unreadable = its seal cannot be read ({ $error })
bundle-seal-broken = the seal is broken: { $broken }
bundle-file-changed = { $file } was changed
bundle-file-missing = { $file } is missing
bundle-file-added = { $file } was added
collect-named-for-other = the file is named for `{ $named }` but holds the submission of `{ $candidate }`
collect-not-in-class = it is the submission of `{ $candidate }`, who is not in the class
collect-several = `{ $candidate }` has { $n } submission files ({ $files }): keep the one to grade
collect-unreadable = cannot be read: { $error }
err-db-missing = the database file { $path } does not exist
err-db-locked = the database file { $path } is locked by another program ({ $detail }); close the DuckDB session, notebook or DBeaver connection that uses it and try again
err-db-newer-format = the database file { $path } was created by a newer DuckDB than the one epreuve reads (DuckDB 1.5: files of DuckDB 1.5 and earlier, or files epreuve made and a later DuckDB wrote to): { $detail }; work in the workspace's own database file, or copy your tables into it
err-db-unavailable = the database { $target } cannot be opened: { $detail }
err-db-timeout = the query was stopped after { $seconds } s
err-db-denied = the database refused the grading account ({ $detail }); rights or row-level security policies set on the candidate's tables keep the grader from reading them
err-db-internal = the database failed while running `{ $sql }`: { $detail }
err-no-docker = Docker is not available ({ $detail }). Start the Docker daemon, or take the exam without it: `--via local` starts a server from the programs installed on this machine, and an SQL exam taken without --engine uses the embedded DuckDB database
err-image-missing = the image { $image } is not available: { $detail }. { $hint }
err-port-taken = port { $port } on 127.0.0.1 is already taken ({ $detail }); choose another with --port, or leave it out to get a free one
err-docker = Docker could not { $action }: { $detail }
err-not-installed = `{ $program }` was not found; install the Debian package { $package }, or use --via docker
err-server-failed = the { $what } did not start: { $detail }
err-not-ready = the { $what } did not answer `SELECT 1` within { $seconds } s: { $detail }
err-bad-url = --url: { $detail }
err-unreachable = cannot connect to { $url }: { $detail }. Check the host, port, user and password
err-database-exists = the database { $name } already exists on { $url }; use another --candidate, or drop it if it is left from an earlier session
err-cancelled = cancelled: everything started so far was removed
err-csv = { $path }: line { $line }: { $why }
err-workbook = { $path }: the workbook cannot be opened: { $why }
err-missing-sheet = { $path }: there is no sheet named `{ $sheet }` (the workbook has: { $available })
err-no-header = { $path }: { $what } has no header row (the first non-empty row must name the columns)
err-json = { $path }: invalid JSON at line { $line }, column { $column }: { $why }
err-duplicate-column = { $path }: the column `{ $column }` appears twice in the header
err-write-workbook = cannot write the workbook { $path }: { $why }
err-frame = cannot build a frame for { $path }: { $why }
err-not-a-catalogue = { $root } is not an exam catalogue (it has no exercises/ folder); set EPREUVE_CATALOGUE or pass --catalogue
err-unknown-exam = there is no exam `{ $id }` in the catalogue (known exams: { $known }); `epreuve exams` lists them
err-candidate-pack = { $root } is a candidate's catalogue (made by `epreuve pack`): it holds the public checks only, so { $what } needs the centre's full catalogue; pass it with --catalogue or EPREUVE_CATALOGUE
err-manifest = { $file } is not a valid manifest: { $why }
err-refusal-no-rows = the statement returns no rows
err-refusal-several = more than one statement
err-evaluation = { $path }: { $why }
err-live-output = cannot write to the terminal: { $error }
err-class-roster = { $path }, line { $line }: the roster { $why }
err-class-none = { $dir } is not a class folder (no class.toml): `epreuve class prepare ROSTER --exam … --dir { $dir }` makes one
err-class-other-exam = { $dir } holds a class of `{ $found }`, not `{ $asked }`: choose another folder
err-class-manifest = { $path } cannot be read: { $why }
roster-not-utf8 = is not UTF-8 text (save the roster as CSV UTF-8)
roster-unreadable = cannot be read: { $error }
roster-unknown-column = names a column `{ $column }` that epreuve does not know (columns: id, name, and optionally email and extra_time; in French identifiant, nom, courriel, tiers_temps)
roster-column-twice = names the column `{ $column }` twice
roster-no-id-name = must name the columns `id` and `name` (or `identifiant` and `nom`)
roster-no-name = gives no name for `{ $id }`
roster-bad-email = gives `{ $email }` as an email address
roster-repeated = gives the identifier `{ $id }` again (first on line { $first })
roster-same-but-case = gives `{ $id }`, which differs from `{ $other }` (line { $first }) only by case: their folders would be one on a file system that ignores case
roster-same-on-server = gives `{ $id }`, which a server names as it names `{ $other }` (line { $first }): both would share the database epreuve_{ $server }
roster-empty = has no candidate
roster-no-id = gives no identifier
roster-id-too-long = gives an identifier longer than { $max } characters
roster-bad-id = gives the identifier `{ $id }`: use letters, digits, `_`, `-` and `.` only (it names the candidate's folder)
roster-bad-extra = gives `{ $text }` as extra time: write minutes (`30`) or a duration (`1h30m`)
err-solution = solution { $solution }: { $why }
err-public-only = { $grader } holds the public checks only (public_only = true): grading needs the centre's full catalogue
err-evaluation-unreadable = the assessor's file { $path } cannot be read (--evaluation): { $error }
err-evaluation-in-workspace = the assessor's file { $path } lies inside the candidate's workspace, where the candidate can write; keep the scores in a folder of yours and pass that file with --evaluation
action-create = create
action-read = read
action-write = write
action-copy = copy
action-write-the-log = write the log
action-sync = sync
action-open = open
action-open-the-folder = open the folder
action-move = move
action-lock = lock
action-examine = examine
action-resolve = resolve
action-find-a-free-port = find a free port
action-create-a-temporary-folder = create a temporary folder
kind-a-file = a file
kind-a-folder = a folder
kind-a-fifo-named-pipe = a FIFO (named pipe)
kind-a-device = a device
kind-a-socket = a socket
class-report-head = Exam { $exam } · { $graded } of { $candidates } candidates graded · mean { $mean } · median { $median } (of { $max })
class-report-spread = Score spread
class-report-acquired = acquired
class-report-judged = judged
class-report-share = share
class-report-failed = failed
class-report-graded = graded
class-report-failure-rate = failure rate
class-report-failing = Checks that fail, most failed first
class-report-candidate = candidate
class-report-name = name
class-report-criteria-acquired = criteria acquired
class-report-notes = notes
class-report-copies = Tables holding someone else's data (each candidate's data comes from their own seed)
class-report-similar = Saved queries that look alike (a lead to look at, not a verdict)
class-report-similar-pair = { $file }: { $a } and { $b }, { $share }
class-result-changed = { $id }: results/{ $id }.json no longer matched its seal (changed since it was written): graded again
class-report-seal = collected, seal { $seal }
class-similar-skipped = { $candidate }: { $n } saved queries beyond the first { $max } were not compared
class-similar-cut = { $candidate }: { $file } was compared on its first { $kib } KiB only
class-duration-overflow = the exam's duration ({ $duration }) and the { $extra } minutes of extra time of { $candidate } add up past what a duration holds: give a shorter --duration
err-down-no-record = the centre has no record of {$workspace} (in {$centre}): on a shared server epreuve drops only what its record says it created for this workspace, never what the workspace's state.json names (pass --centre with the folder of the centre that started it)
err-catalogue-in-workspace = { $catalogue } lies inside the candidate's workspace { $workspace }, where the candidate writes: it cannot be the catalogue that grades (give --catalogue a folder of the centre's)
grade-catalogue = Graded with the catalogue { $catalogue }
class-copied = { $candidate }'s table { $table } holds { $rows } of its { $table_rows } rows from { $owner }'s { $source }: rows drawn for { $owner } alone, from the centre's secret, so they came from { $owner }'s files; { $owner } is their source, not a suspect
class-copied-at-least = { $candidate }'s table { $table } holds at least { $rows } of its { $table_rows } rows from { $owner }'s { $source }: rows drawn for { $owner } alone, from the centre's secret, so they came from { $owner }'s files; { $owner } is their source, not a suspect
class-copied-preview = { $candidate }'s table { $table } holds { $rows } of its { $table_rows } rows from the catalogue's preview { $source }
class-copied-preview-at-least = { $candidate }'s table { $table } holds at least { $rows } of its { $table_rows } rows from the catalogue's preview { $source }
class-nothing-moved = No score moved.

## The class's HTML pages

html-class-title = Class report: { $exam }
html-class-head = { $graded } of { $candidates } candidates graded · mean { $mean } · median { $median } · out of { $max } points
html-band = { $from } to { $to }
html-band-count = { $from } to { $to }: { $n ->
    [one] { $n } candidate
   *[other] { $n } candidates
}
html-bands-caption = Candidates per score band
html-band-header = score band
html-candidates = candidates
html-spread-title = Score spread, points out of { $max }
html-criteria-acquired = Criteria acquired
html-share-of = { $share } ({ $acquired } of { $judged })
html-criteria-caption = Share of candidates who acquired each criterion
html-checks-failing = Checks that fail most
html-what-it-checks = what it checks
html-copies = Tables holding someone else's data
html-copies-why = Each candidate's data comes from their own seed: rows of another candidate's data, or of the catalogue's preview, in a table prove the data was copied.
html-rows-of = { $rows } of { $of }
html-rows-at-least = at least { $rows } of { $of }
html-copies-caption = Copied rows, with the first rows as evidence
html-table = table
html-data-of = data of
html-rows = rows
html-first-rows = first rows
html-similar = Saved queries that look alike
html-similar-why = A lead to look at, never a verdict: two candidates who write the textbook query write the same text.
html-similar-caption = Pairs of saved queries, most similar first
html-file = file
html-similarity = similarity
html-candidates-heading = Candidates
html-candidates-caption = Every candidate, in the roster's order
html-back = Class report
html-copied-data = Copied data
html-criteria = Criteria
html-points-caption = Points per criterion
html-verdicts-caption = Points and verdict per criterion
html-checks = Checks
html-checks-caption = Every check, with what it found

## db up / db down, pack, the assessor's evaluation template

db-up-answers = The database answers.
db-down-embedded = The embedded DuckDB file has no server to stop; it stays in the workspace.
db-down-docker = The container and its volume were removed.
db-down-local = The local server was stopped; its files stay in .epreuve/server/ (`epreuve db up` starts it again).
db-down-url = The candidate's database and roles were dropped from the server.
pack-written = Candidate catalogue written to { $out } ({ $exams }).
    It holds the statements, the data previews and the public checks:
pack-kept = kept      { $entry }
pack-left-hidden-check = left out  { $entry } (hidden check)
pack-left-hidden-query = left out  { $entry } (its expected values come from a hidden query)
pack-left-hidden-task = left out  { $entry } (hidden task)
pack-left-manual = left out  { $entry } (scored by the assessor)
pack-use = On a candidate's machine, `EPREUVE_CATALOGUE={ $out }` lets start, status, check and submit run; grade and demo need the full catalogue.
evaluation-template-head = Scores of the items epreuve cannot check itself. Give each `score` (0 to the
    weight) and, if you like, a `comment`; `epreuve grade` merges them into the report.
manifest-here = here
cli-missing = these arguments are required and missing:{ $args }
cli-invalid-value = `{ $value }` is not a value of { $arg } (possible values: { $possible })
cli-unknown-argument = unexpected argument `{ $arg }`
cli-unknown-command = unknown command `{ $command }`
cli-more = For more information, try `--help`.
cli-did-you-mean = {" "}(did you mean `{ $what }`?)
err-step-failed = cannot { $action }: { $detail }
action-create-the-mariadb-system-tables-mariadb-install-db = create the MariaDB system tables (mariadb-install-db)
action-give-the-server-folder-to-the-postgres-user = give the server folder to the postgres user
action-create-the-postgresql-cluster-initdb = create the PostgreSQL cluster (initdb)
action-start-the-postgresql-server-pg-ctl-start = start the PostgreSQL server (pg_ctl start)
err-unknown-solution = exam { $exam } has no solution `{ $name }` (its solutions: { $known })

## The catalogue's manifests: what does not agree in exam.toml and grader.toml
exam-id-folder = the manifest says id = "{ $id }" but lives in the folder `{ $folder }`
exam-no-duration = duration: an exam needs some time
exam-no-engine = engines = []: an exam runs on at least one engine (duckdb, postgres, mariadb, mongodb)
exam-dataset-name = dataset = "{ $dataset }" is not a folder name of datasets/
exam-table-file-name = table `{ $table }` is loaded from `{ $file }`, which is not a file name of the dataset
exam-table-file-missing = table `{ $table }` is loaded from `{ $file }`, which is not in { $dir }
exam-preload-missing = the preload schema `{ $schema }` is missing
exam-statement-missing = the statement `{ $statement }` is missing
exam-duration = `{ $text }` is not a duration such as `2h` or `90min`: { $error }
pack-not-empty = the folder is not empty; pack into a new folder
generator-stores = [generator] stores = { $stores }: give between 1 and 999 stores
generator-sales = [generator] sales = { $sales }: give between 1 and 50,000,000 sales lines
generator-boundary-store = [generator.boundary] store = "{ $store }": give the code of one of the { $stores } stores generated (MAG001 to { $last }), and at least 2 stores
generator-boundary-amount = [generator.boundary] amount_cents = { $amount }: give a positive amount in cents, under a million euros
generator-boundary-sales = [generator.boundary] needs at least 100 sales lines to plant its sales among
grader-other-exam = grades the exam `{ $grader }`, not `{ $exam }`
grader-no-sizing = judges sizes but has no [sizing] table
grader-no-head = judges the first rows but has no [head] table
grader-twice = two tasks or manual items are called `{ $id }`
grader-rules-unknown-table = has rules for the table `{ $table }`, which the exam does not ask for
grader-task-table = the task `{ $task }` reads the table `{ $table }`, which the exam does not have (it has { $tables })
grader-runs = the task `{ $task }` times each query { $runs } times; a median needs at least 3 runs
grader-gain-engine = the query `{ $query }` of the task `{ $task }` asks a gain on `{ $engine }`, which is not an engine ({ $engines })
grader-query-placeholder = the query `{ $query }` of the task `{ $task }` does not name its table as { $placeholder }
grader-measurements-timing = the task `{ $task }` compares the candidate's measurements with the timing task `{ $timing }`, which the grader does not have
grader-weight-check = [checks.{ $check }] weight = { $value }: give a number from 0 to 1000
grader-weight-task = the task `{ $task }`: weight = { $value }: give a number from 0 to 1000
grader-weight-manual = the manual item `{ $item }`: weight = { $value }: give a number from 0 to 1000
grader-plan-share = the task `{ $task }`: plan_share = { $value }: give a share from 0 to 1
grader-min-ratio = the query `{ $query }` of the task `{ $task }`: min_ratio = { $value }: give a ratio above 0
grid-share = the indicator `{ $indicator }`: { $name } = { $value } for `{ $check }`: give a share from 0 to 1
grid-unknown-check = the indicator `{ $indicator }` names the check `{ $check }`, which the grader does not run
grid-other-criterion = the indicator `{ $indicator }` is of { $criterion }, but the check `{ $check }` counts for { $of }
grid-unknown-part = the indicator `{ $indicator }` names the part `{ $part }` of `{ $check }`, which judges { $parts }
grid-unknown-part-none = the indicator `{ $indicator }` names the part `{ $part }` of `{ $check }`, which judges no parts
grid-unknown-indicator = the grid names the indicator `{ $indicator }`, which is not one of the referential's ({ $known })
grid-twice = the grid has the indicator `{ $indicator }` twice
grid-criterion-not-evaluated = the indicator `{ $indicator }` is of { $criterion }, which the exam does not evaluate
grid-no-check = the indicator `{ $indicator }` names no check
grid-check-uncovered = the check `{ $check }` counts for { $criterion }, whose grid has no indicator that reads it

## Getting a database: what epreuve was doing, and what went wrong
action-start-the-async-runtime = start the async runtime
action-create-the-container = create the container
action-start-the-container = start the container
action-list-containers = list containers
action-pack-the-build-context = pack the build context
action-run-debootstrap = run debootstrap
action-pack-the-root-file-system = pack the root file system
action-read-dev-urandom = read /dev/urandom
action-run-mariadbd-bootstrap = run mariadbd --bootstrap
action-write-to-mariadbd-bootstrap = write to mariadbd --bootstrap
action-create-the-server-s-log = create the server's log
action-record-the-server-s-process = record the server's process
action-write-the-password-file = write the password file
action-create-path = create { $path }
action-start-path = start { $path }
action-remove-container = remove the container { $name }
action-inspect-container = inspect the container { $name }
action-use-container = use the container { $name }
action-publish-port = publish the port of { $name }
action-start-container = start the container { $name }
action-import-image = import { $image }
action-build-image = build { $image }
what-server = { $engine } server
what-container = container { $name }
what-debootstrap = debootstrap program
what-tar-root = tar of the root file system
docker-no-answer = the daemon did not answer within 5 s
image-hint-official = On a machine that reaches no registry, build images from Debian's packages with `epreuve images build` and start with `--images local`
image-hint-local = Build it with `epreuve images build`
image-not-built = it has not been built on this machine
image-pull-failed = pulling it failed ({ $error })
image-none-local = Debian ships no { $engine }, so `epreuve images build` makes no image of it: start with the official image ({ $image }), or with --via local or --via url
container-not-ours = it was not made by epreuve for this workspace (its labels name another); epreuve leaves it alone
container-stopped =
    it stopped with exit code { $code }; its last lines:
    { $log }
port-none-bound = no host port was bound
debootstrap-failed = { $status }: { $error } (it needs root and Debian's mirror { $mirror })
route-duckdb-embedded = DuckDB is embedded: it needs no server, so `--via { $route }` does not apply; leave out --via
route-server-needs-via = { $engine } is a server: choose --via docker, --via local or --via url
url-needs-url = --via url needs --url postgres://user:password@host:5432/postgres (or mysql://…), the centre's account
url-other-engine = the URL is a { $url } server but --engine is { $engine }
url-drop-needs-account = dropping a database on the centre's server needs the centre's account: pass --url (or EPREUVE_DB_URL)
url-other-server = the workspace's database is on { $host }:{ $port }, not on the server of --url
url-not-ours = `{ $database }` is not a database epreuve created
postgres-cannot-reach = PostgreSQL runs as the `postgres` user, which cannot reach { $dir }; make the workspace's parent folders traversable (chmod o+x) or start as another user
mariadb-passwords-failed = setting the passwords failed: { $error }
server-exited =
    { $status }; the end of its log:
    { $log }
server-no-answer-yet = no answer on the port yet
mongod-not-there = mongodb-org (EPREUVE_MONGOD names a program that is not there)
url-not-a-url = `{ $url }` is not a URL like postgres://user:password@host:5432/db
url-mongodb-srv = `mongodb+srv://` names a cluster through DNS, which epreuve does not look up; give one server as mongodb://user:password@host:27017/
url-unknown-scheme = `{ $scheme }://` is not a server epreuve knows; use postgres://, mysql:// or mongodb://
url-no-user = `{ $url }` gives no user (user:password@host)
url-bad-port = `{ $port }` is not a port number in `{ $url }`
url-no-host = `{ $url }` needs a user and a host

## The database did not answer as it should
db-not-sql-server = { $engine } is not an SQL server
db-not-a-server = { $engine } is not a server
db-internal-late = no answer within { $seconds } s (the query was cancelled)
db-no-count = no count returned
db-no-answer = no answer within { $seconds } s
db-server-stopped = the server stopped answering: no reply within { $seconds } s, and a new connection to cancel the query failed
mongo-json-deep = the JSON is nested deeper than { $levels } levels
mongo-not-json = the file is not JSON: { $error }
mongo-not-extended-json = the file is not Extended JSON: { $error }
mongo-command-not-document = a command is not a document: { $value }
mongo-not-a-command = not a command: { $value }
mongo-no-winning-plan = the server's explain holds no winning plan
mongo-host-unknown = the host `{ $host }` is not found: { $error }
mongo-host-no-address = the host `{ $host }` has no address
mongo-no-server = no server answers ({ $error })
freeze-line-long = line { $line } is longer than 64 MiB
freeze-line-bad = line { $line }: { $error }
freeze-line-not-document = line { $line } is not a document
freeze-line-neither = line { $line } is neither a collection nor a document

## A candidate's saved MongoDB query that epreuve does not run
mongo-query-no-object = the file holds no JSON object: write one { $example } naming find or aggregate
mongo-query-field = `{ $key }` is not a field epreuve reads here (it reads { $fields })
mongo-query-pipeline-list = `pipeline` is not a list of stages
mongo-query-no-pipeline = an aggregate names its `pipeline`
mongo-query-stage = each stage of `pipeline` is an object, such as { $example }
mongo-query-none = the object names no query: write "find", "aggregate", "listDatabases" or "listCollections"
mongo-query-deep = the query nests deeper than { $levels } levels
mongo-query-writes = `{ $key }` writes to the database or runs code on the server; a saved query only reads
mongo-query-javascript = the query holds JavaScript code, which epreuve never runs
mongo-query-collection = `{ $key }` names a collection, as a string
mongo-query-object = `{ $key }` is an object, such as { $example }
mongo-query-whole = `{ $key }` is a whole number
mongo-query-not-negative = `{ $key }` is a whole number, 0 or more
db-query-outside = the query reaches outside the database (files, network, settings or extensions), which grading does not allow: { $error }
db-internal-stopped = no answer within { $seconds } s (the query was stopped)

## A data file that does not read
data-the-file = the file
data-sheet = sheet `{ $sheet }`
data-csv-not-utf8 = the file is not UTF-8 text (save it again as CSV UTF-8)
data-csv-fields = this line has { $fields } fields where the header has { $header }
data-xlsx-damaged = it is damaged in a way the workbook reader could not handle
data-xlsx-no-sheet = it has no sheet
data-xlsx-sheet = sheet `{ $sheet }`: { $why }
data-xlsx-password = it is password-protected (save a copy without a password)
data-xlsx-invalid = it is not a valid xlsx file (damaged or of another format: { $error })
data-sheet-bytes = the sheet { $sheet } unpacks to { $bytes } bytes, more than the { $limit } epreuve reads
data-sheet-more-bytes = the sheet { $sheet } unpacks to more than the { $limit } bytes epreuve reads
data-sheet-cell-out = the sheet { $sheet } has a cell at `{ $cell }`, past the last row and column a workbook can have (XFD1048576)
data-sheet-area = the sheet { $sheet } spans { $rows } rows and { $columns } columns ({ $area } cells, most of them empty): a cell lies far from the others; move it back or remove it
data-json-document = the document
data-json-no-key = { $at } has no key `{ $key }`
data-json-not-array = `{ $at }` should be an array of objects
data-json-not-object = { $at } should be an object but is { $kind }
json-null = null
json-boolean = a boolean
json-number = a number
json-string = a string
json-array = an array
json-object = an object

## The assessor's evaluation file
evaluation-not-a-file = is not a file the assessor wrote (it does not exist, or it is a folder or a device)
evaluation-too-large = is larger than { $bytes } bytes; it should hold a score per manual item
evaluation-unreadable = cannot be read: { $error }
evaluation-unknown-item = scores an item `{ $item }` the exam does not have (its items: { $items })
evaluation-score-range = `{ $item }` is scored { $score }, outside 0 to { $weight }

## A shipped solution that does not fit its exam
solution-step-failed = { $what }: { $error }
solution-no-answers = its answers folder { $folder } does not exist
solution-base-no-answers = takes its answers from `{ $base }`, which has no answers folder
solution-unknown-timing = measures the timing task `{ $timing }`, which the grader does not have
solution-header-separator = its measurements' header `{ $header }` has no separator
doing-load-table = loading `{ $table }`
doing-run-file = running { $file }
doing-timing = timing { $query } on `{ $table }`

## A server database dumped into a submission, or restored from one
dump-no-server = DuckDB has no server to dump
dump-mongodb-driver = MongoDB is frozen through the driver
dump-own-program = { $engine } is dumped by its own program
restore-no-server = no local server to restore it into: { $error }
restore-duckdb = DuckDB has no server to restore into
restore-own-program = { $engine } is restored by its own program
restore-mongodb-driver = MongoDB is restored through the driver
program-cannot-run = { $program } could not run: { $error }
program-failed = { $program } failed ({ $status }): { $error }
program-too-long = { $program } did not finish within { $seconds } s
program-error = { $program }: { $error }

## How a long start goes
progress-generating = generating the data: { $done } of { $all } sales lines
progress-generated = generated { $lines } sales lines in { $seconds } s ({ $rate } lines/s)
progress-loading = loading `{ $table }`: { $done } of { $all } lines
progress-loaded = loaded { $lines } lines into `{ $table }` in { $seconds } s

## A candidate of a class that could not be graded
class-grade-panicked = epreuve failed on this candidate ({ $panic }); the others were graded
class-not-graded-yet = not graded yet: `epreuve class grade` grades the class
class-result-unsealed = { $file } no longer matches the seal written beside it (changed by hand, or written by an older epreuve): `epreuve class grade` grades it again
gradebook-unanswered = not gradable: the database did not answer every check; `epreuve class grade` asks it again
gradebook-not-gradable = not gradable: { $why }
handout-exists = { $folder } exists already: hand out into a new folder
status-waiting = waiting for the assessor
live-check-no-answer = the check stopped without an answer
cli-lang-unknown = epreuve speaks fr and en (`{ $text }` is not one of them)
log-checks-missing = { $missing } public checks not yet satisfied
demo-no-exam = the catalogue holds no exam
kind-not-a-plain-file = not a plain file
fs-not-utf8 = { $path }: it is not UTF-8 text (save it as UTF-8)
sql-needs-insert = INSERT statements
sql-needs-table = a table of columns
sql-needs-drop-column = dropping a column
mongo-no-server-within = no server answers within { $seconds } s
mongo-authentication = authentication failed: { $error }
mongo-command-failed = { $command }: { $error }
owner-preview = the catalogue's preview
follow-no-workspace = no workspace
