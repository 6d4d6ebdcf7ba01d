//! A head office for the load generator: either one already running (its address, admin token,
//! fingerprint, and process id to watch), or a `kassa-hq serve` process it starts itself, on
//! SQLite (`--data`) or PostgreSQL (`--database`), over TLS with a private authority or plain
//! HTTP on loopback. Head office runs in its own process so its CPU time and memory are its own.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// Where the generator finds head office, and how to watch it.
#[derive(Clone, Debug)]
pub struct Target {
    pub url: String,
    pub admin_token: String,
    /// The authority fingerprint tills and admin calls trust (TLS with a private authority).
    pub pin: Option<String>,
    /// Head office's process, for its CPU time and memory (`None`: not measured).
    pub pid: Option<u32>,
    /// The database's processes by command name (`postgres`), for their CPU time.
    pub database_process: Option<String>,
}

/// How to start a head office.
#[derive(Clone, Debug)]
pub struct Spawn {
    pub binary: PathBuf,
    pub data: PathBuf,
    /// A PostgreSQL address; SQLite in `data` without one.
    pub database: Option<String>,
    pub database_connections: Option<u32>,
    pub tls: bool,
}

/// A head office process, stopped when dropped.
pub struct SpawnedHq {
    child: Child,
    pub target: Target,
}

impl Drop for SpawnedHq {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const ADMIN_TOKEN: &str = "kassa-loadtest-admin";

/// `kassa-hq` next to this program (the same `cargo build` puts both in one directory).
pub fn binary_beside_this_program() -> PathBuf {
    let me = std::env::current_exe().unwrap_or_default();
    me.with_file_name("kassa-hq")
}

pub fn spawn(spec: &Spawn) -> Result<SpawnedHq, String> {
    let base = |command: &mut Command| {
        command.arg("--data").arg(&spec.data);
        if let Some(database) = &spec.database {
            command.args(["--database", database]);
        }
        if let Some(n) = spec.database_connections {
            command.args(["--database-connections", &n.to_string()]);
        }
    };
    let mut pin = None;
    let mut tls_args: Vec<std::ffi::OsString> = Vec::new();
    if spec.tls {
        let mut init = Command::new(&spec.binary);
        base(&mut init);
        let out = init
            .args(["tls", "init"])
            .output()
            .map_err(|e| format!("{}: {e}", spec.binary.display()))?;
        let text = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            return Err(format!(
                "kassa-hq tls init failed: {text}{}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        pin = Some(
            text.lines()
                .find_map(|l| l.strip_prefix("head office authority fingerprint: "))
                .ok_or_else(|| format!("no fingerprint in {text:?}"))?
                .trim()
                .to_string(),
        );
        let tls = spec.data.join("tls");
        tls_args = vec![
            "--tls-cert".into(),
            existing(&tls, "cert.pem")?,
            "--tls-key".into(),
            existing(&tls, "key.pem")?,
        ];
    }
    let mut serve = Command::new(&spec.binary);
    base(&mut serve);
    let mut child = serve
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(&tls_args)
        .env("KASSA_HQ_ADMIN_TOKEN", ADMIN_TOKEN)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("{}: {e}", spec.binary.display()))?;
    let mut line = String::new();
    let read = BufReader::new(child.stdout.take().expect("piped"))
        .read_line(&mut line)
        .map_err(|e| e.to_string());
    let url = read.ok().and_then(|_| {
        line.split_whitespace()
            .find(|w| w.starts_with("http://") || w.starts_with("https://"))
            .map(str::to_string)
    });
    let Some(url) = url else {
        let _ = child.kill();
        return Err(format!("kassa-hq serve did not start: {line:?}"));
    };
    let pid = child.id();
    Ok(SpawnedHq {
        child,
        target: Target {
            url,
            admin_token: ADMIN_TOKEN.into(),
            pin,
            pid: Some(pid),
            database_process: spec.database.as_ref().map(|_| "postgres".to_string()),
        },
    })
}

/// A file `tls init` made in DATA/tls (its names: `kassa_hq::tls`).
fn existing(dir: &Path, name: &str) -> Result<std::ffi::OsString, String> {
    let path = dir.join(name);
    if path.is_file() {
        Ok(path.into_os_string())
    } else {
        Err(format!("kassa-hq tls init made no {}", path.display()))
    }
}
