//! `memlens free`: what a given release of procps-ng `free` (or BusyBox `free`) prints for a
//! meminfo, byte for byte, with `free`'s own command line, error messages and exit codes.
//!
//! `free`'s flags are read by the core exactly as that release's `getopt_long` loop reads them
//! ([`FreeFlags::parse_for`]); this module only takes out memlens' own options (`--procps`,
//! `--busybox`, `--min-free-kbytes`) and the FILE operand first.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Result, bail};
use memlens_core::account::busybox::{
    BusyboxFree, BusyboxUnit, busybox_columns, busybox_free_text,
};
use memlens_core::account::procps::{
    FreeArgError, FreeFlags, FreeTextError, ProcpsGeneration, ProcpsVersion, free_columns,
    free_text,
};

use crate::meminfo::{self, Origin};

/// The release `memlens free` and `memlens top` copy unless told otherwise: procps-ng 4.0.2 is
/// the release the oracle tests compare with byte for byte (Debian 12's), and its generation
/// (`used = total − available`, 4.0.1 and later) is what current distributions ship.
pub const DEFAULT_PROCPS: ProcpsVersion = ProcpsVersion::new(4, 0, 2);

#[derive(clap::Args, Debug)]
#[command(
    disable_help_flag = true,
    override_usage = "memlens free [FREE'S OPTIONS] [--procps VERSION | --busybox VERSION] [FILE]",
    after_long_help = FREE_EXAMPLES
)]
pub struct Args {
    /// free's own options, memlens' options and FILE, in any order (see above).
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        num_args = 0..,
        value_name = "ARGS"
    )]
    args: Vec<String>,
}

pub const ABOUT: &str = "\
Print exactly what procps-ng free prints for a meminfo: the same table, the same rounding, the \
same padding, for the release you name. FILE is a /proc/meminfo from any machine (default: this \
machine's /proc/meminfo; `-` reads standard input; a bundle from `memlens collect` works too).

free's own options, as that release accepts them (procps-ng 4.0.2 shown):
  -b, --bytes / -k, --kibi / -m, --mebi / -g, --gibi / --tebi / --pebi   binary units
  --kilo / --mega / --giga / --tera / --peta                             SI units (3.3.10+)
  -h, --human       human-readable            --si         powers of 1000 (with -h)
  -w, --wide        buffers and cache apart   -t, --total  a Total: row
  -v, --committed   a Comm: row (4.0.0+)      -l, --lohi   Low: and High: rows
  -o, --old         no -/+ buffers/cache row (3.3.9 and older)
  -c N, --count N   print N tables            -s N, --seconds N   every N seconds
  -V, --version     print `free from procps-ng VERSION`
Long options may be abbreviated as free allows (`--gib`). A command line free refuses gets free's \
own message (and its usage text where free prints it) on standard error and exit code 1.

-c and -s: on this machine's /proc/meminfo they behave as in free (read again, sleep N seconds, \
`-s` alone repeats until interrupted). A FILE is a snapshot: `-c N` prints the N identical tables \
at once and `-s` alone prints one table.

memlens' options:
  --procps VERSION        the procps-ng release to copy: 3.3.9, 3.3.10, 3.3.17, 4.0.2, 4.0.4, …
                          or a generation (v3_9, v3_10, v3, v4). The default, 4.0.2, is the
                          release checked byte for byte against the real free, and its
                          generation (4.0.1 and later: used = total − available) is what
                          current distributions ship.
  --busybox VERSION       copy BusyBox free instead: 1.30.x, or 1.35 and later (-b -k -m -g,
                          and -h from 1.35).
  --min-free-kbytes KIB   /proc/sys/vm/min_free_kbytes of the machine FILE comes from: procps
                          3.3.10–3.3.17 estimate `available` from it when MemAvailable is
                          missing (read from this machine for its own /proc/meminfo).
  --help                  this help (free's -h means --human).";

const FREE_EXAMPLES: &str = "\
Examples:
  memlens free -m                                # this machine, as procps-ng 4.0.2 free -m
  memlens free -h --procps 3.3.17 node-meminfo   # Ubuntu 22.04 / RHEL 9's free -h for that node
  memlens free -w --procps 3.3.10 meminfo        # CentOS 7's free -w
  ssh node cat /proc/meminfo | memlens free -g -
  memlens free --busybox 1.36.1 -m meminfo       # an Alpine container's free -m
  memlens free -c 3 -s 1                         # like free: three tables, one second apart";

/// Which `free` to copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tool {
    Procps(ProcpsVersion),
    Busybox(BusyboxFree),
}

