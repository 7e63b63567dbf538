//! Unit tests of the marker internals.
