//! CLI behaviour: help, version, errors and exit codes.
