//! Integration tests of the `redflag` binary: one test binary, one module per concern (under `cli/`).
//! Each test runs the built binary (`CARGO_BIN_EXE_redflag`) on files in a temporary directory.
#[path = "cli/bad_input.rs"]
mod bad_input;
#[path = "cli/check.rs"]
mod check;
#[path = "cli/common.rs"]
mod common;
#[path = "cli/images.rs"]
mod images;
#[path = "cli/inputs.rs"]
mod inputs;
#[path = "cli/outputs.rs"]
mod outputs;
#[path = "cli/packs.rs"]
mod packs;
#[path = "cli/threads.rs"]
mod threads;
#[path = "cli/train.rs"]
mod train;
