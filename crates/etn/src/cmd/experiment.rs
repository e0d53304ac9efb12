//! `etn experiment`: run an experiment file against the chain and write its report.
//!
//! All logic lives in `etn_experiment`; this module parses flags, prints a summary and
//! says where the report went.

use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use etn_experiment::{DevnetLayout, Experiment, FastOptions, Results, run_fast};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ExperimentArgs {
    /// Experiment file (YAML), e.g. testnet/experiments/proportional-4-2.yaml.
    #[arg(required_unless_present = "index")]
    pub file: Option<PathBuf>,
    /// Instead of running anything, write DIR/README.md: an index of the reports in DIR's
    /// subfolders (measured beside predicted, and learners' convergence by rule).
    #[arg(long, value_name = "DIR", conflicts_with = "file")]
    pub index: Option<PathBuf>,
    /// Report folder (default: reports/<experiment name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Sign and verify every block and operation (overrides the file).
    #[arg(long, conflicts_with = "no_bls")]
    pub bls: bool,
    /// Skip BLS: nothing signed or verified, every other rule applied (overrides the file).
    #[arg(long)]
    pub no_bls: bool,
    /// Number of rounds to measure (overrides the file).
    #[arg(long)]
    pub slots: Option<u64>,
    /// Seed for value draws and random or learning strategies (overrides the file).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Where the chain runs.
    #[arg(long, value_enum, default_value_t = Mode::Fast)]
    pub mode: Mode,
    /// Devnet mode: watch the devnet already serving its API at this address (e.g.
    /// http://127.0.0.1:15052) instead of starting one; its config must match the file.
    #[arg(long)]
    pub api: Option<String>,
    /// Devnet mode: nodes of the devnet to start.
    #[arg(long, default_value_t = DevnetLayout::default().nodes)]
    pub nodes: usize,
    /// Devnet mode: node i serves its API on this port + i.
    #[arg(long, default_value_t = DevnetLayout::default().base_api_port)]
    pub api_port: u16,
    /// Devnet mode: node i listens for peers on this port + i.
    #[arg(long, default_value_t = DevnetLayout::default().base_p2p_port)]
    pub p2p_port: u16,
    /// Devnet mode: keep the devnet's data folder (<out>/devnet/data) after the run.
    #[arg(long)]
    pub keep_data: bool,
    /// Import every block through `state_transition` even without BLS (slower; the
    /// post-state is the same).
    #[arg(long)]
    pub reimport: bool,
    /// Print results.json to stdout instead of the summary.
    #[arg(long)]
    pub json: bool,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    /// The real state transition in process, no clock or network.
    Fast,
    /// A running `etn devnet`, through its HTTP API.
    Devnet,
}

pub fn run(args: ExperimentArgs) -> Result<()> {
    if let Some(dir) = &args.index {
        let path = etn_experiment::write_index(dir)?;
        println!("index in {}", path.display());
        return Ok(());
    }
    let Some(file) = &args.file else {
        bail!("an experiment file is needed");
    };
    let mut experiment = Experiment::load(file)?;
    if let Some(slots) = args.slots {
        experiment = experiment.with_slots(slots)?;
    }
    if let Some(seed) = args.seed {
        experiment.seed = seed;
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join(&experiment.name));
    let progress = !args.quiet && !args.json;
    let outcome = match args.mode {
        Mode::Fast => {
            if args.api.is_some() {
                bail!("--api is for --mode devnet");
            }
            let bls = match (args.bls, args.no_bls) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            };
            run_fast(
                experiment,
                FastOptions {
                    bls,
                    reimport: args.reimport,
                    progress,
                },
            )?
        }
        Mode::Devnet => {
            if args.no_bls || args.reimport {
                bail!(
                    "a devnet always signs and verifies: --no-bls and --reimport are for fast mode"
                );
            }
            devnet::run(&args, experiment, &out, progress)?
        }
    };
    let files = outcome.write_report(&out)?;
    let seconds = outcome.run.elapsed.as_secs_f64();
    let rate = if outcome.run.mode == "fast" {
        format!(
            " ({:.0} slots/s)",
            outcome.run.blocks as f64 / seconds.max(1e-9)
        )
    } else {
        String::new()
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&outcome.results)?);
    } else {
        print_summary(&outcome.results);
        println!(
            "{} blocks in {:.2} s{rate}; report in {}{}",
            outcome.run.blocks,
            seconds,
            files.dir.display(),
            if files.plot_text {
                ""
            } else {
                " (no system font: plots drawn without text)"
            }
        );
    }
    if !outcome.results.identity_holds || outcome.results.balances_reconcile == Some(false) {
        bail!("the chain's accounting does not add up; see the report");
    }
    Ok(())
}

