//! The catalogue: a folder with `exercises/`, `datasets/` and `graders/`.

use std::path::{Path, PathBuf};

use epreuve_i18n::{Said, said};

use crate::error::parse_toml;
use crate::{CheckKind, ExamError, ExamManifest, GraderManifest, SolutionManifest, TaskCheck};

/// A catalogue of exams on disk.
#[derive(Debug, Clone)]
pub struct Catalogue {
    root: PathBuf,
}

/// One exam of the catalogue, with its manifest read and checked.
#[derive(Debug, Clone)]
pub struct Exam {
    /// The manifest.
    pub manifest: ExamManifest,
    /// Folder of the exam (`exercises/<id>`).
    pub dir: PathBuf,
    /// Folder of its data files (`datasets/<dataset>`).
    pub dataset_dir: PathBuf,
    /// Folder of its grader (`graders/<id>`).
    pub grader_dir: PathBuf,
}

impl Catalogue {
    /// Opens the catalogue at `root`.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, ExamError> {
        let root = root.into();
        if !root.join("exercises").is_dir() {
            return Err(ExamError::NotACatalogue { root });
        }
        Ok(Self { root })
    }

    /// Where the catalogue is.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Identifiers of every exam, sorted.
    pub fn exam_ids(&self) -> Result<Vec<String>, ExamError> {
        folders_holding(&self.root.join("exercises"), "exam.toml")
    }

    /// Every exam, read and checked.
    pub fn exams(&self) -> Result<Vec<Exam>, ExamError> {
        self.exam_ids()?.iter().map(|id| self.exam(id)).collect()
    }

    /// The exam called `id`.
    pub fn exam(&self, id: &str) -> Result<Exam, ExamError> {
        if !is_exam_id(id) {
            return Err(ExamError::UnknownExam {
                id: id.escape_default().to_string(),
                known: self.exam_ids()?.join(", "),
            });
        }
        let dir = self.root.join("exercises").join(id);
        let path = dir.join("exam.toml");
        if !path.is_file() {
            return Err(ExamError::UnknownExam {
                id: id.to_owned(),
                known: self.exam_ids()?.join(", "),
            });
        }
        let manifest: ExamManifest = parse_toml(&path)?;
        let inconsistent = |message: Said| ExamError::Inconsistent {
            file: path.display().to_string(),
            message,
        };
        if manifest.id != id {
            return Err(inconsistent(said!(
                "exam-id-folder",
                id = &manifest.id,
                folder = id
            )));
        }
        if let Some(generator) = &manifest.generator {
            check_generator(generator).map_err(inconsistent)?;
        }
        if manifest.duration.is_zero() {
            return Err(inconsistent(said!("exam-no-duration")));
        }
        if manifest.engines().is_empty() {
            return Err(inconsistent(said!("exam-no-engine")));
        }
        let is_plain = |name: &str| {
            !name.is_empty() && !name.contains(['/', '\\']) && name != "." && name != ".."
        };
        if !is_plain(&manifest.dataset) {
            return Err(inconsistent(said!(
                "exam-dataset-name",
                dataset = &manifest.dataset
            )));
        }
        if let Some(bad) = manifest.tables.iter().find(|t| !is_plain(&t.source.file)) {
            return Err(inconsistent(said!(
                "exam-table-file-name",
                table = &bad.name,
                file = &bad.source.file
            )));
        }
        let dataset_dir = self.root.join("datasets").join(&manifest.dataset);
        for table in &manifest.tables {
            if !dataset_dir.join(&table.source.file).is_file() {
                return Err(inconsistent(said!(
                    "exam-table-file-missing",
                    table = &table.name,
                    file = &table.source.file,
                    dir = dataset_dir.display().to_string()
                )));
            }
        }
        if let Some(preload) = &manifest.preload
            && !dir.join(&preload.schema).is_file()
        {
            return Err(inconsistent(said!(
                "exam-preload-missing",
                schema = &preload.schema
            )));
        }
        for statement in [&manifest.statement.fr, &manifest.statement.en] {
            if !dir.join(statement).is_file() {
                return Err(inconsistent(said!(
                    "exam-statement-missing",
                    statement = statement
                )));
            }
        }
        Ok(Exam {
            grader_dir: self.root.join("graders").join(id),
            manifest,
            dir,
            dataset_dir,
        })
    }
}

