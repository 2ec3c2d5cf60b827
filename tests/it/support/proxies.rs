//! Real proxies for the proxy tests: tinyproxy (HTTP CONNECT) and microsocks (SOCKS5), the
//! Debian packages `.ci/peers` installs, started on free 127.0.0.1 ports with their own
//! config files. A missing binary fails the test with the package to install.

use std::process::Command;

use super::peers::{Peer, free_port, program};

/// A running proxy; its folder (config, log) lives as long as it does.
pub struct RunningProxy {
    pub peer: Peer,
    dir: tempfile::TempDir,
    scheme: &'static str,
}

impl RunningProxy {
    /// The proxy's URL, with `user:pass@` when given.
    pub fn url(&self, credentials: Option<(&str, &str)>) -> String {
        self.url_with(self.scheme, credentials)
    }

    /// The URL with another scheme (socks5h:// for microsocks).
    pub fn url_with(&self, scheme: &str, credentials: Option<(&str, &str)>) -> String {
        let user = credentials.map_or_else(String::new, |(u, p)| format!("{u}:{p}@"));
        format!("{scheme}://{user}127.0.0.1:{}", self.peer.port)
    }

    /// What the proxy logged so far (tinyproxy: its log file).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("proxy.log")).unwrap_or_default()
    }
}

/// tinyproxy on a free port, with `BasicAuth user pass` when `auth` is given; it logs every
/// CONNECT to its log file.
pub fn tinyproxy(auth: Option<(&str, &str)>) -> RunningProxy {
    let binary = program("tinyproxy", "tinyproxy");
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let log = dir.path().join("proxy.log");
    let mut config = format!(
        "Port {port}\nListen 127.0.0.1\nAllow 127.0.0.1\nLogLevel Connect\nLogFile \"{}\"\n",
        log.display()
    );
    if let Some((user, pass)) = auth {
        config.push_str(&format!("BasicAuth {user} {pass}\n"));
    }
    let conf = dir.path().join("tinyproxy.conf");
    std::fs::write(&conf, config).expect("write tinyproxy.conf");
    let mut command = Command::new(binary);
    command.arg("-d").arg("-c").arg(&conf);
    let peer = Peer::on_port(command, port, "tinyproxy");
    RunningProxy {
        peer,
        dir,
        scheme: "http",
    }
}

/// microsocks on a free port, with `-u user -P pass` when `auth` is given.
pub fn microsocks(auth: Option<(&str, &str)>) -> RunningProxy {
    let binary = program("microsocks", "microsocks");
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let mut command = Command::new(binary);
    command
        .arg("-i")
        .arg("127.0.0.1")
        .arg("-p")
        .arg(port.to_string());
    if let Some((user, pass)) = auth {
        command.arg("-u").arg(user).arg("-P").arg(pass);
    }
    let peer = Peer::on_port(command, port, "microsocks");
    RunningProxy {
        peer,
        dir,
        scheme: "socks5",
    }
}
