//! The bare libraries the benchmark compares clusterlint with, as one
//! program: `reference properties FILE` loads a file with the
//! `java-properties` crate, `reference xml FILE` runs quick-xml's event
//! loop over one. `scripts/bench.sh` times it; without arguments (as
//! `cargo bench` and `cargo test` run it) it does nothing.

use std::hint::black_box;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let [what, path] = args.as_slice() else {
        return;
    };
    match what.as_str() {
        "properties" => {
            let file = std::fs::File::open(path).expect("the input");
            let map = java_properties::read(std::io::BufReader::new(file)).expect("properties");
            black_box(map.len());
        }
        "xml" => {
            let text = std::fs::read(path).expect("the input");
            let mut reader = quick_xml::Reader::from_reader(text.as_slice());
            let mut buffer = Vec::new();
            let mut events = 0usize;
            loop {
                match reader.read_event_into(&mut buffer) {
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(_) => events += 1,
                    Err(error) => panic!("{error}"),
                }
                buffer.clear();
            }
            black_box(events);
        }
        _ => eprintln!("usage: reference properties|xml FILE"),
    }
}
