//! The devnet's node processes: started (some late, if asked), watched, restarted when
//! they exit unexpectedly, and stopped with SIGTERM (SIGKILL after a grace period).
//!
//! Children are started from the supervisor's thread with a parent-death signal, so a
//! devnet killed with `kill -9` does not leave orphan nodes behind.

use super::plan::{CONFIG_FILE, DevnetPlan, GENESIS_FILE, NodePlan};
use crate::runtime::devnet_key_seed;
use anyhow::{Context, Result};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Longest wait for nodes to stop after SIGTERM before they are killed.
const STOP_GRACE: Duration = Duration::from_secs(10);
/// Wait before restarting a node that exited.
const RESTART_DELAY: Duration = Duration::from_secs(1);
/// Peers each node dials (the next ones round the ring); the rest connect inbound.
const DIALS_PER_NODE: usize = 4;

/// What happened to a node process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeState {
    Waiting,
    Running { pid: u32 },
    Exited { code: Option<i32>, at: Instant },
}

pub struct Supervisor {
    exe: PathBuf,
    root: PathBuf,
    plan: DevnetPlan,
    log_filter: String,
    restart: bool,
    children: Vec<Option<Child>>,
    pub states: Vec<NodeState>,
    /// Unix ms at which each node starts (late nodes later).
    start_at_ms: Vec<u64>,
    pub restarts: Vec<u32>,
}

/// The multiaddr other nodes dial to reach `node`.
pub fn node_multiaddr(node: &NodePlan) -> Result<String> {
    let peer = etn_network::peer_id_from_seed(devnet_key_seed(node.key_seed));
    Ok(format!("/ip4/127.0.0.1/tcp/{}/p2p/{peer}", node.p2p_port))
}

impl Supervisor {
    pub fn new(
        exe: PathBuf,
        root: &Path,
        plan: DevnetPlan,
        log_filter: String,
        restart: bool,
        start_at_ms: Vec<u64>,
    ) -> Self {
        let n = plan.nodes.len();
        Self {
            exe,
            root: root.to_path_buf(),
            plan,
            log_filter,
            restart,
            children: (0..n).map(|_| None).collect(),
            states: vec![NodeState::Waiting; n],
            start_at_ms,
            restarts: vec![0; n],
        }
    }

    fn bootnodes(&self, index: usize) -> Result<Vec<String>> {
        let n = self.plan.nodes.len();
        (1..=DIALS_PER_NODE.min(n - 1))
            .map(|k| node_multiaddr(&self.plan.nodes[(index + k) % n]))
            .collect()
    }

    fn spawn(&mut self, index: usize) -> Result<()> {
        let node = &self.plan.nodes[index];
        let datadir = node.datadir(&self.root);
        std::fs::create_dir_all(&datadir)?;
        let log_path = datadir.join("node.log");
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .with_context(|| format!("cannot open {}", log_path.display()))?;
        let players: Vec<String> = node.players.iter().map(ToString::to_string).collect();
        let mut command = Command::new(&self.exe);
        command
            .arg("node")
            .arg("--datadir")
            .arg(&datadir)
            .arg("--genesis")
            .arg(self.root.join(GENESIS_FILE))
            .arg("--config")
            .arg(self.root.join(CONFIG_FILE))
            .arg("--validators")
            .arg(format!("{}..{}", node.validators.0, node.validators.1))
            .arg("--p2p-port")
            .arg(node.p2p_port.to_string())
            .arg("--http-port")
            .arg(node.api_port.to_string())
            .arg("--key-index")
            .arg(node.key_seed.to_string())
            .arg("--value-unit-gwei")
            .arg(self.plan.value_unit_gwei.to_string())
            .arg("--log")
            .arg(&self.log_filter)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        if !players.is_empty() {
            command.arg("--players").arg(players.join(","));
        }
        let bootnodes = self.bootnodes(index)?;
        if !bootnodes.is_empty() {
            command.arg("--bootnodes").arg(bootnodes.join(","));
        }
        // SAFETY: prctl with constant arguments is async-signal-safe; it only asks the
        // kernel to SIGKILL the child when this (spawning) thread exits.
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let child = command
            .spawn()
            .with_context(|| format!("cannot start node {index}"))?;
        let pid = child.id();
        std::fs::write(datadir.join("pid"), format!("{pid}\n"))?;
        self.children[index] = Some(child);
        self.states[index] = NodeState::Running { pid };
        Ok(())
    }

    /// Starts nodes whose time has come, notices exits, restarts exited nodes.
    pub fn poll(&mut self, now_ms: u64) -> Result<Vec<String>> {
        let mut notes = Vec::new();
        for i in 0..self.children.len() {
            match self.states[i].clone() {
                NodeState::Waiting if now_ms >= self.start_at_ms[i] => {
                    self.spawn(i)?;
                    notes.push(format!("node {i} started"));
                }
                NodeState::Running { .. } => {
                    let exited = match self.children[i].as_mut().map(Child::try_wait) {
                        Some(Ok(Some(status))) => Some(status.code()),
                        _ => None,
                    };
                    if let Some(code) = exited {
                        self.children[i] = None;
                        self.states[i] = NodeState::Exited {
                            code,
                            at: Instant::now(),
                        };
                        let how = code.map_or("by a signal".to_string(), |c| format!("with {c}"));
                        notes.push(format!(
                            "node {i} exited {how} (log: {})",
                            self.log_path(i).display()
                        ));
                    }
                }
                NodeState::Exited { at, .. } if self.restart && at.elapsed() >= RESTART_DELAY => {
                    self.spawn(i)?;
                    self.restarts[i] += 1;
                    notes.push(format!("node {i} restarted on its datadir"));
                }
                _ => {}
            }
        }
        Ok(notes)
    }

    pub fn log_path(&self, index: usize) -> PathBuf {
        self.plan.nodes[index].datadir(&self.root).join("node.log")
    }

    /// SIGTERM to every node, then SIGKILL to those still running after the grace period.
    pub fn stop(&mut self) {
        for child in self.children.iter().flatten() {
            // SAFETY: sending a signal to a child we own (its pid is not reused while we
            // hold the un-reaped Child).
            unsafe {
                libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
            }
        }
        let deadline = Instant::now() + STOP_GRACE;
        for (i, slot) in self.children.iter_mut().enumerate() {
            let Some(child) = slot.as_mut() else { continue };
            loop {
                match child.try_wait() {
                    Ok(Some(_)) => break,
                    Ok(None) if Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(50));
                    }
                    _ => {
                        eprintln!("node {i} did not stop in time; killing it");
                        let _ = child.kill();
                        let _ = child.wait();
                        break;
                    }
                }
            }
            *slot = None;
        }
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        for child in self.children.iter_mut().flatten() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
