//! `casebook serve`: build into memory, serve it, watch the files, rebuild
//! only what changed ([`state`]), and reload the browser.
//!
//! Threads of control: the HTTP server on a current-thread tokio runtime
//! ([`listen`] for connections and who may connect, [`http`] for what they
//! get), the debounced watcher ([`watch`]), one builder thread that
//! owns the [`state::State`] and publishes each good build, or the
//! diagnostics of a bad one, to the server, and a helper thread building
//! the search index after the pages are served. The first build runs on
//! the builder thread too; connections wait in the listener's queue until
//! its preview (`state.rs`, step 4) or its errors are there. Nothing is
//! written to disk.

mod files;
pub mod fresh;
pub mod host;
pub mod http;
mod inputs;
pub mod listen;
mod poll;
mod published;
pub mod state;
pub mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::BuildOptions;
use crate::diag::Diagnostics;
use http::Shared;
use state::{Early, IndexDone, Outside, State, Update};
use watch::Watcher;

/// The port `serve` listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 1111;

pub struct Options {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    /// Names besides loopback and `bind` that requests may address the server by.
    pub allow_hosts: Vec<host::Host>,
    /// Poll the files instead of asking the OS to report changes.
    pub poll: bool,
    pub build: BuildOptions,
}

/// Why the server could not run at all.
#[derive(Debug)]
pub struct Failed {
    pub message: String,
    pub help: String,
}

impl Failed {
    fn new(message: impl Into<String>, help: impl Into<String>) -> Failed {
        Failed {
            message: message.into(),
            help: help.into(),
        }
    }
}

/// Serves the site until Ctrl-C.
pub fn run(opts: Options) -> Result<(), Failed> {
    let root = std::fs::canonicalize(&opts.root).map_err(|e| {
        Failed::new(
            format!("cannot open the site folder `{}`: {e}", opts.root.display()),
            "pass the folder holding casebook.yaml and content/ with --root",
        )
    })?;
    let addr = SocketAddr::new(opts.bind, opts.port);
    let listener = std::net::TcpListener::bind(addr).map_err(|e| bind_error(addr, &e))?;
    // With `--port 0` the system picks the port: requests must name that one.
    let port = listener.local_addr().map_or(opts.port, |a| a.port());
    let hosts = host::Hosts::new(opts.bind, port, opts.allow_hosts);
    if !opts.bind.is_loopback() {
        eprintln!(
            "warning: serving on {} makes the site readable from other machines, drafts and internal pages included\n  = help: leave out --bind to serve on 127.0.0.1 only",
            opts.bind
        );
    }

    // Watching from before the first build: a save during it is not missed.
    let (send, inbox) = mpsc::channel();
    let to_builder = send.clone();
    // Tells a rebuild under way that a newer change waits for it.
    let newer = Arc::new(AtomicBool::new(false));
    let newer_seen = Arc::clone(&newer);
    let mut watcher = Watcher::start(opts.poll, move |b| {
        // Only reads (the builder's own, say): nothing changed.
        if matches!(&b, Ok(paths) if paths.is_empty()) {
            return;
        }
        newer_seen.store(true, Ordering::Relaxed);
        let _ = send.send(Message::Changed(b));
    })
    .map_err(|e| {
        Failed::new(
            format!("cannot watch the site's files: {e}"),
            "try --poll, which checks the files every half second instead",
        )
    })?;
    let config = crate::config::Config::load(&root, &mut Diagnostics::default());
    watcher.watch_site(&root, &config).map_err(|e| {
        Failed::new(
            format!("cannot watch the site's files: {e}"),
            "try --poll; on Linux, raising fs.inotify.max_user_watches also helps",
        )
    })?;

    // Connections wait in the listener's queue until there is something to
    // serve: the first build's preview, or its errors.
    let shared = Shared::new(Arc::new(state::Files::new()));
    let (ready, first_served) = mpsc::channel();
    let builder_shared = Arc::clone(&shared);
    std::thread::Builder::new()
        .name("casebook rebuild".into())
        .spawn(move || {
            let preview_shared = Arc::clone(&builder_shared);
            let mut preview_ready = Some(ready.clone());
            let on_preview = Box::new(move |p| {
                preview_shared.preview(p);
                if let Some(ready) = preview_ready.take() {
                    let _ = ready.send(());
                }
            });
            eprintln!("building {} …", root.display());
            let started = Instant::now();
            let (mut state, first) = State::start(&root, &opts.build, Some(on_preview));
            state.cut_short_on(Arc::clone(&newer));
            state
                .notices()
                .iter()
                .chain(state.site_notes())
                .for_each(|n| eprint!("{}", n.render()));
            let warned = match first {
                Ok(u) => {
                    print_warnings(&u.warnings);
                    eprintln!(
                        "built {} pages ({} files) in {}",
                        u.pages,
                        state.files().len(),
                        ms(started.elapsed())
                    );
                    builder_shared.publish(state.files(), u.reload);
                    u.warnings
                }
                Err(diags) => {
                    eprint!("{}", diags.render());
                    eprintln!("build failed: pages show the errors until a save fixes them");
                    builder_shared.publish_error(state.files(), &diags);
                    Diagnostics::default()
                }
            };
            let _ = ready.send(());
            rebuild_loop(
                &mut state,
                &mut watcher,
                &inbox,
                &to_builder,
                &newer,
                &builder_shared,
                warned,
            );
        })
        .map_err(|e| Failed::new(format!("cannot start the rebuild thread: {e}"), "try again"))?;
    first_served.recv().map_err(|_| {
        Failed::new(
            "the first build stopped without a result",
            "run `casebook build` on the site to see what fails",
        )
    })?;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failed::new(format!("cannot start the server: {e}"), "try again"))?;
    runtime.block_on(serve(listener, hosts, shared))
}

