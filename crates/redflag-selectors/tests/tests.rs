//! All integration tests in one binary (one link step).
mod extract;
mod fuzz_corpus;
mod props;
mod vectors;
