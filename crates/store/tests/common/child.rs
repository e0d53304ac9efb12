//! Child processes for tests that need a second process (lock holders, crash victims).
//!
//! The child is the test binary itself, re-invoked to run one named test with an
//! environment variable set: the named test is a no-op when the variable is absent, and
//! does the child's work when it is present. So no extra binary target is needed and
//! `cargo test` always builds the child. The child prints its reports as lines starting
//! with [`MARK`] (libtest may print on the same line, so reports are found anywhere in
//! a line); a thread forwards them to a channel, so every wait has a timeout. The
//! handle kills and reaps the child when dropped, so no test leaves one behind.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Prefix of a child's report.
pub const MARK: &str = "@@etn-child:";

/// Prints one report from inside a child (stdout is line-buffered, so it is flushed).
pub fn report(message: impl std::fmt::Display) {
    println!("\n{MARK}{message}");
}

pub struct ChildProcess {
    child: Option<Child>,
    lines: Receiver<String>,
    reader: Option<JoinHandle<()>>,
    pub stdin: Option<ChildStdin>,
}

impl ChildProcess {
    /// Runs test `test_name` of this test binary in a new process with `env` set.
    pub fn spawn(test_name: &str, env: &[(&str, &std::ffi::OsStr)]) -> Self {
        let mut command = Command::new(std::env::current_exe().expect("test binary path"));
        command
            .args([test_name, "--exact", "--nocapture", "--test-threads=1"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("spawn child test process");
        let stdout = child.stdout.take().expect("piped stdout");
        let stdin = child.stdin.take();
        let (tx, lines) = channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(at) = line.find(MARK)
                    && tx.send(line[at + MARK.len()..].to_string()).is_err()
                {
                    break;
                }
            }
        });
        Self {
            child: Some(child),
            lines,
            reader: Some(reader),
            stdin,
        }
    }

    /// The next report, or `None` if the child closed its stdout (exited) or `timeout`
    /// passed.
    pub fn next_report(&self, timeout: Duration) -> Option<String> {
        self.lines.recv_timeout(timeout).ok()
    }

    /// Waits for a report equal to `expected` (skipping others), up to `timeout`.
    pub fn wait_for(&self, expected: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.next_report(left) {
                Some(line) if line == expected => return true,
                Some(_) => continue,
                None => return false,
            }
        }
        false
    }

    /// Whether the child has exited by itself.
    pub fn has_exited(&mut self) -> bool {
        match &mut self.child {
            Some(child) => matches!(child.try_wait(), Ok(Some(_))),
            None => true,
        }
    }

    /// SIGKILLs the child, reaps it, and returns every report it printed that has not
    /// been consumed yet (the reports it made just before dying count too).
    pub fn kill(mut self) -> Vec<String> {
        self.kill_and_reap();
        if let Some(reader) = self.reader.take() {
            // The child is dead, so its stdout is closed and the reader ends.
            let _ = reader.join();
        }
        self.lines.try_iter().collect()
    }

    /// Closes the child's stdin and waits (bounded) for it to exit by itself; kills it
    /// if it does not. Returns whether it exited by itself.
    pub fn close_and_wait(mut self, timeout: Duration) -> bool {
        drop(self.stdin.take());
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.has_exited() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false // Drop kills and reaps it.
    }

    fn kill_and_reap(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill(); // SIGKILL on Unix
            let _ = child.wait();
        }
    }
}

impl Drop for ChildProcess {
    fn drop(&mut self) {
        self.kill_and_reap();
    }
}
