#![no_main]

use clusterlint::formats::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The same bytes as `setenv.sh` and as `setenv.bat`.
    for format in [Format::TOMCAT_SETENV, Format::TOMCAT_SETENV_BAT] {
        if let Err(e) = clusterlint::invariants::check_format(format, data) {
            panic!("{e}");
        }
    }
});
