//! The live view's words, in French (the default for these exams' candidates) and English.

use chrono::{DateTime, Local, Utc};

/// The language the view speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Français.
    Fr,
    /// English.
    En,
}

impl Lang {
    /// `--lang` when given, else the first of `LC_ALL`, `LC_MESSAGES` and `LANG` that is set;
    /// French when none says English.
    pub fn choose(explicit: Option<&str>) -> Self {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let asked = explicit
            .map(str::to_owned)
            .or_else(|| env("LC_ALL"))
            .or_else(|| env("LC_MESSAGES"))
            .or_else(|| env("LANG"))
            .unwrap_or_default()
            .to_ascii_lowercase();
        if asked.starts_with("en") {
            Self::En
        } else {
            Self::Fr
        }
    }

    fn pick<'a>(self, fr: &'a str, en: &'a str) -> &'a str {
        match self {
            Self::Fr => fr,
            Self::En => en,
        }
    }

    /// The view's title.
    pub fn title(self, exam: &str, candidate: &str) -> String {
        match self {
            Self::Fr => format!("épreuve {exam} · candidat·e {candidate}"),
            Self::En => format!("exam {exam} · candidate {candidate}"),
        }
    }

    /// The label of the clock.
    pub fn time_left(self) -> &'static str {
        self.pick("Temps restant", "Time left")
    }

    /// When the exam ends.
    pub fn ends_at(self, deadline: DateTime<Utc>) -> String {
        let at = deadline.with_timezone(&Local).format("%H:%M");
        match self {
            Self::Fr => format!("fin à {at}"),
            Self::En => format!("ends at {at}"),
        }
    }

    /// The time is up.
    pub fn time_is_up(self) -> &'static str {
        self.pick("Temps écoulé.", "Time is up.")
    }

    /// The time left, in a sentence.
    pub fn left(self, words: &str) -> String {
        match self {
            Self::Fr => format!("Il reste {words}."),
            Self::En => format!("{words} left."),
        }
    }

    /// A warning.
    pub fn warning(self, words: &str) -> String {
        match self {
            Self::Fr => format!("Attention : il reste {words}."),
            Self::En => format!("Warning: {words} left."),
        }
    }

    /// The checklist's tally.
    pub fn checks_pass(self, passed: usize, total: usize) -> String {
        match (self, passed) {
            (Self::Fr, 0) => format!("Aucune des {total} vérifications ne passe."),
            (Self::Fr, 1) => format!("1 vérification sur {total} passe."),
            (Self::Fr, n) => format!("{n} vérifications sur {total} passent."),
            (Self::En, n) => format!("{n} of {total} checks pass."),
        }
    }

    /// What is still to look at, in the accessible mode.
    pub fn to_review(self, titles: &str) -> String {
        match self {
            Self::Fr => format!("À revoir : {titles}."),
            Self::En => format!("To look at: {titles}."),
        }
    }

    /// A check is running.
    pub fn checking(self) -> &'static str {
        self.pick("Vérification en cours…", "Checking…")
    }

    /// The database file is held by the candidate's tool.
    pub fn database_busy(self) -> &'static str {
        self.pick(
            "Votre base est ouverte en écriture par un autre programme : la vérification attend qu'elle soit libre.",
            "Your database is open for writing in another program: the check waits until it is free.",
        )
    }

    /// The check could not run.
    pub fn check_failed(self, why: &str) -> String {
        match self {
            Self::Fr => format!("La vérification n'a pas pu se faire : {why}"),
            Self::En => format!("The check could not run: {why}"),
        }
    }

    /// The workspace was submitted.
    pub fn submitted(self, at: DateTime<Utc>, automatic: bool, late: bool) -> String {
        let at = at.with_timezone(&Local).format("%H:%M:%S");
        match self {
            Self::Fr => format!(
                "{} à {at}{} : vos réponses et votre base sont scellées.",
                if automatic {
                    "Soumis automatiquement"
                } else {
                    "Soumis"
                },
                if late { " (après l'heure)" } else { "" }
            ),
            Self::En => format!(
                "{} at {at}{}: your answers and your database are sealed.",
                if automatic {
                    "Submitted automatically"
                } else {
                    "Submitted"
                },
                if late { " (late)" } else { "" }
            ),
        }
    }

    /// The automatic submission must wait.
    pub fn submit_waiting(self, why: &str) -> String {
        match self {
            Self::Fr => format!("La soumission automatique attend : {why}"),
            Self::En => format!("The automatic submission is waiting: {why}"),
        }
    }

    /// The automatic submission is coming.
    pub fn submit_soon(self) -> &'static str {
        self.pick(
            "Votre travail sera soumis automatiquement 15 secondes avant la fin.",
            "Your work will be submitted automatically 15 seconds before the end.",
        )
    }

    /// The keys.
    pub fn keys(self) -> &'static str {
        self.pick(
            "q : quitter la vue (l'épreuve continue) · c : vérifier maintenant",
            "q: leave the view (the exam goes on) · c: check now",
        )
    }

    /// Said when the view is left.
    pub fn left_view(self) -> &'static str {
        self.pick(
            "L'épreuve continue. `epreuve watch` rouvre la vue.",
            "The exam goes on. `epreuve watch` opens the view again.",
        )
    }

    /// Section titles.
    pub fn database(self) -> &'static str {
        self.pick("Base de données", "Database")
    }

    /// Section titles.
    pub fn checklist(self) -> &'static str {
        self.pick("Vérifications publiques", "Public checks")
    }

    /// A check's status, in a word.
    pub fn status(self, status: epreuve_results::Status) -> &'static str {
        use epreuve_results::Status;
        match status {
            Status::Passed => self.pick("passe", "passes"),
            Status::Failed => self.pick("à revoir", "to look at"),
            Status::NotApplicable => self.pick("sans objet", "not applicable"),
            Status::NotGradable => self.pick("non évaluable", "not gradable"),
            Status::Pending => self.pick("en attente", "pending"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn french_unless_english_is_asked() {
        assert_eq!(Lang::choose(Some("en")), Lang::En);
        assert_eq!(Lang::choose(Some("fr_FR.UTF-8")), Lang::Fr);
        assert_eq!(Lang::choose(Some("de")), Lang::Fr);
        assert_eq!(Lang::Fr.checks_pass(1, 7), "1 vérification sur 7 passe.");
        assert_eq!(Lang::Fr.checks_pass(3, 7), "3 vérifications sur 7 passent.");
        assert_eq!(
            Lang::Fr.checks_pass(0, 7),
            "Aucune des 7 vérifications ne passe."
        );
    }
}
