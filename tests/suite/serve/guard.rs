//! What `casebook serve` refuses to pages the user visits and to clients
//! that misbehave: hosts that are not its own (DNS rebinding), the
//! live-reload socket to foreign pages, clients that send nothing or idle,
//! and more connections than it takes at once.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use casebook::serve::listen::MAX_CONNECTIONS;

use super::{Server, site};

/// A correctness bound on being disconnected, far above the header timeout.
const DROPPED_WITHIN: Duration = Duration::from_secs(30);

#[test]
fn serve_refuses_hosts_that_are_not_its_own() {
    let site = site();
    let server = Server::start(&site, &[]);
    let port = server.port;
    for host in [
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("EVIL.example.:{port}"),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        format!("user@localhost:{port}"),
        "localhost".to_string(),
    ] {
        for path in ["/", "/policies/alpha/", "/no/such/page/", "/__casebook/livereload"] {
            let r = server.get_as(&host, path);
            assert_eq!(r.status, 403, "{host} {path}: {}", r.body);
            assert_eq!(r.headers["content-type"], "text/plain; charset=utf-8");
            assert!(
                r.body.contains(&format!("`{host}`")),
                "the refusal names the host: {}",
                r.body
            );
            assert!(
                r.body.contains(&format!("open http://127.0.0.1:{port}/")),
                "and says where to go: {}",
                r.body
            );
            assert_eq!(r.body.trim_end().lines().count(), 1, "one line: {}", r.body);
            assert!(
                !r.body.contains("Alpha") && !r.body.contains("<"),
                "nothing of the site: {}",
                r.body
            );
        }
    }
    for host in [
        format!("localhost:{port}"),
        format!("LocalHost.:{port}"),
        format!("docs.localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("127.0.0.2:{port}"),
        format!("[::1]:{port}"),
    ] {
        let r = server.get_as(&host, "/policies/alpha/");
        assert_eq!(r.status, 200, "{host}: {}", r.body);
        assert!(r.body.contains("Alpha says what to do."), "{host}");
    }
    let log = server.log();
    assert_eq!(
        log.matches(&format!("warning: refused the host `evil.example:{port}`"))
            .count(),
        1,
        "told once in the terminal, however often asked:\n{log}"
    );
}

#[test]
fn serve_refuses_a_request_without_a_host() {
    let site = site();
    let server = Server::start(&site, &[]);
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    s.set_read_timeout(Some(super::DEADLINE)).expect("set a timeout");
    s.write_all(b"GET / HTTP/1.0\r\n\r\n").expect("send");
    let mut raw = String::new();
    s.read_to_string(&mut raw).expect("read the answer");
    assert!(
        raw.starts_with("HTTP/1.0 403") || raw.starts_with("HTTP/1.1 403"),
        "{raw}"
    );
    assert!(raw.contains("without a `Host` header"), "{raw}");
}

#[test]
fn serve_answers_to_the_names_it_is_given() {
    let site = site();
    let server = Server::start(&site, &["--bind", "0.0.0.0", "--allow-host", "Docs.Corp.Example"]);
    let port = server.port;
    assert!(
        server.log().contains(&format!(
            "serving on http://localhost:{port}/ and port {port} of every address"
        )),
        "{}",
        server.log()
    );
    for host in [format!("docs.corp.example:{port}"), format!("127.0.0.1:{port}")] {
        assert_eq!(server.get_as(&host, "/").status, 200, "{host}");
    }
    let r = server.get_as(&format!("evil.example:{port}"), "/");
    assert_eq!(r.status, 403);
    assert!(r.body.contains("this machine's IP address"), "{}", r.body);

    let bad = site.run(&["serve", "--allow-host", "docs.example:8080"]);
    bad.assert_code(2);
    assert!(
        bad.stderr.contains("`docs.example:8080` is not a host name"),
        "{}",
        bad.stderr
    );
}

#[test]
fn the_live_reload_socket_opens_only_for_the_servers_own_pages() {
    let site = site();
    let server = Server::start(&site, &[]);
    let port = server.port;
    let here = format!("127.0.0.1:{port}");
    let refused = [
        (here.clone(), Some("http://evil.example".to_string())),
        (here.clone(), Some(format!("http://evil.example:{port}"))),
        (here.clone(), Some(format!("http://127.0.0.1:{}", port.wrapping_add(1)))),
        (here.clone(), Some(format!("https://127.0.0.1:{port}"))),
        (here.clone(), Some("null".to_string())),
        // Another loopback name is another origin.
        (here.clone(), Some(format!("http://localhost:{port}"))),
        (here.clone(), None),
        (
            format!("evil.example:{port}"),
            Some(format!("http://evil.example:{port}")),
        ),
    ];
    for (host, origin) in &refused {
        let r = server
            .open_socket(host, origin.as_deref())
            .err()
            .unwrap_or_else(|| panic!("the socket opened for {host} from {origin:?}"));
        assert_eq!(r.status, 403, "{host} from {origin:?}: {}", r.body);
        assert!(!r.headers.contains_key("upgrade"), "no upgrade");
        let named = origin.as_deref().filter(|_| host == &here).unwrap_or("");
        assert!(r.body.contains(named), "{}", r.body);
    }
    let log = server.log();
    assert!(
        log.contains("warning: refused the live-reload socket to a page from `http://evil.example`"),
        "{log}"
    );

    let (_, answer) = server
        .open_socket(&here, Some(&format!("http://{here}")))
        .unwrap_or_else(|r| panic!("the page's own socket was refused: {}", r.body));
    assert_eq!(answer.status(), 101);
    let (_, answer) = server
        .open_socket(&format!("LOCALHOST:{port}"), Some(&format!("http://localhost:{port}")))
        .unwrap_or_else(|r| panic!("a page at localhost was refused: {}", r.body));
    assert_eq!(answer.status(), 101);
    // What the socket is for: build errors, quoted from the sources.
    let mut socket = server.socket();
    let beta = site.read("content/policies/beta.md");
    site.create(
        "content/policies/beta.md",
        beta.replace("owner: general-counsel", "owner: nobody"),
    );
    let error = socket.expect("error", || server.log());
    assert_eq!(error["diagnostics"][0]["file"], "content/policies/beta.md");
}

/// Reads until the server closes the connection; panics if it stays open
/// past [`DROPPED_WITHIN`]. What was read before.
fn read_until_dropped(s: &mut TcpStream, what: &str) -> Vec<u8> {
    s.set_read_timeout(Some(DROPPED_WITHIN)).expect("set a timeout");
    let mut got = Vec::new();
    let mut buf = [0; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return got,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted) => return got,
            Err(e) => panic!("{what}: still connected after {DROPPED_WITHIN:?} ({e})"),
        }
    }
}

