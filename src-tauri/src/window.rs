//! The till's window fills its screen: maximised, or full screen when the store sets
//! `KASSA_FULLSCREEN=1` (a kiosk-style till with no desktop around it).

use tauri::{Runtime, WebviewWindow};

/// The environment variable a store sets to run the till full screen.
pub const FULLSCREEN_VAR: &str = "KASSA_FULLSCREEN";

/// Whether `KASSA_FULLSCREEN` asks for full screen: `1`, `true`, `yes` or `on`, in any case.
pub fn fullscreen_requested(value: Option<&str>) -> bool {
    value.is_some_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "1" | "true" | "yes" | "on"
        )
    })
}

/// Sizes `window` to its monitor, then maximises it or makes it full screen.
pub fn fill_screen<R: Runtime>(window: &WebviewWindow<R>, fullscreen: bool) -> tauri::Result<()> {
    // Maximising and full screen are requests to a window manager, and a till's X session often
    // has none (a kiosk session, or Xvfb in the tests): sizing the window to the monitor first
    // makes it fill the screen either way.
    let monitor = match window.current_monitor()? {
        Some(monitor) => Some(monitor),
        None => window.primary_monitor()?,
    };
    if let Some(monitor) = monitor {
        window.set_position(*monitor.position())?;
        window.set_size(*monitor.size())?;
    }
    if fullscreen {
        window.set_fullscreen(true)
    } else {
        window.maximize()
    }
}

#[cfg(test)]
mod tests {
    use super::fullscreen_requested;

    #[test]
    fn fullscreen_only_when_the_store_says_so() {
        for yes in ["1", "true", "YES", " on "] {
            assert!(fullscreen_requested(Some(yes)), "{yes:?}");
        }
        for no in [None, Some(""), Some("0"), Some("false"), Some("maximised")] {
            assert!(!fullscreen_requested(no), "{no:?}");
        }
    }
}
