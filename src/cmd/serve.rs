//! `casebook serve`: options in, [`crate::serve::run`] until Ctrl-C.

use crate::cli::ServeArgs;
use crate::cmd::Outcome;
use crate::{BuildOptions, serve};

pub fn run(args: &ServeArgs) -> Outcome {
    if let Err(outcome) = super::check_arguments(&args.site.root, args.audience.as_deref()) {
        return outcome;
    }
    let opts = serve::Options {
        root: args.site.root.clone(),
        bind: args.bind,
        port: args.port,
        allow_hosts: args.allow_host.clone(),
        poll: args.poll,
        build: BuildOptions::in_memory(args.today, args.drafts, args.audience.clone()),
    };
    match serve::run(opts) {
        Ok(()) => Outcome::Ok,
        Err(e) => {
            eprintln!("error: {}\n  = help: {}", e.message, e.help);
            Outcome::Failed
        }
    }
}
