//! Ctrl+C (SIGINT) and SIGTERM for `wsprobe run`: the first one asks the run loop to
//! disconnect cleanly (it polls [`interrupted`]); a second one exits at once with 130.
//!
//! Plain `libc::signal` with a handler that only stores to an atomic (async-signal-safe), no
//! extra crate and no runtime of our own: the engine owns the tokio runtime. On non-Unix
//! systems nothing is installed and Ctrl+C ends the process the default way.

use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// True once SIGINT or SIGTERM arrived.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

/// Installs the handlers (idempotent).
pub fn install() {
    #[cfg(unix)]
    {
        let handler = on_signal as extern "C" fn(libc::c_int);
        // SAFETY: the handler only touches an atomic and calls `_exit`, both async-signal-safe.
        unsafe {
            libc::signal(libc::SIGINT, handler as libc::sighandler_t);
            libc::signal(libc::SIGTERM, handler as libc::sighandler_t);
        }
    }
}

#[cfg(unix)]
extern "C" fn on_signal(_signal: libc::c_int) {
    if INTERRUPTED.swap(true, Ordering::SeqCst) {
        // Second Ctrl+C: the user does not want to wait for a clean close.
        // SAFETY: `_exit` is async-signal-safe.
        unsafe { libc::_exit(130) };
    }
}
