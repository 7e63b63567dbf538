//! Probe kinds and the scheduler; knows nothing of the terminal. (being built)
