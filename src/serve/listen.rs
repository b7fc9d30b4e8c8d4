//! The dev server's connections: at most [`MAX_CONNECTIONS`] open at once,
//! each dropped when its client is slow to send a request's headers or idles
//! between requests ([`HEADER_TIMEOUT`]), and every request refused unless it
//! names this server, the live-reload socket also unless a page of this
//! server opens it ([`super::host`]).
//!
//! hyper is driven here rather than through `axum::serve`, which sets neither
//! a header timeout nor a cap on connections.

use std::collections::BTreeSet;
use std::convert::Infallible;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tower_service::Service;

use super::host::{Hosts, Refused, check_origin};
use super::http::LIVERELOAD;

/// Connections served at once; more wait to be accepted. A browser opens
/// six per host and one socket per tab, so this is far above real use and
/// still bounds what a misbehaving client can hold.
pub const MAX_CONNECTIONS: usize = 128;

/// How long a client may take to send a request's headers, counted from
/// when the connection opens or the last response went out: a client that
/// sends nothing, trickles its headers or idles on keep-alive is dropped.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(5);

/// Enough for the cookies of every app a developer runs on `localhost`.
const MAX_HEADER_BYTES: usize = 64 * 1024;

/// How long stopping waits for open responses to finish.
const DRAIN: Duration = Duration::from_secs(5);

/// Serves `router` on `listener` until `stop` completes, then lets open
/// connections finish for a moment.
pub async fn serve(listener: TcpListener, router: Router, hosts: Hosts, stop: impl Future<Output = ()>) {
    let gate = Arc::new(Gate {
        hosts,
        reported: Mutex::new(BTreeSet::new()),
    });
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let (closing, closed) = watch::channel(());
    tokio::pin!(stop);
    loop {
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut stop => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors or a connection reset before it was
                // taken: wait a moment rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        tokio::spawn(connection(
            stream,
            slot,
            router.clone(),
            Arc::clone(&gate),
            closed.clone(),
        ));
    }
    let _ = closing.send(());
    let all = u32::try_from(MAX_CONNECTIONS).expect("the cap fits in u32");
    let _ = tokio::time::timeout(DRAIN, slots.acquire_many(all)).await;
}

async fn connection(
    stream: TcpStream,
    slot: OwnedSemaphorePermit,
    router: Router,
    gate: Arc<Gate>,
    mut closing: watch::Receiver<()>,
) {
    let Ok(local) = stream.local_addr() else {
        return;
    };
    let _ = stream.set_nodelay(true);
    let io = TokioIo::new(Counted { stream, _slot: slot });
    let service = hyper::service::service_fn(move |request| {
        let (router, gate) = (router.clone(), Arc::clone(&gate));
        async move { gate.answer(request, router, local.ip()).await }
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_header_size(MAX_HEADER_BYTES);
    let conn = builder.serve_connection(io, service).with_upgrades();
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => return,
        _ = closing.changed() => conn.as_mut().graceful_shutdown(),
    }
    let _ = conn.await;
}

/// The host check in front of the router, and the refusals told once.
struct Gate {
    hosts: Hosts,
    /// Refused hosts and origins already reported in the terminal.
    reported: Mutex<BTreeSet<String>>,
}

impl Gate {
    async fn answer(
        &self,
        request: Request<Incoming>,
        mut router: Router,
        local: IpAddr,
    ) -> Result<Response<Body>, Infallible> {
        match self.hosts.check(&request, local) {
            Ok(host) => {
                // The router, too, matches the raw path.
                if request.uri().path() == LIVERELOAD
                    && let Err(refused) = check_origin(request.headers(), &host)
                {
                    return Ok(self.refuse(&refused));
                }
                std::future::poll_fn(|cx| <Router as Service<Request<Incoming>>>::poll_ready(&mut router, cx)).await?;
                router.call(request).await
            }
            Err(refused) => Ok(self.refuse(&refused)),
        }
    }

    /// The `403` for `refused`, reported in the terminal the first time.
    fn refuse(&self, refused: &Refused) -> Response<Body> {
        let reason = refused.reason();
        let mut reported = self.reported.lock().unwrap_or_else(|e| e.into_inner());
        // A page retrying in a loop must not flood the terminal.
        if reported.len() < 32 && reported.insert(reason.clone()) {
            eprintln!("warning: {reason}\n  = help: {}", self.hosts.help(refused));
        }
        let mut r = Response::new(Body::from(self.hosts.explain(refused)));
        *r.status_mut() = StatusCode::FORBIDDEN;
        let h = r.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        r
    }
}

/// A connection that holds its slot under the cap until it closes, also
/// after an upgrade to a WebSocket hands the stream on.
struct Counted {
    stream: TcpStream,
    _slot: OwnedSemaphorePermit,
}

impl AsyncRead for Counted {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}
