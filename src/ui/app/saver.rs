//! The saver: writes the workspace on a background thread so the UI never waits for the
//! disk. Only the newest pending save is written; a failed save is retried every
//! [`SAVE_RETRY`] (and on a flush) until it works or a newer one replaces it.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crate::format::error_chain;
use crate::model::Workspace;
use crate::store::Store;

/// How long after the last edit the workspace is written.
pub const SAVE_DEBOUNCE: Duration = Duration::from_millis(300);

/// Writes the workspace on a background thread so the UI never waits for the disk.
pub(super) struct Saver {
    tx: Option<mpsc::Sender<SaveJob>>,
    pub(super) errors: mpsc::Receiver<Result<(), String>>,
    thread: Option<thread::JoinHandle<()>>,
}

enum SaveJob {
    Save(Box<Workspace>),
    Flush(mpsc::Sender<()>),
}

/// How often a failed save (read-only folder, full disk) is tried again.
pub const SAVE_RETRY: Duration = Duration::from_secs(1);

impl Saver {
    pub(super) fn new(mut store: Store) -> Self {
        let (tx, rx) = mpsc::channel::<SaveJob>();
        let (err_tx, errors) = mpsc::channel();
        let thread = thread::Builder::new()
            .name("wsprobe-save".into())
            .spawn(move || {
                // A workspace whose save failed: tried again every SAVE_RETRY (and on a flush)
                // until it works or a newer one replaces it, so edits are never dropped.
                let mut failed: Option<Box<Workspace>> = None;
                loop {
                    let job = if failed.is_some() {
                        match rx.recv_timeout(SAVE_RETRY) {
                            Ok(job) => Some(job),
                            Err(mpsc::RecvTimeoutError::Timeout) => None,
                            Err(mpsc::RecvTimeoutError::Disconnected) => break,
                        }
                    } else {
                        match rx.recv() {
                            Ok(job) => Some(job),
                            Err(_) => break,
                        }
                    };
                    let mut flushes = Vec::new();
                    let mut ws = match job {
                        Some(SaveJob::Save(ws)) => ws,
                        Some(SaveJob::Flush(done)) => {
                            flushes.push(done);
                            match failed.take() {
                                Some(ws) => ws,
                                None => {
                                    for done in flushes {
                                        let _ = done.send(());
                                    }
                                    continue;
                                }
                            }
                        }
                        None => match failed.take() {
                            Some(ws) => ws,
                            None => continue,
                        },
                    };
                    // Only the newest pending save matters.
                    while let Ok(next) = rx.try_recv() {
                        match next {
                            SaveJob::Save(newer) => ws = newer,
                            SaveJob::Flush(done) => flushes.push(done),
                        }
                    }
                    let result = store.save(&ws).map_err(|e| error_chain(&e));
                    if result.is_err() {
                        failed = Some(ws);
                    }
                    let _ = err_tx.send(result);
                    for done in flushes {
                        let _ = done.send(());
                    }
                }
            })
            .ok();
        Self {
            tx: Some(tx),
            errors,
            thread,
        }
    }

    pub(super) fn save(&self, workspace: &Workspace) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(SaveJob::Save(Box::new(workspace.clone())));
        }
    }

    /// Waits until everything sent so far is on disk.
    pub(super) fn flush(&self) {
        if let Some(tx) = &self.tx {
            let (done_tx, done_rx) = mpsc::channel();
            if tx.send(SaveJob::Flush(done_tx)).is_ok() {
                let _ = done_rx.recv_timeout(Duration::from_secs(10));
            }
        }
    }
}

impl Drop for Saver {
    fn drop(&mut self) {
        self.tx = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