fn print_summary(r: &Results) {
    let fmt = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{v:.4}"));
    println!(
        "{}: {} rounds, {}, {} {} (BLS {})",
        r.name,
        r.slots,
        r.chain.allocation,
        r.chain.payment,
        r.mode,
        if r.bls { "on" } else { "off" }
    );
    println!(
        "{:<14} {:>8} {:>8} {:>19} {:>9} {:>9} {:>9}",
        "builder", "value", "share", "95% CI", "predicted", "bid", "utility"
    );
    for b in &r.builders {
        println!(
            "{:<14} {:>8.3} {:>8.4} [{:>7.4}, {:>7.4}] {:>9} {:>9.4} {:>9.4}",
            b.id,
            b.value,
            b.share,
            b.share_ci95[0],
            b.share_ci95[1],
            fmt(b.predicted_share),
            b.mean_bid,
            b.utility
        );
    }
    println!(
        "burn per slot {:.4} (predicted {}), fairness {:.4} (predicted {}), identity {}",
        r.burn_per_slot,
        fmt(r.predicted_revenue),
        r.fairness,
        fmt(r.predicted_fairness),
        if r.identity_holds { "holds" } else { "BROKEN" }
    );
}

/// Devnet mode's process and HTTP side: start `etn devnet` on the experiment's config
/// (or attach to a running one) and serve `etn_experiment::run_devnet` its API.
mod devnet {
    use super::ExperimentArgs;
    use anyhow::{Context, Result, anyhow, bail};
    use etn_experiment::devnet::devnet_epochs;
    use etn_experiment::{DevnetApi, DevnetLayout, DevnetOptions, Experiment, Outcome};
    use serde_json::Value;
    use std::net::SocketAddr;
    use std::path::{Path, PathBuf};
    use std::process::{Child, Command, Stdio};
    use std::time::{Duration, Instant};

    /// Node 0's API over the loopback client; notices a devnet that died.
    struct Api {
        addr: SocketAddr,
        runtime: tokio::runtime::Runtime,
        child: Option<(Child, PathBuf)>,
    }

    impl DevnetApi for Api {
        fn get(&mut self, path: &str) -> Result<Value> {
            if let Some((child, log)) = self.child.as_mut()
                && let Some(status) = child.try_wait()?
            {
                bail!(
                    "`etn devnet` exited ({status}) before the experiment finished; its \
                     output:\n{}",
                    tail(log)
                );
            }
            let value = self.runtime.block_on(etn_node::http::get_json(
                self.addr,
                path,
                Duration::from_secs(10),
            ))?;
            Ok(match value {
                Value::Object(mut map) if map.contains_key("data") => {
                    map.remove("data").unwrap_or(Value::Null)
                }
                other => other,
            })
        }

        fn sleep(&mut self, duration: Duration) {
            std::thread::sleep(duration);
        }
    }

