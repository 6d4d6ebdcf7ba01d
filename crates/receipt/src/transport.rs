//! Sending bytes to a printer: a device path (`/dev/usb/lp0`), a network printer's raw port
//! (`host:9100`), or a file. Every way has a deadline, so a printer that hangs fails instead
//! of blocking the till; the sale was saved before, and printing can be retried.

use std::io::Write;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How long a network printer gets to accept the connection and take the bytes.
pub const NETWORK_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrinterTarget {
    /// A character device the printer driver provides; written like a file, never created.
    Device(PathBuf),
    /// A network printer's raw port, usually 9100.
    Network(String),
    /// A file (for tests, or to print later).
    File(PathBuf),
}

impl PrinterTarget {
    /// `device:/dev/usb/lp0`, `tcp:192.168.1.50:9100` or `file:receipt.bin`.
    pub fn parse(text: &str) -> Result<PrinterTarget, PrintError> {
        let bad = || PrintError::BadTarget(text.to_string());
        let (kind, rest) = text.split_once(':').ok_or_else(bad)?;
        if rest.trim().is_empty() {
            return Err(bad());
        }
        match kind {
            "device" => Ok(PrinterTarget::Device(PathBuf::from(rest))),
            "tcp" => Ok(PrinterTarget::Network(rest.to_string())),
            "file" => Ok(PrinterTarget::File(PathBuf::from(rest))),
            _ => Err(bad()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("printer {0:?}: use device:PATH, tcp:HOST:PORT or file:PATH")]
    BadTarget(String),
    #[error("the printer at {target} cannot be reached: {why} (the sale is saved: print it again when the printer is back)")]
    Unreachable { target: String, why: String },
    #[error("the printer at {target} stopped taking the receipt: {why} (the sale is saved: print it again)")]
    Failed { target: String, why: String },
}

fn connect(address: &str) -> Result<TcpStream, PrintError> {
    let unreachable = |why: String| PrintError::Unreachable {
        target: address.to_string(),
        why,
    };
    let addresses: Vec<SocketAddr> = address
        .to_socket_addrs()
        .map_err(|e| unreachable(e.to_string()))?
        .collect();
    let mut last = String::from("no address");
    for addr in addresses {
        match TcpStream::connect_timeout(&addr, NETWORK_TIMEOUT) {
            Ok(stream) => return Ok(stream),
            Err(e) => last = e.to_string(),
        }
    }
    Err(unreachable(last))
}

/// Sends `bytes` to the printer, all of them or an error.
pub fn send(target: &PrinterTarget, bytes: &[u8]) -> Result<(), PrintError> {
    match target {
        PrinterTarget::Network(address) => {
            let mut stream = connect(address)?;
            let failed = |e: std::io::Error| PrintError::Failed {
                target: address.clone(),
                why: e.to_string(),
            };
            // One deadline for the whole receipt: a socket timeout alone restarts with every
            // partial write, so a printer taking a trickle could hold the till for minutes.
            let deadline = Instant::now() + NETWORK_TIMEOUT;
            let mut rest = bytes;
            while !rest.is_empty() {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(failed(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!("not all sent within {} s", NETWORK_TIMEOUT.as_secs()),
                    )));
                }
                stream.set_write_timeout(Some(left)).map_err(failed)?;
                match stream.write(&rest[..rest.len().min(16 * 1024)]) {
                    Ok(0) => {
                        return Err(failed(std::io::Error::new(
                            std::io::ErrorKind::WriteZero,
                            "the printer closed the connection",
                        )))
                    }
                    Ok(n) => rest = &rest[n..],
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(failed(e)),
                }
            }
            stream.flush().map_err(failed)
        }
        PrinterTarget::Device(path) => {
            let target = path.display().to_string();
            let mut device = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| PrintError::Unreachable {
                    target: target.clone(),
                    why: e.to_string(),
                })?;
            device
                .write_all(bytes)
                .and_then(|_| device.flush())
                .map_err(|e| PrintError::Failed {
                    target,
                    why: e.to_string(),
                })
        }
        PrinterTarget::File(path) => std::fs::write(path, bytes).map_err(|e| PrintError::Failed {
            target: path.display().to_string(),
            why: e.to_string(),
        }),
    }
}
