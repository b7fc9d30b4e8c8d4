//! Which requests the dev server answers, so that a web page the user visits
//! cannot read the site.
//!
//! Two attacks are closed here. DNS rebinding: a hostile page at
//! `evil.example` makes its name resolve to 127.0.0.1 and reads the server as
//! its own origin; the browser still sends `Host: evil.example`, so a request
//! is answered only when its `Host` names this server ([`Hosts::check`]).
//! Cross-site sockets: any page may open a WebSocket to any address, and the
//! live-reload socket carries diagnostics quoting source lines, so it needs
//! an `Origin` equal to the host it was opened on ([`check_origin`]).
//!
//! This server is named by `localhost` and `*.localhost` (browsers resolve
//! them to loopback themselves), by loopback addresses, by the `--bind`
//! address, by the address a connection came in on when bound to every
//! address, and by `--allow-host` names; always with the served port. A
//! missing port means 80, as it does for `http:`, so it fits only a server on
//! port 80.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::http::{HeaderMap, Request, header};

/// A host as a request names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// A DNS name: lower case, without a final dot.
    Name(String),
    /// An address; IPv4-mapped IPv6 addresses are kept as IPv4.
    Ip(IpAddr),
}

/// `host[:port]` as a `Host` header or an origin writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    pub host: Host,
    /// The port, 80 when none is written (the default for `http:`).
    pub port: u16,
}

/// A host alone: `[IPv6]`, an IPv4 address or a DNS name (ASCII, as
/// browsers send it), a final dot dropped; `None` for anything else.
pub fn parse_host(text: &str) -> Option<Host> {
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        return inner
            .parse()
            .ok()
            .map(|ip: Ipv6Addr| Host::Ip(IpAddr::V6(ip).to_canonical()));
    }
    let text = text.strip_suffix('.').unwrap_or(text);
    if let Ok(ip) = text.parse::<std::net::Ipv4Addr>() {
        return Some(Host::Ip(IpAddr::V4(ip)));
    }
    let is_label = |l: &str| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    text.split('.')
        .all(is_label)
        .then(|| Host::Name(text.to_ascii_lowercase()))
}

/// An `--allow-host` value: a name, or an address with or without brackets.
pub fn parse_allowed(text: &str) -> Result<Host, String> {
    match text.parse::<IpAddr>() {
        Ok(ip) => Ok(Host::Ip(ip.to_canonical())),
        Err(_) => parse_host(text).ok_or_else(|| {
            format!("`{text}` is not a host name or address; write it without scheme or port, e.g. `docs.example`")
        }),
    }
}

impl Authority {
    /// Parses `host[:port]` strictly: no user part, path or bare IPv6.
    pub fn parse(text: &str) -> Option<Authority> {
        let (host, port) = if text.starts_with('[') {
            let (host, rest) = text.split_at(text.find(']')? + 1);
            let port = if rest.is_empty() {
                None
            } else {
                Some(rest.strip_prefix(':')?)
            };
            (host, port)
        } else {
            match text.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (text, None),
            }
        };
        let port = match port {
            None | Some("") => 80,
            Some(p) if p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) => p.parse().ok()?,
            Some(_) => return None,
        };
        Some(Authority {
            host: parse_host(host)?,
            port,
        })
    }

    /// The origin `http://host[:port]` as browsers send it; `None` for any
    /// other scheme, `null`, or anything after the port.
    pub fn parse_origin(text: &str) -> Option<Authority> {
        let scheme = text.get(..7)?;
        scheme
            .eq_ignore_ascii_case("http://")
            .then(|| Authority::parse(&text[7..]))?
    }
}

/// Why a request was refused; the texts are as the client sent them.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// `Host` missing (`None`), repeated or not naming this server.
    Host(Option<String>),
    /// `Origin` missing (`None`) or not the page's own on the socket.
    Origin(Option<String>),
}

impl Refused {
    /// What was refused and why.
    pub fn reason(&self) -> String {
        match self {
            Refused::Host(Some(h)) => {
                format!("refused the host `{h}`: it is not a name of this server (a guard against DNS rebinding)")
            }
            Refused::Host(None) => "refused a request without a `Host` header".into(),
            Refused::Origin(Some(o)) => {
                format!("refused the live-reload socket to a page from `{o}`: only this server's own pages may open it")
            }
            Refused::Origin(None) => "refused the live-reload socket to a client that sent no `Origin`".into(),
        }
    }
}

/// The names and addresses this server answers to.
#[derive(Debug)]
pub struct Hosts {
    bind: IpAddr,
    port: u16,
    allowed: Vec<Host>,
}

