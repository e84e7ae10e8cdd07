//! Any text is a `feeds.toml` that loads or gives problems with line:column: never a panic.
#![no_main]

use std::path::Path;

use beatwire::config::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(error) = Config::from_toml(text, Path::new("beat/feeds.toml")) {
        // Rendering the problems (what `check` prints) must not panic either.
        let _ = error.to_string();
    }
});
