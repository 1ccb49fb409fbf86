//! How a long run shows progress: a bar on a terminal (indicatif), plain lines in logs.

use indicatif::{ProgressBar, ProgressStyle};
use klaster::progress::Progress;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

/// A progress bar on standard error.
pub struct Bar {
    bar: Mutex<Option<ProgressBar>>,
}

impl Progress for Bar {
    fn stage(&self, name: &'static str, total: Option<usize>) {
        let bar = match total {
            Some(n) => {
                let b = ProgressBar::new(n as u64);
                b.set_style(
                    ProgressStyle::with_template(if name == "links" {
                        "{msg:>14} [{bar:30}] {pos}/{len} addresses"
                    } else if name == "render" {
                        "{msg:>14} [{bar:30}] {pos}/{len} pages and search entries"
                    } else {
                        "{msg:>14} [{bar:30}] {pos}/{len} pages"
                    })
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
                );
                b
            }
            None => {
                let b = ProgressBar::new_spinner();
                b.enable_steady_tick(Duration::from_millis(100));
                b
            }
        };
        bar.set_message(name);
        if let Ok(mut slot) = self.bar.lock()
            && let Some(old) = slot.replace(bar)
        {
            old.finish_and_clear();
        }
    }

    fn step(&self) {
        self.steps(1);
    }

    fn steps(&self, n: usize) {
        if let Ok(slot) = self.bar.lock()
            && let Some(b) = slot.as_ref()
        {
            b.inc(n as u64);
        }
    }

    fn done(&self, _: &'static str, _: Duration) {
        if let Ok(mut slot) = self.bar.lock()
            && let Some(b) = slot.take()
        {
            b.finish_and_clear();
        }
    }
}

/// One plain line per finished stage, for logs and CI.
pub struct Lines;

impl Progress for Lines {
    fn stage(&self, _: &'static str, _: Option<usize>) {}
    fn step(&self) {}
    fn done(&self, name: &'static str, elapsed: Duration) {
        eprintln!("{name}: {} ms", elapsed.as_millis());
    }
}

/// A bar when standard error is a terminal, plain lines otherwise.
pub fn for_stderr() -> std::sync::Arc<dyn Progress> {
    if std::io::stderr().is_terminal() {
        std::sync::Arc::new(Bar {
            bar: Mutex::new(None),
        })
    } else {
        std::sync::Arc::new(Lines)
    }
}