impl Exam {
    /// The exam's grading rules, checked against its manifest.
    pub fn grader(&self) -> Result<GraderManifest, ExamError> {
        let path = self.grader_dir.join("grader.toml");
        let grader: GraderManifest = parse_toml(&path)?;
        let inconsistent = |message: Said| ExamError::Inconsistent {
            file: path.display().to_string(),
            message,
        };
        weights(&grader).map_err(&inconsistent)?;
        if grader.exam != self.manifest.id {
            return Err(inconsistent(said!(
                "grader-other-exam",
                grader = &grader.exam,
                exam = &self.manifest.id
            )));
        }
        if grader.sizing.is_none()
            && [CheckKind::Size, CheckKind::TextLength]
                .iter()
                .any(|k| grader.checks.contains_key(k))
        {
            return Err(inconsistent(said!("grader-no-sizing")));
        }
        if grader.head.is_none() && grader.checks.contains_key(&CheckKind::Head) {
            return Err(inconsistent(said!("grader-no-head")));
        }
        let mut ids = std::collections::BTreeSet::new();
        for id in grader
            .tasks
            .iter()
            .map(|t| &t.id)
            .chain(grader.manual.iter().map(|m| &m.id))
        {
            if !ids.insert(id) {
                return Err(inconsistent(said!("grader-twice", id = id)));
            }
        }
        let tables: Vec<&str> = self
            .manifest
            .tables
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        for task in &grader.tasks {
            check_task(task, &grader, &tables).map_err(&inconsistent)?;
        }
        grid(&grader, &self.manifest.criteria).map_err(&inconsistent)?;
        for rules in &grader.tables {
            if !self.manifest.tables.iter().any(|t| t.name == rules.table) {
                return Err(inconsistent(said!(
                    "grader-rules-unknown-table",
                    table = &rules.table
                )));
            }
        }
        Ok(grader)
    }

    /// Names of the solutions shipped with the grader, sorted.
    pub fn solution_names(&self) -> Result<Vec<String>, ExamError> {
        folders_holding(&self.grader_dir.join("solutions"), "solution.toml")
    }

    /// The solution called `name`, and its folder.
    pub fn solution(&self, name: &str) -> Result<(SolutionManifest, PathBuf), ExamError> {
        let dir = self.grader_dir.join("solutions").join(name);
        let path = dir.join("solution.toml");
        if !path.is_file() {
            return Err(ExamError::UnknownSolution {
                exam: self.manifest.id.clone(),
                name: name.to_owned(),
                known: self.solution_names()?.join(", "),
            });
        }
        Ok((parse_toml(&path)?, dir))
    }
}

/// Refuses a task that reads a table the exam lacks, times too few runs or an unknown
/// engine, or compares measurements with a timing task the grader lacks.
fn check_task(task: &crate::Task, grader: &GraderManifest, tables: &[&str]) -> Result<(), Said> {
    match &task.check {
        TaskCheck::Statistics { table: source, .. }
        | TaskCheck::Frequencies { table: source, .. }
        | TaskCheck::Imputation { source, .. }
            if !tables.contains(&source.as_str()) =>
        {
            return Err(said!(
                "grader-task-table",
                task = &task.id,
                table = source,
                tables = tables.join(", ")
            ));
        }
        TaskCheck::Timing(crate::TimingCheck { queries, runs, .. }) => {
            if *runs < 3 {
                return Err(said!(
                    "grader-runs",
                    task = &task.id,
                    runs = runs.to_string()
                ));
            }
            for query in queries {
                if let Some(crate::MinRatio::PerEngine(ratios)) = &query.min_ratio
                    && let Some(unknown) = ratios
                        .keys()
                        .find(|k| !crate::ENGINE_NAMES.contains(&k.as_str()))
                {
                    return Err(said!(
                        "grader-gain-engine",
                        query = &query.id,
                        task = &task.id,
                        engine = unknown,
                        engines = crate::ENGINE_NAMES.join(", ")
                    ));
                }
            }
            if let Some(query) = queries.iter().find(|q| !q.sql.contains("{table}")) {
                return Err(said!(
                    "grader-query-placeholder",
                    query = &query.id,
                    task = &task.id,
                    placeholder = "{table}"
                ));
            }
        }
        TaskCheck::Measurements { timing, .. }
            if !grader
                .tasks
                .iter()
                .any(|t| t.id == *timing && matches!(t.check, TaskCheck::Timing(_))) =>
        {
            return Err(said!(
                "grader-measurements-timing",
                task = &task.id,
                timing = timing
            ));
        }
        _ => {}
    }
    Ok(())
}

