//! Prints the documents and kinds memlens finds in each file given on the command line.
fn main() {
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let name = path.rsplit('/').next().unwrap_or(&path).to_string();
        let docs = memlens_core::input::read(&[memlens_core::Source::file(name, text)], &[]);
        for d in docs {
            println!(
                "{path}: {} {} {:?} lines {}-{} [{}]",
                d.id,
                d.kind,
                d.name,
                d.first_line(),
                d.last_line(),
                d.reasons.join("; ")
            );
        }
    }
}