/// A command line with memlens' own options and the FILE taken out.
#[derive(Debug, PartialEq, Eq)]
struct Invocation {
    tool: Tool,
    min_free_kbytes: Option<u64>,
    /// What goes to `free`'s own option parser, in order (extra operands last).
    free_args: Vec<String>,
    file: Option<String>,
    help: bool,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let invocation = invocation(&args.args)?;
    if invocation.help {
        print!("{}", crate::subcommand_help("free"));
        return Ok(ExitCode::SUCCESS);
    }
    match invocation.tool {
        Tool::Procps(version) => run_procps(&invocation, version),
        Tool::Busybox(layout) => run_busybox(&invocation, layout),
    }
}

/// Reads `--procps 3.3.17`, `--procps v3`, … into a release procps-ng `free` and `top` are
/// modelled for.
pub fn parse_procps(text: &str) -> Result<ProcpsVersion> {
    if let Some(generation) = ProcpsGeneration::from_id(text) {
        return Ok(generation.representative());
    }
    let Some(version) = ProcpsVersion::parse(text) else {
        bail!("--procps {text}: expected a procps-ng release such as 3.3.17 or 4.0.2");
    };
    if version < ProcpsVersion::new(3, 3, 0) || version.major > 4 {
        bail!(
            "--procps {text}: memlens models procps-ng 3.3.0 to 4.x (older procps is a \
             different program)"
        );
    }
    Ok(version)
}

fn invocation(args: &[String]) -> Result<Invocation> {
    let mut procps = None;
    let mut busybox = None;
    let mut min_free_kbytes = None;
    let mut rest: Vec<String> = Vec::new();
    let mut help = false;

    // memlens' own options first: they are spelled out in full and never abbreviated.
    let mut index = 0;
    while let Some(arg) = args.get(index) {
        index += 1;
        if arg == "--" {
            rest.extend(args.iter().skip(index - 1).cloned());
            break;
        }
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_string())),
            _ => (arg.as_str(), None),
        };
        if !matches!(name, "--procps" | "--busybox" | "--min-free-kbytes") {
            help |= arg == "--help";
            rest.push(arg.clone());
            continue;
        }
        let value = match inline {
            Some(value) => value,
            None => match args.get(index) {
                Some(value) => {
                    index += 1;
                    value.clone()
                }
                None => bail!("{name} needs a value"),
            },
        };
        match name {
            "--procps" => procps = Some(parse_procps(&value)?),
            "--busybox" => {
                let Some(layout) = BusyboxFree::from_version(&value) else {
                    bail!(
                        "--busybox {value}: memlens models BusyBox free 1.30.x and 1.35 or later"
                    );
                };
                busybox = Some(layout);
            }
            _ => match value.trim().parse::<u64>() {
                Ok(kib) => min_free_kbytes = Some(kib),
                Err(_) => bail!("--min-free-kbytes {value}: expected a number of KiB"),
            },
        }
    }

    let tool = match (procps, busybox) {
        (Some(_), Some(_)) => bail!("--procps and --busybox exclude each other"),
        (_, Some(layout)) => Tool::Busybox(layout),
        (version, None) => Tool::Procps(version.unwrap_or(DEFAULT_PROCPS)),
    };

    // Then the operands, where free's getopt_long would find them: an argument that is not an
    // option, and not the value of `-s`/`-c` (asked of free's own parser, so abbreviations and
    // clusters such as `-ms 2` count as free counts them).
    let mut free_args = Vec::new();
    let mut operands = Vec::new();
    let mut index = 0;
    while let Some(arg) = rest.get(index) {
        index += 1;
        if arg == "--" {
            operands.extend(rest.iter().skip(index).cloned());
            break;
        }
        if arg.starts_with('-') && arg != "-" {
            free_args.push(arg.clone());
            if takes_value(arg, tool)
                && let Some(value) = rest.get(index)
            {
                index += 1;
                free_args.push(value.clone());
            }
        } else {
            operands.push(arg.clone());
        }
    }
    let mut operands = operands.into_iter();
    let file = operands.next();
    // Further operands go to free, which complains about them as it would (3.3.17+).
    free_args.extend(operands);

    Ok(Invocation {
        tool,
        min_free_kbytes,
        free_args,
        file,
        help,
    })
}