fn bind_error(addr: SocketAddr, e: &std::io::Error) -> Failed {
    match e.kind() {
        std::io::ErrorKind::AddrInUse => Failed::new(
            format!("port {} is already in use on {}", addr.port(), addr.ip()),
            format!(
                "stop the other server (another `casebook serve`?), or pick a free port with `--port {}`",
                addr.port().wrapping_add(1).max(1024)
            ),
        ),
        std::io::ErrorKind::PermissionDenied => Failed::new(
            format!("not allowed to listen on port {} of {}", addr.port(), addr.ip()),
            "ports below 1024 need privileges; pick a higher one with --port",
        ),
        _ => Failed::new(
            format!("cannot listen on {addr}: {e}"),
            "check --bind: it must be an address of this machine, e.g. 127.0.0.1",
        ),
    }
}

async fn serve(listener: std::net::TcpListener, hosts: host::Hosts, shared: Arc<Shared>) -> Result<(), Failed> {
    let fail = |e: std::io::Error| Failed::new(format!("cannot serve on {}: {e}", hosts.url()), "try another --port");
    listener.set_nonblocking(true).map_err(fail)?;
    let listener = tokio::net::TcpListener::from_std(listener).map_err(fail)?;
    match hosts.every_address() {
        Some(port) => eprintln!(
            "serving on {} and port {port} of every address of this machine (Ctrl-C to stop)",
            hosts.url()
        ),
        None => eprintln!("serving on {} (Ctrl-C to stop)", hosts.url()),
    }
    let stop = Arc::clone(&shared);
    let stopped = async move {
        let _ = tokio::signal::ctrl_c().await;
        eprintln!("\nstopping");
        stop.shutdown();
        // A second Ctrl-C stops at once.
        tokio::spawn(async {
            let _ = tokio::signal::ctrl_c().await;
            std::process::exit(130);
        });
    };
    listen::serve(listener, http::router(shared), hosts, stopped).await;
    Ok(())
}

/// What the builder thread hears about.
enum Message {
    /// The watcher saw these paths change.
    Changed(watch::Batch),
    /// The helper thread built a search index.
    Indexed(IndexDone, Duration),
}