impl Hosts {
    /// The server bound to `bind` and serving `port`, also named `allowed`.
    pub fn new(bind: IpAddr, port: u16, allowed: Vec<Host>) -> Hosts {
        Hosts { bind, port, allowed }
    }

    /// Whether `a` names this server, for a connection that came in at `local`.
    pub fn allows(&self, a: &Authority, local: IpAddr) -> bool {
        a.port == self.port
            && match &a.host {
                Host::Name(n) => n == "localhost" || n.ends_with(".localhost") || self.allowed.contains(&a.host),
                Host::Ip(ip) => {
                    ip.is_loopback()
                        || *ip == self.bind.to_canonical()
                        || (self.bind.is_unspecified() && *ip == local.to_canonical())
                        || self.allowed.contains(&a.host)
                }
            }
    }

    /// Lets `request` in when its `Host`, and a target in absolute form
    /// (`GET http://host/ HTTP/1.1`), name this server.
    pub fn check<B>(&self, request: &Request<B>, local: IpAddr) -> Result<Authority, Refused> {
        let mut values = request.headers().get_all(header::HOST).iter();
        let (Some(value), None) = (values.next(), values.next()) else {
            let all: Vec<String> = request.headers().get_all(header::HOST).iter().map(shown).collect();
            return Err(Refused::Host((!all.is_empty()).then(|| all.join(", "))));
        };
        let named = |text: &str| Authority::parse(text).filter(|a| self.allows(a, local));
        let target_ok = request.uri().authority().is_none_or(|a| named(a.as_str()).is_some());
        match value.to_str().ok().and_then(named) {
            Some(a) if target_ok => Ok(a),
            _ => Err(Refused::Host(Some(shown(value)))),
        }
    }

    /// The port, when the server listens on every address of the machine.
    pub fn every_address(&self) -> Option<u16> {
        self.bind.is_unspecified().then_some(self.port)
    }

    /// Where a browser on this machine finds the server.
    pub fn url(&self) -> String {
        if self.bind.is_unspecified() {
            format!("http://localhost:{}/", self.port)
        } else {
            format!("http://{}/", SocketAddr::new(self.bind, self.port))
        }
    }

    /// How to reach the server instead of what `refused` tried.
    pub fn help(&self, refused: &Refused) -> String {
        let url = self.url();
        match refused {
            Refused::Host(_) if self.bind.is_unspecified() => format!(
                "open {url}, or from another machine this machine's IP address with port {}; start serve with `--allow-host NAME` to answer to another name",
                self.port
            ),
            Refused::Host(_) => format!("open {url}; start serve with `--allow-host NAME` to answer to another name"),
            Refused::Origin(_) => format!("open the pages from {url}"),
        }
    }

    /// The one-line answer to a refused request: what was refused, and how
    /// to reach the server instead.
    pub fn explain(&self, refused: &Refused) -> String {
        format!("casebook serve {}; {}\n", refused.reason(), self.help(refused))
    }
}

/// Lets the live-reload socket open only for a page served from `host`,
/// the host the socket is opened on.
pub fn check_origin(headers: &HeaderMap, host: &Authority) -> Result<(), Refused> {
    let mut values = headers.get_all(header::ORIGIN).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        let all: Vec<String> = headers.get_all(header::ORIGIN).iter().map(shown).collect();
        return Err(Refused::Origin((!all.is_empty()).then(|| all.join(", "))));
    };
    let origin = value.to_str().ok().and_then(Authority::parse_origin);
    match origin {
        Some(o) if o == *host => Ok(()),
        _ => Err(Refused::Origin(Some(shown(value)))),
    }
}

