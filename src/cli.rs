//! The command line: `casebook init | new | build | check | serve`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "casebook",
    version,
    about = "Build a legal department's handbook, policies and board reports into a static site"
)]
#[command(propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a working starter site (config, a role, a goal, a policy, a playbook, a metric, a report)
    Init {
        /// Folder to create the site in [default: the current folder]
        dir: Option<PathBuf>,
    },
    /// Add a page with the right front matter skeleton
    New {
        /// What to create
        #[arg(value_enum)]
        kind: NewKind,
        /// The page title; the file name is made from it
        title: String,
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Build the site into the output folder (public/ by default)
    Build(BuildArgs),
    /// Run every validation without writing anything; exit 1 on errors
    Check(CheckArgs),
    /// Serve the site from memory, rebuild what changed on save, reload the browser
    Serve(ServeArgs),
}

#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub enum Format {
    /// Readable reports with the offending line quoted
    #[default]
    Human,
    /// One JSON document for CI and editors (schema in the README)
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Also check pages marked `draft: true`
    #[arg(long)]
    pub drafts: bool,
    /// Compute policy statuses as of this day instead of today
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<jiff::civil::Date>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Treat warnings as errors
    #[arg(long)]
    pub strict: bool,
    /// Also check http(s) links over the network (cached for a day)
    #[arg(long)]
    pub external: bool,
    /// List every place a summary warning stands for
    #[arg(long, short)]
    pub verbose: bool,
    /// Check as the build for this audience does [default: each of `publish:`, else `default_audience`]
    #[arg(long, value_name = "NAME")]
    pub audience: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum NewKind {
    Policy,
    Playbook,
    Role,
    Goal,
    Report,
}

#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The site folder, holding casebook.yaml and content/
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Write the site here instead of `output_dir` from casebook.yaml
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Include pages marked `draft: true`
    #[arg(long)]
    pub drafts: bool,
    /// Compute policy statuses as of this day instead of today
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<jiff::civil::Date>,
    /// Print nothing but errors and warnings
    #[arg(long, short)]
    pub quiet: bool,
    /// List every place a summary warning stands for
    #[arg(long, short)]
    pub verbose: bool,
    /// Publish only what this audience may see [default: each of `publish:` into its own folder, else `default_audience`]
    #[arg(long, value_name = "NAME")]
    pub audience: Option<String>,
    /// Treat warnings as errors, e.g. a link to a page this audience does not see
    #[arg(long)]
    pub strict: bool,
    /// Also print each board report to report.pdf (and the policy pack, with `pdf: {policy_pack: true}`)
    /// with a headless Chromium found on the PATH
    #[arg(long)]
    pub pdf: bool,
    /// Replace the output folder even when it is not empty and casebook did not write it
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Port to listen on
    #[arg(long, short, default_value_t = crate::serve::DEFAULT_PORT)]
    pub port: u16,
    /// Address to listen on; anything but a loopback address exposes the site to the network
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Also answer requests that name the server this way, e.g. its machine name with
    /// `--bind 0.0.0.0`; others are refused against DNS rebinding (repeatable)
    #[arg(long = "allow-host", value_name = "NAME", value_parser = crate::serve::host::parse_allowed)]
    pub allow_host: Vec<crate::serve::host::Host>,
    /// Include pages marked `draft: true`
    #[arg(long)]
    pub drafts: bool,
    /// Compute policy statuses as of this day instead of today
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<jiff::civil::Date>,
    /// Show only what this audience may see [default: `default_audience`]
    #[arg(long, value_name = "NAME")]
    pub audience: Option<String>,
    /// Check the files for changes every half second instead of asking the system
    /// (for network drives, WSL and some containers)
    #[arg(long)]
    pub poll: bool,
}

fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    s.parse()
        .map_err(|_| format!("`{s}` is not a date; write it as YYYY-MM-DD, e.g. 2026-09-30"))
}
