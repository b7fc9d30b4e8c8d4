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

/// The current date in the local time zone.
pub fn today() -> jiff::civil::Date {
    jiff::ZonedDateTime::now().date()
}