/// Whether the argument after `arg` is its value.
fn takes_value(arg: &str, tool: Tool) -> bool {
    match tool {
        Tool::Procps(version) => matches!(
            FreeFlags::parse_for(&[arg], version),
            Err(FreeArgError::ShortNeedsArgument(_) | FreeArgError::LongNeedsArgument(_))
        ),
        Tool::Busybox(_) => false,
    }
}

fn run_procps(invocation: &Invocation, version: ProcpsVersion) -> Result<ExitCode> {
    let args: Vec<&str> = invocation.free_args.iter().map(String::as_str).collect();
    let flags = match FreeFlags::parse_for(&args, version) {
        Ok(flags) => flags,
        Err(FreeArgError::Help) => {
            print!("{}", crate::subcommand_help("free"));
            return Ok(ExitCode::SUCCESS);
        }
        Err(FreeArgError::Version) => {
            println!("free from procps-ng {version}");
            return Ok(ExitCode::SUCCESS);
        }
        Err(error) => {
            let mut stderr = String::new();
            let message = error.message();
            if !message.is_empty() {
                stderr.push_str(&message);
                stderr.push('\n');
            }
            if error.shows_usage() {
                stderr.push_str(&usage(version));
            }
            eprint!("{stderr}");
            return Ok(ExitCode::from(1));
        }
    };

    let origin = Origin::of(invocation.file.as_deref());
    let repeats = flags.count.is_some() || flags.seconds.is_some();
    if origin == Origin::Live && repeats {
        return repeat_live(invocation, &flags, version);
    }

    if flags.count.is_none() && flags.seconds.is_some() {
        eprintln!(
            "memlens: {} is a snapshot: one table printed (free -s would repeat it until \
             interrupted)",
            origin.name()
        );
    }
    let loaded = meminfo::load(&origin, invocation.min_free_kbytes)?;
    report_problems(&loaded.problems);
    if origin != Origin::Live {
        let missing = free_columns(&loaded.mem, version).missing;
        note_missing(&origin, missing.iter().map(|m| m.name()));
    }
    let text = match free_text(&loaded.mem, &flags, version) {
        Ok(text) => text,
        Err(error) => return Ok(text_error(&error, version)),
    };
    if write_stdout(&text).is_err() {
        return Ok(ExitCode::SUCCESS);
    }
    Ok(exit_code(loaded.has_errors))
}

/// `free -s N` / `-c N` on this machine: read `/proc/meminfo` again for every table, a blank
/// line between tables, as free does.
fn repeat_live(
    invocation: &Invocation,
    flags: &FreeFlags,
    version: ProcpsVersion,
) -> Result<ExitCode> {
    // free sleeps one second between tables when only -c is given.
    let seconds = flags.seconds.unwrap_or(1.0);
    let interval = Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX);
    let single = FreeFlags {
        count: None,
        ..flags.clone()
    };
    let mut printed: u32 = 0;
    let mut had_errors = false;
    loop {
        let loaded = meminfo::load(&Origin::Live, invocation.min_free_kbytes)?;
        if printed == 0 {
            report_problems(&loaded.problems);
        }
        had_errors |= loaded.has_errors;
        let text = match free_text(&loaded.mem, &single, version) {
            Ok(text) => text,
            Err(error) => return Ok(text_error(&error, version)),
        };
        let separator = if printed > 0 { "\n" } else { "" };
        if write_stdout(&format!("{separator}{text}")).is_err() {
            // A closed pipe (`| head`) ends the loop quietly, as it ends free.
            return Ok(ExitCode::SUCCESS);
        }
        printed = printed.saturating_add(1);
        if flags.count.is_some_and(|count| printed >= count) {
            return Ok(exit_code(had_errors));
        }
        std::thread::sleep(interval);
    }
}

