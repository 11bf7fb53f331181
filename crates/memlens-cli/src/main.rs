//! The memlens command line: the same core and report as the web page, plus what only a program
//! on the machine can do: read `/proc` and `/sys` (`collect`, `explain --live`) and print what a
//! given release of `free` or `top` would print for any meminfo (`free`, `top`).
//!
//! Exit codes: 0 for a report or a tool's output, 1 when an input had errors (or, for
//! `memlens free`, when `free` itself would have refused the command line), 2 for a usage error.
//! Data goes to standard output, everything else to standard error.

mod collect;
mod explain;
mod free;
mod meminfo;
mod top;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// Why kubectl top, free and top disagree about memory — every tool's number, exactly.
#[derive(Parser, Debug)]
#[command(
    name = "memlens",
    version,
    about,
    long_about = LONG_ABOUT,
    after_help = EXAMPLES,
    max_term_width = 100
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

const LONG_ABOUT: &str = "\
Why kubectl top, free and top disagree about memory — every tool's number, exactly.

memlens reads what people paste (/proc/meminfo, memory.stat, free, top, kubectl top, kubelet \
/stats/summary and /metrics/resource, kubectl get node -o json, …), reproduces each tool's number \
to the byte and the printed character, shows where each number comes from, and explains the \
differences.";

const EXAMPLES: &str = "\
Examples:
  memlens explain meminfo free.txt kubectl-top-node.txt
  ssh node 'cat /proc/meminfo' | memlens explain -
  memlens explain --live                    # this machine, collected and explained
  memlens collect --kubectl node-a > bundle.txt
  memlens free -h --procps 3.3.17 meminfo   # what Ubuntu 22.04's free -h prints for it
  memlens top -E g

Run `memlens help SUBCOMMAND` for each subcommand's options and examples.";

#[derive(Subcommand, Debug)]
enum Command {
    /// Explain pasted files: every tool's number, the derivations, the bridges, the findings.
    #[command(long_about = explain::ABOUT)]
    Explain(explain::Args),
    /// Print exactly what a release of procps `free` (or BusyBox `free`) prints for a meminfo.
    #[command(long_about = free::ABOUT)]
    Free(free::Args),
    /// Print the two memory lines of procps `top` for a meminfo.
    #[command(long_about = top::ABOUT)]
    Top(top::Args),
    /// Print this machine's inputs (meminfo, cgroup files, versions) as one pasteable bundle.
    #[command(long_about = collect::ABOUT)]
    Collect(collect::Args),
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
        Command::Free(args) => free::run(args),
        Command::Top(args) => top::run(args),
        Command::Collect(args) => collect::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("memlens: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// The long help of one subcommand, as `memlens help NAME` prints it (for subcommands that read
/// their own flags, like `free`).
pub(crate) fn subcommand_help(name: &str) -> String {
    let mut command = Cli::command();
    command.build();
    match command.find_subcommand_mut(name) {
        Some(sub) => sub.render_long_help().to_string(),
        None => String::new(),
    }
}
