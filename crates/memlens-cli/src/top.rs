//! `memlens top`: the two memory lines of procps-ng `top`'s summary for a meminfo.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Result, bail};
use memlens_core::account::procps::{FreeTextError, ProcpsVersion, TopScale, top_lines};

use crate::free::{DEFAULT_PROCPS, parse_procps};
use crate::meminfo::{self, Origin};

#[derive(clap::Args, Debug)]
#[command(after_long_help = TOP_EXAMPLES)]
pub struct Args {
    /// The procps-ng release to copy: 3.3.9, 3.3.10, 3.3.17, 4.0.2, … or a generation (v3_9,
    /// v3_10, v3, v4).
    #[arg(long, value_name = "VERSION", default_value_t = DEFAULT_PROCPS.to_string())]
    procps: String,

    /// The unit of the memory lines, as top's own -E: k, m, g, t, p or e (3.3.13 and later;
    /// without it, the release's default: KiB up to 3.3.12, MiB from 3.3.13).
    #[arg(short = 'E', value_name = "UNIT", value_parser = ["k", "m", "g", "t", "p", "e"])]
    scale: Option<String>,

    /// /proc/sys/vm/min_free_kbytes of the machine FILE comes from, for procps 3.3.10–3.3.17
    /// when MemAvailable is missing (read from this machine for its own /proc/meminfo).
    #[arg(long, value_name = "KIB")]
    min_free_kbytes: Option<u64>,

    /// A /proc/meminfo from any machine (default: this machine's; `-` reads standard input).
    #[arg(value_name = "FILE")]
    file: Option<String>,
}

pub const ABOUT: &str = "\
Print the two memory lines of procps-ng top's summary (`MiB Mem : … total, … free, … used, … \
buff/cache` and `MiB Swap: …  avail Mem`) exactly as `top -b` prints them for a meminfo, for the \
release you name. The rest of top's screen (tasks, CPU, processes) needs more than a meminfo and \
is not printed. The default release, procps-ng 4.0.2, is the one checked byte for byte against \
the real top.";

const TOP_EXAMPLES: &str = "\
Examples:
  memlens top                               # this machine, as procps-ng 4.0.2 top
  memlens top -E g --procps 3.3.17 meminfo  # Ubuntu 22.04's top with GiB lines
  ssh node cat /proc/meminfo | memlens top -";

pub fn run(args: Args) -> Result<ExitCode> {
    let version = parse_procps(&args.procps)?;
    let scale = match args.scale.as_deref() {
        None => None,
        Some(letter) => {
            if version < ProcpsVersion::new(3, 3, 13) {
                bail!("-E {letter}: procps-ng {version} top has no -E option (added in 3.3.13)");
            }
            Some(scale_of(letter))
        }
    };

    let origin = Origin::of(args.file.as_deref());
    let loaded = meminfo::load(&origin, args.min_free_kbytes)?;
    for problem in &loaded.problems {
        eprintln!("{problem}");
    }
    let lines = match top_lines(&loaded.mem, version, scale) {
        Ok(lines) => lines,
        Err(FreeTextError::Missing(input)) => {
            eprintln!(
                "memlens: procps-ng {version} top needs {input} here (MemAvailable is missing \
                 or 0, so it estimates avail Mem from it): give it with --min-free-kbytes KIB"
            );
            return Ok(ExitCode::from(1));
        }
        Err(error) => {
            eprintln!("memlens: {error}");
            return Ok(ExitCode::from(2));
        }
    };
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(lines.text().as_bytes()).is_err() {
        return Ok(ExitCode::SUCCESS);
    }
    Ok(if loaded.has_errors {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn scale_of(letter: &str) -> TopScale {
    match letter {
        "k" => TopScale::Kib,
        "g" => TopScale::Gib,
        "t" => TopScale::Tib,
        "p" => TopScale::Pib,
        "e" => TopScale::Eib,
        _ => TopScale::Mib,
    }
}