fn run_busybox(invocation: &Invocation, layout: BusyboxFree) -> Result<ExitCode> {
    let args: Vec<&str> = invocation.free_args.iter().map(String::as_str).collect();
    let unit = match BusyboxUnit::parse(&args, layout) {
        Ok(unit) => unit,
        Err(arg) => {
            eprintln!("memlens: BusyBox free does not take `{arg}`: it prints its usage, exit 1");
            return Ok(ExitCode::from(1));
        }
    };
    let origin = Origin::of(invocation.file.as_deref());
    let loaded = meminfo::load(&origin, invocation.min_free_kbytes)?;
    report_problems(&loaded.problems);
    if origin != Origin::Live {
        let missing = busybox_columns(&loaded.mem, layout).missing;
        note_missing(&origin, missing.iter().map(|m| m.name()));
    }
    let text = busybox_free_text(&loaded.mem, layout, unit);
    if write_stdout(&text).is_err() {
        return Ok(ExitCode::SUCCESS);
    }
    Ok(exit_code(loaded.has_errors))
}

fn text_error(error: &FreeTextError, version: ProcpsVersion) -> ExitCode {
    match error {
        FreeTextError::Missing(input) => eprintln!(
            "memlens: procps-ng {version} free needs {input} here (MemAvailable is missing or \
             0, so it estimates available from it): give it with --min-free-kbytes KIB"
        ),
        FreeTextError::Unsupported { .. } => eprintln!("memlens: {error}"),
    }
    ExitCode::from(1)
}

fn report_problems(problems: &[String]) {
    for problem in problems {
        eprintln!("{problem}");
    }
}

fn note_missing<'a>(origin: &Origin, missing: impl Iterator<Item = &'a str>) {
    let names: Vec<&str> = missing.collect();
    if !names.is_empty() {
        eprintln!(
            "memlens: {} has no {} line: free reads {} as 0",
            origin.name(),
            names.join(", "),
            if names.len() == 1 { "it" } else { "them" }
        );
    }
}

fn write_stdout(text: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()
}

