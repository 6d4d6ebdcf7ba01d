#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        // libfuzzer-sys aborts on every panic, even one Kassa catches on purpose (Automerge's
        // decoder panics on some malformed bytes; kassa_replica::untrusted turns that into an
        // error). With the default hook back, a panic Kassa does not catch still aborts the run
        // (libfuzzer-sys aborts when one unwinds out of the target), so it is still a crash.
        let _ = std::panic::take_hook();
    },
    |data: &[u8]| kassa_fuzzing::targets::sync_request(data)
);
