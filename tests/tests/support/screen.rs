//! A screen of the desktop test's own: Xvfb at a chosen size (so the till can be looked at as on
//! a 1024x768 till screen or a 1920x1080 one, however the test was started), and keys typed at
//! whichever window has the keyboard with xdotool, as a barcode scanner types: not into an
//! element chosen by the test, so a field that lost focus shows up as a lost scan.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub struct Screen {
    child: Child,
    /// `:N`, for DISPLAY.
    pub display: String,
    pub width: u32,
    pub height: u32,
}

impl Screen {
    pub fn start(width: u32, height: u32) -> Screen {
        // -displayfd: Xvfb picks a free display number and writes it once it accepts clients.
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-nolisten", "tcp", "-screen", "0"])
            .arg(format!("{width}x{height}x24"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb on PATH (scripts/setup-debian installs it)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let number: u32 = line
            .trim()
            .parse()
            .expect("Xvfb printed its display number");
        Screen {
            child,
            display: format!(":{number}"),
            width,
            height,
        }
    }

    fn xdotool(&self, args: &[&str]) -> String {
        let output = Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &self.display)
            .output()
            .expect("xdotool on PATH (scripts/setup-debian installs it)");
        assert!(
            output.status.success(),
            "xdotool {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Gives the window titled `title` the keyboard, as a cashier's click on it would (there is
    /// no window manager on this screen to do it).
    pub fn focus_window(&self, title: &str) {
        let found = self.xdotool(&["search", "--onlyvisible", "--name", &format!("^{title}$")]);
        let window = found
            .lines()
            .next()
            .unwrap_or_else(|| panic!("no window titled {title:?}"));
        self.xdotool(&["windowfocus", "--sync", window]);
    }

    /// Types `text` at the focused window, key by key.
    pub fn type_text(&self, text: &str) {
        self.xdotool(&["type", "--delay", "20", text]);
    }

    /// Presses keys by their X names: `Return`, `Escape`, `F5`, `alt+i`.
    pub fn key(&self, keys: &str) {
        self.xdotool(&["key", keys]);
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