/// Refuses a generator asked for no stores or sales, too many, or a planted sale that cannot
/// be planted.
fn check_generator(generator: &crate::GeneratorSpec) -> Result<(), Said> {
    if generator.stores == 0 || generator.stores > 999 {
        return Err(said!(
            "generator-stores",
            stores = generator.stores.to_string()
        ));
    }
    if generator.sales == 0 || generator.sales > 50_000_000 {
        return Err(said!(
            "generator-sales",
            sales = generator.sales.to_string()
        ));
    }
    if let Some(boundary) = &generator.boundary {
        // The planted sales need the store, another store, and room among the lines.
        match boundary.store_index() {
            Some(i) if i < generator.stores && generator.stores >= 2 => {}
            _ => {
                return Err(said!(
                    "generator-boundary-store",
                    store = &boundary.store,
                    stores = generator.stores.to_string(),
                    last = format!("MAG{:03}", generator.stores)
                ));
            }
        }
        if !(1..=99_999_999).contains(&boundary.amount_cents) {
            return Err(said!(
                "generator-boundary-amount",
                amount = boundary.amount_cents.to_string()
            ));
        }
        if generator.sales < 100 {
            return Err(said!("generator-boundary-sales"));
        }
    }
    Ok(())
}

/// Whether `id` can name an exam: letters, digits, `-` and `_`, never a path out of
/// `exercises/`.
pub fn is_exam_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('-')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Refuses a weight or a threshold that is not a finite number in its range: `nan` would make
/// every score `NaN`.
fn weights(grader: &GraderManifest) -> Result<(), Said> {
    let fine = |value: f64| value.is_finite() && (0.0..=1_000.0).contains(&value);
    for (kind, rule) in &grader.checks {
        if !fine(rule.weight) {
            return Err(said!(
                "grader-weight-check",
                check = kind.id(),
                value = rule.weight.to_string()
            ));
        }
    }
    for task in &grader.tasks {
        if !fine(task.weight) {
            return Err(said!(
                "grader-weight-task",
                task = &task.id,
                value = task.weight.to_string()
            ));
        }
        if let TaskCheck::Timing(timing) = &task.check {
            if !(timing.plan_share.is_finite() && (0.0..=1.0).contains(&timing.plan_share)) {
                return Err(said!(
                    "grader-plan-share",
                    task = &task.id,
                    value = timing.plan_share.to_string()
                ));
            }
            for query in &timing.queries {
                let ratios: Vec<f64> = match &query.min_ratio {
                    Some(crate::MinRatio::Everywhere(r)) => vec![*r],
                    Some(crate::MinRatio::PerEngine(map)) => map.values().copied().collect(),
                    None => Vec::new(),
                };
                if let Some(r) = ratios.iter().find(|r| !(r.is_finite() && **r > 0.0)) {
                    return Err(said!(
                        "grader-min-ratio",
                        query = &query.id,
                        task = &task.id,
                        value = r.to_string()
                    ));
                }
            }
        }
        if let TaskCheck::Index { plan_share, .. } = &task.check
            && !(plan_share.is_finite() && (0.0..=1.0).contains(plan_share))
        {
            return Err(said!(
                "grader-plan-share",
                task = &task.id,
                value = plan_share.to_string()
            ));
        }
    }
    for item in &grader.manual {
        if !fine(item.weight) {
            return Err(said!(
                "grader-weight-manual",
                item = &item.id,
                value = item.weight.to_string()
            ));
        }
    }
    Ok(())
}

/// A check the grader runs: its id, its criterion, the parts it judges separately.
type GradedCheck<'a> = (String, &'a str, Vec<String>);

/// Every check the grader runs.
fn graded_checks(grader: &GraderManifest) -> Vec<GradedCheck<'_>> {
    // Every check the grader runs: (id, criterion, the parts it judges separately).
    let mut checks: Vec<GradedCheck<'_>> = Vec::new();
    for (kind, rule) in &grader.checks {
        checks.push((kind.id().to_owned(), &rule.criterion, Vec::new()));
        for table in &grader.tables {
            if !kind.is_instance() {
                checks.push((
                    format!("{}.{}", table.table, kind.id()),
                    &rule.criterion,
                    Vec::new(),
                ));
            }
        }
    }
    for task in &grader.tasks {
        let parts = match &task.check {
            TaskCheck::Imputation { columns, .. } => columns.keys().cloned().collect(),
            TaskCheck::Query { .. } | TaskCheck::Table { .. } => {
                vec!["rows".to_owned(), "columns".to_owned()]
            }
            _ => Vec::new(),
        };
        checks.push((task.id.clone(), &task.criterion, parts));
    }
    for item in &grader.manual {
        checks.push((item.id.clone(), &item.criterion, Vec::new()));
    }
    checks
}

