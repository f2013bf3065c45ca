#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = clusterlint::invariants::check_manifest(data) {
        panic!("{e}");
    }
});
