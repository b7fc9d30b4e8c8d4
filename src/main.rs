use clap::Parser;

use casebook::cli::{Cli, Command};
use casebook::cmd;

// Rendering allocates many small values per page on every core at once,
// where glibc's allocator spent about a quarter of a build.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // A build handed this process the output it replaced, to remove.
    if let Some(dir) = std::env::var_os(casebook::output::REMOVE_ENV) {
        // Nobody waits for it: it yields the processor to whatever runs
        // next, the next build or `serve` included.
        #[cfg(unix)]
        let _ = rustix::process::nice(19);
        casebook::output::remove_old(std::path::Path::new(&dir));
        return;
    }
    let cli = Cli::parse();
    let outcome = match &cli.command {
        Command::Init { dir } => cmd::init::run(dir.as_deref()),
        Command::New { kind, title, site } => cmd::new::run(*kind, title, &site.root),
        Command::Build(args) => cmd::build::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Serve(args) => cmd::serve::run(args),
    };
    std::process::exit(outcome.exit_code());
}
