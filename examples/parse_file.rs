//! Parses one configuration file in the format its name gives and prints
//! its entries as the common tree sees them, and its parse errors:
//! `cargo run --example parse_file -- fixtures/clusters/gluu-ha/lb/etc/nginx/nginx.conf`.

use std::process::ExitCode;

use clusterlint::formats::{self, tree::TreeNode};

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse_file FILE");
        return ExitCode::from(2);
    };
    let Some(format) = formats::classify(&path) else {
        eprintln!("error: `{path}` is of no format clusterlint knows by name");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("error: cannot read `{path}`: {error}");
            return ExitCode::from(2);
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    let document = formats::parse(format, &text);
    println!("{path}: {format}");
    let tree = document.tree(&text);
    // Secret values are masked here as in every output of clusterlint.
    let secrets = document.secrets(&text);
    for entry in &tree.entries {
        print_entry(entry, 1, &secrets);
    }
    for error in document.errors() {
        let line = text[..error.range.start as usize].matches('\n').count() + 1;
        println!("line {line}: {}", error.message);
    }
    ExitCode::SUCCESS
}

fn print_entry(entry: &TreeNode, depth: usize, secrets: &[clusterlint::TextRange]) {
    let values: Vec<&str> = entry
        .values
        .iter()
        .map(|v| {
            let secret = secrets
                .iter()
                .any(|s| s.start < v.range.end && v.range.start < s.end);
            if secret { "****" } else { v.text.as_str() }
        })
        .collect();
    println!("{}{} {}", "  ".repeat(depth), entry.name, values.join(" "));
    for child in &entry.children {
        print_entry(child, depth + 1, secrets);
    }
}