/// Refuses a check of the grid's indicator `rule` with a share out of its range, naming a
/// check the grader does not run, of another criterion, or a part it does not judge; else
/// the check's id.
fn grid_check<'a>(
    rule: &crate::IndicatorRule,
    check: &'a crate::IndicatorCheck,
    criterion: &str,
    checks: &[GradedCheck<'_>],
) -> Result<&'a str, Said> {
    let (min_share, max_lost_share) = check.tolerance(rule);
    let shares = [
        ("min_share", Some(min_share)),
        ("max_lost_share", max_lost_share),
    ];
    for (name, value) in shares {
        if let Some(v) = value
            && !(v.is_finite() && (0.0..=1.0).contains(&v))
        {
            return Err(said!(
                "grid-share",
                indicator = &rule.id,
                name = name,
                value = v.to_string(),
                check = check.selector()
            ));
        }
    }
    let (wanted, part) = crate::IndicatorRule::split(check.selector());
    let matched: Vec<&GradedCheck<'_>> = checks.iter().filter(|(id, _, _)| id == wanted).collect();
    let Some((_, of, parts)) = matched.first() else {
        return Err(said!(
            "grid-unknown-check",
            indicator = &rule.id,
            check = wanted
        ));
    };
    if *of != criterion {
        return Err(said!(
            "grid-other-criterion",
            indicator = &rule.id,
            criterion = criterion,
            check = wanted,
            of = *of
        ));
    }
    if let Some(part) = part
        && !parts.iter().any(|p| p == part)
    {
        return Err(if parts.is_empty() {
            said!(
                "grid-unknown-part-none",
                indicator = &rule.id,
                part = part,
                check = wanted
            )
        } else {
            said!(
                "grid-unknown-part",
                indicator = &rule.id,
                part = part,
                check = wanted,
                parts = parts.join(", ")
            )
        });
    }
    Ok(wanted)
}

/// Refuses a jury's grid that names an indicator the referential does not have, a check the
/// grader does not run, a tolerance out of its range, or that leaves a check of a gridded
/// criterion out of every indicator (it would then count for points and never for the verdict).
fn grid(grader: &GraderManifest, criteria: &[String]) -> Result<(), Said> {
    let checks = graded_checks(grader);
    let mut seen = std::collections::BTreeSet::new();
    let mut covered = std::collections::BTreeSet::new();
    for rule in &grader.indicators {
        let Some(indicator) = crate::indicator(&rule.id) else {
            return Err(said!(
                "grid-unknown-indicator",
                indicator = &rule.id,
                known = crate::referential()
                    .iter()
                    .flat_map(|c| &c.indicators)
                    .map(|i| i.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        };
        let criterion = indicator.criterion();
        if !seen.insert(&rule.id) {
            return Err(said!("grid-twice", indicator = &rule.id));
        }
        if !criteria.iter().any(|c| c == criterion) {
            return Err(said!(
                "grid-criterion-not-evaluated",
                indicator = &rule.id,
                criterion = criterion
            ));
        }
        if rule.checks.is_empty() {
            return Err(said!("grid-no-check", indicator = &rule.id));
        }
        for check in &rule.checks {
            let wanted = grid_check(rule, check, criterion, &checks)?;
            covered.insert(wanted.to_owned());
            if let Some(kind) = grader.checks.keys().find(|k| k.id() == wanted) {
                for table in &grader.tables {
                    covered.insert(format!("{}.{}", table.table, kind.id()));
                }
            }
        }
    }
    let gridded: std::collections::BTreeSet<&str> = grader
        .indicators
        .iter()
        .filter_map(|r| crate::indicator(&r.id).map(|i| i.criterion()))
        .collect();
    if let Some((id, of, _)) = checks
        .iter()
        .find(|(id, of, _)| gridded.contains(of) && !covered.contains(id) && !id.contains('.'))
    {
        return Err(said!("grid-check-uncovered", check = id, criterion = *of));
    }
    Ok(())
}

/// Names of the sub-folders of `dir` that hold a file called `marker`, sorted.
fn folders_holding(dir: &Path, marker: &str) -> Result<Vec<String>, ExamError> {
    let entries = std::fs::read_dir(dir).map_err(|e| ExamError::io(dir, e))?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().join(marker).is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    Ok(names)
}
