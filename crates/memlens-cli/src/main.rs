//! The memlens command line.

fn main() {
    println!("memlens {}", env!("CARGO_PKG_VERSION"));
}