#[test]
fn serve_drops_clients_that_send_nothing_trickle_or_idle() {
    let site = site();
    let server = Server::start(&site, &[]);
    let mut silent = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    let mut idle = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    write!(
        idle,
        "GET /assets/note.txt HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
        server.port
    )
    .expect("send");
    let mut trickle = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    let mut writer = trickle.try_clone().expect("a second handle");
    let slow = std::thread::spawn(move || {
        let started = Instant::now();
        let head = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: {}", "a".repeat(200));
        for byte in head.bytes().cycle() {
            if writer.write_all(&[byte]).is_err() || started.elapsed() > DROPPED_WITHIN {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    });

    assert_eq!(read_until_dropped(&mut silent, "a client that sent nothing"), b"");
    let answered = String::from_utf8(read_until_dropped(&mut idle, "a client idle on keep-alive")).expect("text");
    assert!(
        answered.starts_with("HTTP/1.1 200") && answered.ends_with("a note\n"),
        "answered, then dropped: {answered}"
    );
    let half = read_until_dropped(&mut trickle, "a client sending its headers slowly");
    assert!(!half.starts_with(b"HTTP/1.1 200"), "never answered");
    slow.join().expect("the slow writer");
    assert_eq!(server.get("/").status, 200, "the server still answers");
}

#[test]
fn idle_connections_beyond_the_cap_do_not_stop_the_server() {
    let site = site();
    let server = Server::start(&site, &[]);
    let idle: Vec<TcpStream> = (0..MAX_CONNECTIONS + 16)
        .map(|_| TcpStream::connect(("127.0.0.1", server.port)).expect("connect"))
        .collect();
    let r = server.get("/policies/alpha/");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Alpha says what to do."));
    drop(idle);
}

#[test]
fn open_sockets_count_against_the_cap() {
    let site = site();
    let server = Server::start(&site, &[]);
    let here = format!("127.0.0.1:{}", server.port);
    let origin = format!("http://{here}");
    let mut sockets: Vec<_> = (0..MAX_CONNECTIONS)
        .map(|_| {
            server
                .open_socket(&here, Some(&origin))
                .map(|(s, _)| s)
                .expect("a socket")
        })
        .collect();
    let mut waiting = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    write!(waiting, "GET / HTTP/1.1\r\nHost: {here}\r\nConnection: close\r\n\r\n").expect("send");
    waiting
        .set_read_timeout(Some(Duration::from_millis(500)))
        .expect("set a timeout");
    let mut buf = [0; 1];
    let early = waiting.read(&mut buf);
    assert!(
        matches!(&early, Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)),
        "answered while every slot was taken: {early:?}"
    );
    // One page closes: its slot goes to the waiting client.
    drop(sockets.pop());
    waiting.set_read_timeout(Some(super::DEADLINE)).expect("set a timeout");
    let mut answer = String::new();
    waiting.read_to_string(&mut answer).expect("the answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    drop(sockets);
}
