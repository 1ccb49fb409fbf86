//! How a run reports its progress. The stages call a [`Progress`]; the command decides
//! what to show (a bar on a terminal, a line per stage in CI, nothing in `serve`).

use std::time::Duration;

/// Receives progress of a run. Called from many threads at once.
pub trait Progress: Send + Sync {
    /// A stage begins; `total` is the number of steps when known.
    fn stage(&self, name: &'static str, total: Option<usize>);
    /// One step of the current stage is done.
    fn step(&self);
    /// `n` steps of the current stage are done.
    fn steps(&self, n: usize) {
        for _ in 0..n {
            self.step();
        }
    }
    /// A stage ended after `elapsed`.
    fn done(&self, name: &'static str, elapsed: Duration);
}
