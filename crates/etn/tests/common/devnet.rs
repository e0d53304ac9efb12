//! Runs `etn devnet` as a child process for integration tests: a private data folder,
//! loopback ports that no other test uses, bounded waits, and the devnet always stopped
//! (SIGTERM, then SIGKILL) when the test ends.

#![allow(dead_code)]

use serde_json::Value;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Devnet {
    child: Option<Child>,
    pub dir: tempfile::TempDir,
    pub nodes: usize,
    pub p2p_base: u16,
    pub api_base: u16,
    pub runtime: tokio::runtime::Runtime,
}

/// A run of `2 * nodes` consecutive free ports: `nodes` for p2p then `nodes` for the APIs.
/// The start depends on the process id and a per-test offset, and is probed by binding.
fn free_ports(nodes: usize, offset: u16) -> (u16, u16) {
    let mut base = 20_000 + (std::process::id() % 400) as u16 * 100 + offset;
    loop {
        let all_free =
            (0..2 * nodes as u16).all(|i| TcpListener::bind(("127.0.0.1", base + i)).is_ok());
        if all_free {
            return (base, base + nodes as u16);
        }
        base = 20_000 + (base + 37 - 20_000) % 40_000;
    }
}

impl Devnet {
    /// Starts `etn devnet` with `nodes` nodes, 1-second slots, the YAML `config` and extra
    /// flags. `offset` keeps tests in one binary on different ports.
    pub fn start(nodes: usize, offset: u16, config: &str, extra: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let config_path = dir.path().join("devnet.yaml");
        std::fs::write(&config_path, config).expect("write config");
        let (p2p_base, api_base) = free_ports(nodes, offset);
        let datadir = dir.path().join("devnet");
        let child = Command::new(env!("CARGO_BIN_EXE_etn"))
            .args(["devnet", "--display", "epochs", "--start-delay", "2"])
            .arg("--config")
            .arg(&config_path)
            .arg("--datadir")
            .arg(&datadir)
            .args(["--nodes", &nodes.to_string()])
            .args(["--base-p2p-port", &p2p_base.to_string()])
            .args(["--base-api-port", &api_base.to_string()])
            .args(extra.iter().map(|a| {
                // `SUMMARY` stands for a file in the test's private folder.
                if *a == "SUMMARY" {
                    dir.path().join("SUMMARY").into_os_string()
                } else {
                    (*a).into()
                }
            }))
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(dir.path().join("devnet.out")).expect("log"))
            .stderr(std::fs::File::create(dir.path().join("devnet.err")).expect("log"))
            .spawn()
            .expect("start etn devnet");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        Self {
            child: Some(child),
            dir,
            nodes,
            p2p_base,
            api_base,
            runtime,
        }
    }

    pub fn datadir(&self) -> PathBuf {
        self.dir.path().join("devnet")
    }

    pub fn api(&self, node: usize) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.api_base + node as u16))
    }

    pub fn get(&self, node: usize, path: &str) -> Result<Value, String> {
        self.runtime
            .block_on(etn_node::http::get_json(
                self.api(node),
                path,
                Duration::from_secs(3),
            ))
            .map_err(|e| e.to_string())
    }

    pub fn post(&self, node: usize, path: &str, body: &Value) -> Result<Value, String> {
        self.runtime
            .block_on(etn_node::http::post_json(
                self.api(node),
                path,
                body,
                Duration::from_secs(3),
            ))
            .map_err(|e| e.to_string())
    }

    pub fn text(&self, node: usize, path: &str) -> Result<String, String> {
        self.runtime
            .block_on(etn_node::http::get_text(
                self.api(node),
                path,
                Duration::from_secs(3),
            ))
            .map_err(|e| e.to_string())
    }

    pub fn summary(&self, node: usize) -> Result<Value, String> {
        self.get(node, "/etn/v1/summary")
    }

    pub fn summaries(&self) -> Vec<Result<Value, String>> {
        (0..self.nodes).map(|i| self.summary(i)).collect()
    }

    /// Polls every 250 ms until `done` holds or `timeout` passes; panics with `what` and
    /// the last summaries on timeout.
    pub fn wait_for(
        &self,
        what: &str,
        timeout: Duration,
        mut done: impl FnMut(&[Result<Value, String>]) -> bool,
    ) -> Vec<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let rows = self.summaries();
            if done(&rows) {
                return rows.into_iter().map(|r| r.unwrap_or(Value::Null)).collect();
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out waiting for {what}; last summaries: {rows:#?}\n{}",
                    self.logs_tail()
                );
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    pub fn node_log(&self, node: usize) -> String {
        std::fs::read_to_string(self.datadir().join(format!("node{node}/node.log")))
            .unwrap_or_default()
    }

    pub fn node_pid(&self, node: usize) -> u32 {
        let path = self.datadir().join(format!("node{node}/pid"));
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .trim()
            .parse()
            .expect("pid")
    }

    pub fn kill9(&self, node: usize) {
        let pid = self.node_pid(node);
        let status = Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status()
            .expect("kill");
        assert!(status.success(), "kill -9 {pid} failed");
    }

    fn logs_tail(&self) -> String {
        let mut out = String::new();
        for name in ["devnet.out", "devnet.err"] {
            let text = std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            let tail = lines[lines.len().saturating_sub(30)..].join("\n");
            out.push_str(&format!("--- {name}\n{tail}\n"));
        }
        for node in 0..self.nodes {
            let text = self.node_log(node);
            let lines: Vec<&str> = text.lines().collect();
            let tail = lines[lines.len().saturating_sub(15)..].join("\n");
            out.push_str(&format!("--- node{node}/node.log\n{tail}\n"));
        }
        out
    }

    /// SIGTERM to `etn devnet` (as Ctrl-C would), then waits for it to stop its nodes.
    pub fn stop(&mut self) -> std::process::ExitStatus {
        let mut child = self.child.take().expect("running");
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                return status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("etn devnet did not stop within 30 s of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

impl Drop for Devnet {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Killing the devnet also kills its nodes (they get a parent-death signal).
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub fn num(v: &Value, key: &str) -> u64 {
    v.get(key)
        .and_then(Value::as_u64)
        .unwrap_or_else(|| panic!("no `{key}` in {v}"))
}

pub fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no `{key}` in {v}"))
}

pub fn all_ok(rows: &[Result<Value, String>]) -> Option<Vec<&Value>> {
    rows.iter().map(|r| r.as_ref().ok()).collect()
}

pub fn exists(path: &Path) -> bool {
    path.exists()
}
