//! Probe kinds and the scheduler; knows nothing of the terminal.

pub mod sample;

pub use sample::{ProbeState, Sample};
