//! The memlens command line: the same core and report as the web page.

mod explain;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Why kubectl top, free and top disagree about memory — every tool's number, exactly.
#[derive(Parser, Debug)]
#[command(name = "memlens", version, about, long_about = None, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

const EXAMPLES: &str = "Examples:
  memlens explain meminfo free.txt kubectl-top-node.txt
  ssh node 'cat /proc/meminfo /sys/fs/cgroup/memory.stat' | memlens explain -
  memlens explain --format json --assume kubelet=1.28 bundle.txt";

#[derive(Subcommand, Debug)]
enum Command {
    /// Explain pasted files: every tool's number, the derivations, the bridge, the findings.
    Explain(explain::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout with success; usage errors exit 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Explain(args) => explain::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("memlens: {e:#}");
            ExitCode::from(2)
        }
    }
}
