//! The shared model of probe results — values, states, samples, outputs and their units — that
//! probe kinds produce and the condition language reads; it imports neither.

mod output;
mod sample;
mod value;

pub use output::{Failure, OutputSpec, OutputType, Outputs, PollResult, ValueUnit, human};
pub use sample::{ProbeState, Sample, output_at};
pub use value::Value;
