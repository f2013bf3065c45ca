#![no_main]

use clusterlint::formats::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = clusterlint::invariants::check_format(Format::OPENDJ_LDIF, data) {
        panic!("{e}");
    }
});
