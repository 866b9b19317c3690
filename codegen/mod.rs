//! Build-time code generation: scrape the AWS pages, merge them, emit Rust tables.
//! Loaded by `build.rs` through `#[path]`; the library reuses `scrape/` the same way.

pub mod emit;
#[path = "../src/data/model.rs"]
#[allow(dead_code)] // the build script uses only part of the model
pub mod model;
pub mod scrape;
pub mod writer_formats;
