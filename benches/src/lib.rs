//! Bench fixtures.
