//! Functions, triggers and jobs.

use super::{Diagnostic, Explanation, Span, error};

impl Diagnostic {
    pub(super) const E0039: Explanation = Explanation {
        what: "A trigger PostgreSQL would refuse: its function is missing or does not return trigger, or its timing, level and events do not go together.",
        mistake: "[[tables.orders.triggers]]\nname = \"touch\"\ntiming = \"instead of\"\nevents = [\"update\"]\nfunction = \"touch\"",
        fix: "INSTEAD OF is for views; declare the function with `returns = \"trigger\"`.",
    };
    pub fn trigger_function(trigger: &str, function: &str, why: &str, candidates: &[&str], span: Span) -> Diagnostic {
        error("E0039", format!("trigger `{trigger}` executes `{function}`, which {why}"), span)
            .suggest(function, candidates.iter().copied(), "")
            .or_help("declare it under [functions] with `returns = \"trigger\"`")
    }

    /// A trigger PostgreSQL refuses: `why` says what it is, `help` what PostgreSQL's rule is.
    pub fn invalid_trigger(trigger: &str, why: &str, help: &str, span: Span) -> Diagnostic {
        error("E0039", format!("trigger `{trigger}` {why}"), span).help(help)
    }

    pub(super) const E0065: Explanation = Explanation {
        what: "A function or procedure PostgreSQL would refuse as declared (a procedure with a return type, a SQL-standard body in plpgsql, ...).",
        mistake: "[functions.f]\nprocedure = true\nreturns = \"integer\"",
        fix: "Apply the help: a procedure has no `returns`.",
    };
    /// A function's options that PostgreSQL refuses together: `why` says what, `help` its rule.
    pub fn invalid_routine(what: &str, why: &str, help: &str, span: Span) -> Diagnostic {
        error("E0065", format!("{what} {why}"), span).help(help)
    }

    pub(super) const E0041: Explanation = Explanation {
        what: "A job schedule pg_cron does not accept.",
        mistake: "[jobs.nightly]\nschedule = \"every night\"",
        fix: "Use five cron fields (`0 2 * * *`) or `N seconds` with N from 1 to 59.",
    };
    pub fn invalid_schedule(job: &str, schedule: &str, span: Span) -> Diagnostic {
        error("E0041", format!("job `{job}` has schedule `{schedule}`, which pg_cron does not accept"), span)
            .help("use five cron fields (`0 2 * * *`: minute hour day month weekday, each `*`, a number, a range, a list or a step) or `N seconds` with N from 1 to 59")
    }
}