/// Applies each batch of changes and publishes the result, and keeps the
/// search index following, until the watcher goes away.
/// Warnings are printed when they change, not after every save: `warned`
/// holds the ones last printed.
fn rebuild_loop(
    state: &mut State,
    watcher: &mut Watcher,
    inbox: &mpsc::Receiver<Message>,
    outbox: &mpsc::Sender<Message>,
    newer: &AtomicBool,
    shared: &Shared,
    mut warned: Diagnostics,
) {
    let mut indexing = start_index(state, outbox, false);
    loop {
        let first = match inbox.recv_timeout(OUTSIDE_CHECK) {
            Ok(m) => m,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Some((why, result)) = state.follow_outside() {
                    eprintln!(
                        "{}",
                        match why {
                            Outside::NewDay => "a new day: policy statuses are computed again",
                            Outside::Repository => "the repository changed: history and versions are read again",
                        }
                    );
                    publish(state, shared, result, &mut warned, Duration::ZERO);
                    indexing = start_index(state, outbox, indexing);
                }
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        let mut paths = Vec::new();
        // Whatever the watcher says from here on is newer than this rebuild.
        newer.store(false, Ordering::Relaxed);
        // Folds what queued up during the last rebuild into one.
        for message in std::iter::once(first).chain(inbox.try_iter()) {
            match message {
                Message::Changed(Ok(p)) => paths.extend(p),
                Message::Changed(Err(e)) => {
                    eprintln!("warning: the file watcher reported: {e}; rebuilding everything");
                    paths.push(PathBuf::new());
                }
                Message::Indexed(done, took) => {
                    indexing = false;
                    match state.complete_index(done) {
                        Ok(Some(_)) => {
                            eprintln!("search index updated in {}", ms(took));
                            shared.publish(state.files(), false);
                        }
                        Ok(None) => {}
                        Err(diags) => {
                            eprint!("{}", diags.render());
                            shared.publish_error(state.files(), &diags);
                        }
                    }
                }
            }
        }
        let change = watch::classify(&paths, state.root(), state.config());
        if !change.is_empty() {
            eprintln!("changed: {}", describe(&paths, state.root()));
            // A folder that appeared is watched before the rebuild reads it,
            // as the site is before the first build: a change made to it once
            // the rebuild is served is not missed. Again after, for the
            // folders a changed configuration names.
            let before = watcher.watch_site(state.root(), state.config());
            let started = Instant::now();
            let result = state.apply_change(&change);
            publish(state, shared, result, &mut warned, started.elapsed());
            let after = watcher.watch_site(state.root(), state.config());
            if let Err(e) = before.and(after) {
                eprintln!("warning: cannot watch a new folder: {e}");
            }
        }
        indexing = start_index(state, outbox, indexing);
    }
}

/// How often the builder looks at the calendar and the repository when
/// nothing else happens.
const OUTSIDE_CHECK: Duration = Duration::from_secs(2);

/// Serves the result of a rebuild, or shows its errors over the last good one.
fn publish(
    state: &State,
    shared: &Shared,
    result: Result<Update, Diagnostics>,
    warned: &mut Diagnostics,
    took: Duration,
) {
    match result {
        // Its preview stays served until the newer change's replaces it.
        Ok(update) if update.cut_short => {
            eprintln!("previewed in {}; a newer change is built first", ms(took));
        }
        Ok(update) => {
            shared.publish(state.files(), update.reload);
            report(&update, took, warned);
        }
        Err(diags) => {
            eprint!("{}", diags.render());
            eprintln!("build failed; still serving the last good build");
            shared.publish_error(state.files(), &diags);
        }
    }
}

/// Starts building the search index on a helper thread if it is behind and
/// none is being built; whether one is being built now.
fn start_index(state: &State, outbox: &mpsc::Sender<Message>, running: bool) -> bool {
    if running {
        return true;
    }
    let Some(job) = state.index_job() else {
        return false;
    };
    let outbox = outbox.clone();
    std::thread::Builder::new()
        .name("casebook search index".into())
        .spawn(move || {
            let started = Instant::now();
            let done = job.run();
            let _ = outbox.send(Message::Indexed(done, started.elapsed()));
        })
        .is_ok()
}

fn report(update: &Update, took: Duration, warned: &mut Diagnostics) {
    if update.warnings.items != warned.items {
        print_warnings(&update.warnings);
        *warned = update.warnings.clone();
    } else if !warned.items.is_empty() {
        eprintln!("{} warnings, as before", warned.items.len());
    }
    let steps: Vec<String> = update.timings.iter().map(|(n, d)| format!("{n} {}", ms(*d))).collect();
    let early = match update.early {
        Some(Early::Shown(after)) => format!("; the saved page was served after {}", ms(after)),
        Some(Early::Differed) => {
            eprintln!(
                "warning: the saved page shown before the rebuild differed from the rebuild's; it was reloaded. This is a bug in casebook: please report it with the edit that caused it"
            );
            String::new()
        }
        None => String::new(),
    };
    eprintln!(
        "rebuilt in {}: {} of {} pages rendered, {} files changed ({}){early}",
        ms(took),
        update.rendered,
        update.pages,
        update.changed.len(),
        steps.join(", ")
    );
}

fn print_warnings(d: &Diagnostics) {
    if !d.items.is_empty() {
        eprint!("{}", d.render());
    }
}

/// The changed paths as the user wrote them, a few at most.
fn describe(paths: &[PathBuf], root: &Path) -> String {
    let mut shown: Vec<String> = paths
        .iter()
        .map(|p| crate::diag::display_path(p.strip_prefix(root).unwrap_or(p)))
        .filter(|p| !p.is_empty())
        .collect();
    shown.sort();
    shown.dedup();
    let more = shown.len().saturating_sub(3);
    shown.truncate(3);
    let mut s = shown.join(", ");
    if more > 0 {
        s.push_str(&format!(" and {more} more"));
    }
    if s.is_empty() { "the site folder".into() } else { s }
}

fn ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}