/// A header value fit to quote on one line: escaped, and cut when long.
fn shown(value: &axum::http::HeaderValue) -> String {
    let text = String::from_utf8_lossy(value.as_bytes());
    let mut out: String = text.chars().take(100).flat_map(char::escape_debug).collect();
    if text.chars().nth(100).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

    fn name(n: &str) -> Host {
        Host::Name(n.into())
    }

    fn ip(s: &str) -> Host {
        Host::Ip(s.parse().expect("an address"))
    }

    #[test]
    fn authorities_parse_strictly() {
        let cases: &[(&str, Option<(Host, u16)>)] = &[
            ("localhost:1111", Some((name("localhost"), 1111))),
            ("LocalHost:1111", Some((name("localhost"), 1111))),
            ("localhost.:1111", Some((name("localhost"), 1111))),
            ("localhost", Some((name("localhost"), 80))),
            ("localhost:", Some((name("localhost"), 80))),
            ("localhost:01111", Some((name("localhost"), 1111))),
            ("127.0.0.1:1111", Some((ip("127.0.0.1"), 1111))),
            ("127.0.0.1.:1111", Some((ip("127.0.0.1"), 1111))),
            ("[::1]:1111", Some((ip("::1"), 1111))),
            ("[0:0:0:0:0:0:0:1]:1111", Some((ip("::1"), 1111))),
            ("[::ffff:127.0.0.1]:1111", Some((ip("127.0.0.1"), 1111))),
            ("[::1]", Some((ip("::1"), 80))),
            ("docs_box.internal:8", Some((name("docs_box.internal"), 8))),
            // Not a host, or not only a host.
            ("", None),
            (":1111", None),
            ("::1:1111", None),
            ("::1", None),
            ("[::1]1111", None),
            ("[::1]:1111]", None),
            ("[fe80::1%25eth0]:1111", None),
            ("[127.0.0.1]:1111", None),
            ("localhost:1111:1111", None),
            ("localhost:+1111", None),
            ("localhost:65536", None),
            ("localhost:111111", None),
            ("localhost:11a", None),
            ("user@localhost:1111", None),
            ("localhost:1111@evil.example", None),
            ("evil.example#@localhost:1111", None),
            ("localhost/evil:1111", None),
            ("localhost\\evil", None),
            ("local host", None),
            ("localhost..", None),
            ("a..b", None),
            (".localhost", None),
            ("exämple.com", None),
        ];
        for (text, want) in cases {
            let got = Authority::parse(text).map(|a| (a.host, a.port));
            assert_eq!(&got, want, "{text:?}");
        }
    }

    #[test]
    fn origins_are_http_authorities_only() {
        let a = |h: Host, port| Some(Authority { host: h, port });
        assert_eq!(
            Authority::parse_origin("http://127.0.0.1:1111"),
            a(ip("127.0.0.1"), 1111)
        );
        assert_eq!(
            Authority::parse_origin("HTTP://LOCALHOST:1111"),
            a(name("localhost"), 1111)
        );
        assert_eq!(Authority::parse_origin("http://[::1]:1111"), a(ip("::1"), 1111));
        assert_eq!(Authority::parse_origin("http://localhost"), a(name("localhost"), 80));
        for text in [
            "null",
            "https://localhost:1111",
            "ws://localhost:1111",
            "file://",
            "http://localhost:1111/",
            "http://user@localhost:1111",
            "http://",
            "localhost:1111",
            "htt",
        ] {
            assert_eq!(Authority::parse_origin(text), None, "{text:?}");
        }
    }

    fn allowed(hosts: &Hosts, text: &str, local: IpAddr) -> bool {
        Authority::parse(text).is_some_and(|a| hosts.allows(&a, local))
    }

    #[test]
    fn loopback_names_and_addresses_with_the_port_only() {
        let hosts = Hosts::new(LOOPBACK, 1111, Vec::new());
        for text in [
            "localhost:1111",
            "LOCALHOST:1111",
            "localhost.:1111",
            "docs.localhost:1111",
            "a.b.localhost:1111",
            "127.0.0.1:1111",
            "127.9.8.7:1111",
            "[::1]:1111",
            "[::ffff:127.0.0.1]:1111",
        ] {
            assert!(allowed(&hosts, text, LOOPBACK), "{text} is this server");
        }
        for text in [
            "evil.example:1111",
            "localhost.evil.example:1111",
            "localhost-evil.example:1111",
            "evillocalhost:1111",
            "127.0.0.1.evil.example:1111",
            "evil.example.:1111",
            "localhost:1112",
            "localhost",
            "127.0.0.1",
            "127.1:1111",
            "0x7f.0.0.1:1111",
            "2130706433:1111",
            "0.0.0.0:1111",
            "192.168.1.5:1111",
            "[::]:1111",
            "[::2]:1111",
        ] {
            assert!(!allowed(&hosts, text, LOOPBACK), "{text} is not this server");
        }
        let on_80 = Hosts::new(LOOPBACK, 80, Vec::new());
        assert!(allowed(&on_80, "localhost", LOOPBACK), "no port means 80");
        assert!(allowed(&on_80, "localhost:80", LOOPBACK));
        assert!(!allowed(&on_80, "localhost:1111", LOOPBACK));
    }

    #[test]
    fn the_bind_address_and_allowed_names_are_this_server() {
        let lan: IpAddr = "192.168.1.5".parse().expect("an address");
        let hosts = Hosts::new(lan, 1111, vec![name("docs.corp.example")]);
        assert!(allowed(&hosts, "192.168.1.5:1111", lan));
        assert!(allowed(&hosts, "localhost:1111", lan));
        assert!(allowed(&hosts, "DOCS.corp.example.:1111", lan));
        assert!(!allowed(&hosts, "docs.corp.example:80", lan));
        assert!(!allowed(&hosts, "x.docs.corp.example:1111", lan));
        assert!(!allowed(&hosts, "192.168.1.6:1111", lan));

        // Bound to every address: the one the connection came in on.
        let every = Hosts::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 1111, Vec::new());
        assert!(allowed(&every, "192.168.1.5:1111", lan));
        assert!(!allowed(&every, "192.168.1.6:1111", lan));
        assert!(!allowed(&every, "evil.example:1111", lan));
        let mapped: IpAddr = "::ffff:192.168.1.5".parse().expect("an address");
        let dual = Hosts::new("::".parse().expect("an address"), 1111, Vec::new());
        assert!(
            allowed(&dual, "192.168.1.5:1111", mapped),
            "IPv4 on a dual-stack socket"
        );
    }

    fn request(host: &[&str], target: &str) -> Request<()> {
        let mut r = Request::builder().uri(target);
        for h in host {
            r = r.header(header::HOST, *h);
        }
        r.body(()).expect("a request")
    }

    #[test]
    fn requests_need_one_host_naming_this_server() {
        let hosts = Hosts::new(LOOPBACK, 1111, Vec::new());
        let check = |h: &[&str], t: &str| hosts.check(&request(h, t), LOOPBACK).map(|a| a.host);
        assert_eq!(check(&["localhost:1111"], "/"), Ok(name("localhost")));
        assert_eq!(
            check(&["127.0.0.1:1111"], "http://localhost:1111/x"),
            Ok(ip("127.0.0.1"))
        );
        assert_eq!(check(&[], "/"), Err(Refused::Host(None)));
        assert_eq!(
            check(&["localhost:1111", "evil.example"], "/"),
            Err(Refused::Host(Some("localhost:1111, evil.example".into())))
        );
        assert_eq!(
            check(&["evil.example:1111"], "/"),
            Err(Refused::Host(Some("evil.example:1111".into())))
        );
        assert_eq!(
            check(&["localhost:1111"], "http://evil.example:1111/"),
            Err(Refused::Host(Some("localhost:1111".into())))
        );
    }

    #[test]
    fn the_socket_needs_the_pages_own_origin() {
        let host = |text: &str| Authority::parse(text).expect("an authority");
        let headers = |origins: &[&str]| {
            let mut h = HeaderMap::new();
            for o in origins {
                h.append(header::ORIGIN, o.parse().expect("a header value"));
            }
            h
        };
        let here = host("127.0.0.1:1111");
        assert_eq!(check_origin(&headers(&["http://127.0.0.1:1111"]), &here), Ok(()));
        for origin in [
            "http://evil.example",
            "http://evil.example:1111",
            "http://localhost:1111",
            "http://127.0.0.1:3000",
            "http://127.0.0.1",
            "https://127.0.0.1:1111",
            "null",
        ] {
            assert_eq!(
                check_origin(&headers(&[origin]), &here),
                Err(Refused::Origin(Some(origin.into()))),
                "{origin}"
            );
        }
        assert_eq!(check_origin(&headers(&[]), &here), Err(Refused::Origin(None)));
        assert!(check_origin(&headers(&["http://127.0.0.1:1111", "http://127.0.0.1:1111"]), &here).is_err());
        let named = host("LocalHost:1111");
        assert_eq!(check_origin(&headers(&["http://localhost:1111"]), &named), Ok(()));
    }

    #[test]
    fn refusals_say_what_and_where_to_go() {
        let hosts = Hosts::new(LOOPBACK, 1111, Vec::new());
        let text = hosts.explain(&Refused::Host(Some("evil.example:1111".into())));
        assert!(
            text.contains("`evil.example:1111`") && text.contains("open http://127.0.0.1:1111/"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 1, "{text}");
        let every = Hosts::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 1111, Vec::new());
        assert!(every.explain(&Refused::Origin(None)).contains("http://localhost:1111/"));
        let v6 = Hosts::new("::1".parse().expect("an address"), 1111, Vec::new());
        assert_eq!(v6.url(), "http://[::1]:1111/");
        let odd = axum::http::HeaderValue::from_bytes(b"evil\t\xff`").expect("a header value");
        assert_eq!(shown(&odd), "evil\\t\u{fffd}`");
        let long = axum::http::HeaderValue::from_str(&"a".repeat(5000)).expect("a header value");
        assert_eq!(shown(&long), format!("{}…", "a".repeat(100)));
    }
}