    /// The last lines of a log, for error messages.
    fn tail(path: &Path) -> String {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// `http://127.0.0.1:15052` (or a bare `127.0.0.1:15052`) as a socket address.
    fn parse_api(api: &str) -> Result<SocketAddr> {
        let bare = api.trim_start_matches("http://").trim_end_matches('/');
        bare.parse()
            .with_context(|| format!("--api {api}: expected http://IP:PORT (a loopback address)"))
    }

    pub fn run(
        args: &ExperimentArgs,
        experiment: Experiment,
        out: &Path,
        progress: bool,
    ) -> Result<Outcome> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let options = DevnetOptions {
            attach: args.api.is_some(),
            progress,
            ..DevnetOptions::default()
        };
        if let Some(api) = &args.api {
            let mut api = Api {
                addr: parse_api(api)?,
                runtime,
                child: None,
            };
            return etn_experiment::run_devnet(experiment, &mut api, &options);
        }

        let layout = DevnetLayout {
            nodes: args.nodes,
            base_p2p_port: args.p2p_port,
            base_api_port: args.api_port,
        };
        let dir = out.join("devnet");
        let data = dir.join("data");
        if data.exists() {
            // Ours from an earlier run of this report: a devnet starts from genesis.
            std::fs::remove_dir_all(&data)
                .with_context(|| format!("cannot clear {}", data.display()))?;
        }
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        let config = dir.join("config.yaml");
        std::fs::write(
            &config,
            etn_experiment::devnet_config(&experiment, &layout)?,
        )
        .with_context(|| format!("cannot write {}", config.display()))?;
        let log = dir.join("devnet.log");
        let log_file = std::fs::File::create(&log)?;
        let epochs = devnet_epochs(&experiment);
        let exe = std::env::current_exe().context("cannot find the etn executable")?;
        let child = Command::new(exe)
            .arg("devnet")
            .arg("--config")
            .arg(&config)
            .arg("--epochs")
            .arg(epochs.to_string())
            .arg("--datadir")
            .arg(&data)
            .arg("--summary")
            .arg(dir.join("summary.json"))
            .stdin(Stdio::null())
            .stdout(log_file.try_clone()?)
            .stderr(log_file)
            .spawn()
            .context("cannot start `etn devnet`")?;
        eprintln!(
            "started `etn devnet` ({} nodes, {epochs} epochs of {}-second slots); config {}, log {}",
            layout.nodes,
            experiment.config.seconds_per_slot,
            config.display(),
            log.display()
        );
        let addr: SocketAddr = ([127, 0, 0, 1], layout.base_api_port).into();
        let mut api = Api {
            addr,
            runtime,
            child: Some((child, log.clone())),
        };
        let slot = Duration::from_secs(experiment.config.seconds_per_slot);
        let outcome = etn_experiment::run_devnet(experiment, &mut api, &options);
        let (mut child, _) = api.child.take().expect("set above");
        // Everything is read: stop the devnet as Ctrl-C would (it writes its summary);
        // `--epochs` only bounds it should this process die first.
        stop(&mut child, slot)?;
        if !args.keep_data {
            let _ = std::fs::remove_dir_all(&data);
        }
        outcome.map_err(|e| anyhow!("{e:#}\n(devnet log: {})", log.display()))
    }

    /// Asks the devnet to shut down cleanly (SIGINT, as Ctrl-C would), and kills it if
    /// that takes longer than `grace` (at least ten seconds).
    fn stop(child: &mut Child, grace: Duration) -> Result<()> {
        if child.try_wait()?.is_some() {
            return Ok(());
        }
        if let Ok(pid) = i32::try_from(child.id()) {
            // SAFETY: `kill` only sends a signal to the process we started.
            unsafe {
                libc::kill(pid, libc::SIGINT);
            }
        }
        let until = Instant::now() + grace.max(Duration::from_secs(10));
        while Instant::now() < until {
            if child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        child.kill()?;
        child.wait()?;
        Ok(())
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use etn_node::config::ConfigFile;

        /// The devnet config written for an experiment is one the devnet reads, with the
        /// same chain and the experiment's players.
        #[test]
        fn devnet_reads_the_translated_config() {
            let yaml = "
slots: 50
chain: {allocation: tullock, alpha: '3/2', payment: winner-pay, seconds_per_slot: 1}
validators: 16
builders:
  - {id: a, value: 4, strategy: equilibrium}
  - {id: b, value: 2, strategy: {kind: best-response, window: 3}, identities: 2}
";
            let experiment = Experiment::from_yaml(yaml, "t").unwrap();
            let layout = DevnetLayout {
                nodes: 2,
                base_p2p_port: 1000,
                base_api_port: 2000,
            };
            let text = etn_experiment::devnet_config(&experiment, &layout).unwrap();
            let file: ConfigFile = serde_yaml_ng::from_str(&text).unwrap();
            assert_eq!(file.chain_config().unwrap(), experiment.config);
            assert_eq!(file.validator_count(), 16);
            assert_eq!(file.builder_balances(), experiment.builder_balances());
            assert_eq!(file.identity_owners(), experiment.owners());
            file.check_players().unwrap();
            let players = file.players();
            assert_eq!(players[0].value().unwrap(), 4.0);
            assert_eq!(
                players[1].strategy_spec().unwrap(),
                experiment.players[1].strategy
            );
            assert_eq!(file.devnet.nodes, Some(2));
            assert_eq!(file.devnet.base_api_port, Some(2000));
            assert_eq!(
                file.devnet.value_unit_gwei,
                Some(experiment.value_unit_gwei)
            );
        }

        #[test]
        fn api_addresses() {
            assert_eq!(
                parse_api("http://127.0.0.1:15052/").unwrap(),
                "127.0.0.1:15052".parse::<SocketAddr>().unwrap()
            );
            assert!(parse_api("localhost").is_err());
        }
    }
}