fn exit_code(has_errors: bool) -> ExitCode {
    if has_errors {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The usage text `free` prints after a refused option, for a release: procps-ng 4.0.2's, less
/// the options a release lacks (`-v` before 4.0.0); 3.3.9 and older print their own list.
// TODO: 3.3.10–3.3.16 are given 3.3.17's list, following the core's option table; CentOS 7's
// 3.3.10 prints `-k, --kilo` and no `--kibi`/`--peta`, so those releases likely differ.
fn usage(version: ProcpsVersion) -> String {
    let options: &[&str] = if version < ProcpsVersion::new(3, 3, 10) {
        &[
            " -b, --bytes         show output in bytes",
            " -k, --kilo          show output in kilobytes",
            " -m, --mega          show output in megabytes",
            " -g, --giga          show output in gigabytes",
            "     --tera          show output in terabytes",
            " -h, --human         show human-readable output",
            "     --si            use powers of 1000 not 1024",
            " -l, --lohi          show detailed low and high memory statistics",
            " -o, --old           use old format (without -/+buffers/cache line)",
            " -t, --total         show total for RAM + swap",
            " -s N, --seconds N   repeat printing every N seconds",
            " -c N, --count N     repeat printing N times, then exit",
        ]
    } else {
        &[
            " -b, --bytes         show output in bytes",
            "     --kilo          show output in kilobytes",
            "     --mega          show output in megabytes",
            "     --giga          show output in gigabytes",
            "     --tera          show output in terabytes",
            "     --peta          show output in petabytes",
            " -k, --kibi          show output in kibibytes",
            " -m, --mebi          show output in mebibytes",
            " -g, --gibi          show output in gibibytes",
            "     --tebi          show output in tebibytes",
            "     --pebi          show output in pebibytes",
            " -h, --human         show human-readable output",
            "     --si            use powers of 1000 not 1024",
            " -l, --lohi          show detailed low and high memory statistics",
            " -t, --total         show total for RAM + swap",
            " -v, --committed     show committed memory and commit limit",
            " -s N, --seconds N   repeat printing every N seconds",
            " -c N, --count N     repeat printing N times, then exit",
            " -w, --wide          wide output",
        ]
    };
    let committed = version >= ProcpsVersion::new(4, 0, 0);
    let mut text = String::from("\nUsage:\n free [options]\n\nOptions:\n");
    for line in options {
        if line.starts_with(" -v") && !committed {
            continue;
        }
        text.push_str(line);
        text.push('\n');
    }
    text.push_str(
        "\n     --help     display this help and exit\n -V, --version  output version \
         information and exit\n\nFor more details see free(1).\n",
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|a| a.to_string()).collect()
    }

    /// args → (tool, free's args, FILE)
    type Case<'a> = (&'a [&'a str], Tool, &'a [&'a str], Option<&'a str>);

    #[test]
    fn memlens_options_and_the_file_are_taken_out() {
        let v3_17 = ProcpsVersion::new(3, 3, 17);
        #[rustfmt::skip]
        let cases: &[Case] = &[
            (&[], Tool::Procps(DEFAULT_PROCPS), &[], None),
            (&["-m", "meminfo"], Tool::Procps(DEFAULT_PROCPS), &["-m"], Some("meminfo")),
            (&["meminfo", "-m"], Tool::Procps(DEFAULT_PROCPS), &["-m"], Some("meminfo")),
            (&["-s", "2", "f"], Tool::Procps(DEFAULT_PROCPS), &["-s", "2"], Some("f")),
            (&["-ms", "2", "f"], Tool::Procps(DEFAULT_PROCPS), &["-ms", "2"], Some("f")),
            (&["-s2", "f"], Tool::Procps(DEFAULT_PROCPS), &["-s2"], Some("f")),
            (&["--sec", "2", "f"], Tool::Procps(DEFAULT_PROCPS), &["--sec", "2"], Some("f")),
            (&["--count=2", "f"], Tool::Procps(DEFAULT_PROCPS), &["--count=2"], Some("f")),
            (&["-c", "2"], Tool::Procps(DEFAULT_PROCPS), &["-c", "2"], None),
            (&["-h", "-"], Tool::Procps(DEFAULT_PROCPS), &["-h"], Some("-")),
            (&["--procps", "3.3.17", "-w", "f"], Tool::Procps(v3_17), &["-w"], Some("f")),
            (&["--procps=v3", "f"], Tool::Procps(v3_17), &[], Some("f")),
            (&["a", "b"], Tool::Procps(DEFAULT_PROCPS), &["b"], Some("a")),
            (&["--", "-m"], Tool::Procps(DEFAULT_PROCPS), &[], Some("-m")),
            (&["--busybox", "1.36.1", "-m", "f"], Tool::Busybox(BusyboxFree::V1_35), &["-m"], Some("f")),
        ];
        for (args, tool, free_args, file) in cases {
            let got = invocation(&strings(args)).map_err(|e| e.to_string());
            let want = Ok(Invocation {
                tool: *tool,
                min_free_kbytes: None,
                free_args: strings(free_args),
                file: file.map(str::to_string),
                help: false,
            });
            assert_eq!(got, want, "args {args:?}");
        }
    }

    #[test]
    fn bad_memlens_options_are_usage_errors() {
        let cases: &[(&[&str], &str)] = &[
            (&["--procps"], "--procps needs a value"),
            (
                &["--procps", "x"],
                "--procps x: expected a procps-ng release",
            ),
            (
                &["--procps", "3.2.8"],
                "--procps 3.2.8: memlens models procps-ng 3.3.0 to 4.x",
            ),
            (
                &["--busybox", "1.2.3"],
                "--busybox 1.2.3: memlens models BusyBox free",
            ),
            (
                &["--procps", "4.0.2", "--busybox", "1.36.0"],
                "exclude each other",
            ),
            (&["--min-free-kbytes", "lots"], "expected a number of KiB"),
        ];
        for (args, want) in cases {
            match invocation(&strings(args)) {
                Ok(got) => panic!("args {args:?}: expected an error, got {got:?}"),
                Err(e) => assert!(
                    e.to_string().contains(want),
                    "args {args:?}\nwant …{want}…\n got {e}"
                ),
            }
        }
    }

    #[test]
    fn usage_lists_what_the_release_has() {
        // release → (has -v, has -w, has -o)
        let cases = [
            (ProcpsVersion::new(4, 0, 2), true, true, false),
            (ProcpsVersion::new(3, 3, 17), false, true, false),
            (ProcpsVersion::new(3, 3, 9), false, false, true),
        ];
        for (version, committed, wide, old) in cases {
            let text = usage(version);
            let got = (
                text.contains(" -v, --committed"),
                text.contains(" -w, --wide"),
                text.contains(" -o, --old"),
            );
            assert_eq!(got, (committed, wide, old), "procps-ng {version}:\n{text}");
            assert!(text.starts_with("\nUsage:\n free [options]\n"));
            assert!(text.ends_with("For more details see free(1).\n"));
        }
    }
}
