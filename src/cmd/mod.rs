//! One file per subcommand: orchestration only, no HTML or YAML knowledge.

pub mod build;
pub mod check;
pub mod init;
pub mod new;
pub mod pdf;
pub mod serve;

/// How a command ended, for the exit code.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// The content has errors; they were printed.
    ContentErrors,
    /// The command could not run at all (output not writable, file exists…).
    Failed,
    /// The command was asked for something it refuses (exit code 2), such
    /// as an output folder that holds the sources.
    Usage,
}

impl Outcome {
    pub fn exit_code(&self) -> i32 {
        match self {
            Outcome::Ok => 0,
            Outcome::ContentErrors | Outcome::Failed => 1,
            Outcome::Usage => 2,
        }
    }
}

/// What the command line names must exist before anything runs: the site
/// folder, and the audience among the configured ones. A mistake here is a
/// usage error (exit 2), printed with how to fix it.
pub fn check_arguments(root: &std::path::Path, audience: Option<&str>) -> Result<(), Outcome> {
    if !root.is_dir() {
        eprintln!(
            "error: the site folder `{}` does not exist\n  = help: pass the folder holding casebook.yaml and content/ with --root, or run `casebook init {}`",
            crate::diag::printable(&root.display().to_string()),
            crate::diag::printable(&root.display().to_string())
        );
        return Err(Outcome::Usage);
    }
    let Some(name) = audience else { return Ok(()) };
    let mut diags = crate::diag::Diagnostics::default();
    let config = crate::config::Config::load(root, &mut diags);
    // A config with errors is reported by the command itself, as content.
    if diags.has_errors() {
        return Ok(());
    }
    match crate::model::Audience::named(&config, name) {
        Ok(_) => Ok(()),
        Err(d) => {
            eprint!("{}\n\n", d.render());
            Err(Outcome::Usage)
        }
    }
}
