//! Prints the report for the files given on the command line, as JSON.
fn main() {
    let sources: Vec<memlens_core::Source> = std::env::args()
        .skip(1)
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let name = path.rsplit('/').next().unwrap_or(&path).to_string();
            memlens_core::Source::file(name, text)
        })
        .collect();
    let report = memlens_core::explain::explain(&sources, &Default::default());
    println!(
        "{}",
        serde_json::to_string_pretty(&report).unwrap_or_default()
    );
}
