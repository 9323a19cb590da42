//! Data sets compiled into the binary.

use crate::read::{read_parquet_bytes, ReadOptions};
use crate::Result;

static AGTPA: &[u8] = include_bytes!("../embedded/agtpa/agtpa_applications.parquet");

/// Source and licence of the embedded Advanced Guide panel.
pub const AGTPA_README: &str = include_str!("../embedded/agtpa/README.md");

/// The Advanced Guide panel (Yotov et al. 2016): 69 countries, 1986-2006, international and
/// intra-national manufacturing trade, 99,981 rows. Licence CC BY 4.0, see [`AGTPA_README`].
pub fn agtpa() -> Result<crate::Table> {
    agtpa_with(&ReadOptions::default())
}

/// The Advanced Guide panel, reading only the selected columns.
pub fn agtpa_with(options: &ReadOptions) -> Result<crate::Table> {
    read_parquet_bytes(bytes::Bytes::from_static(AGTPA), options)
}

/// Column names of the Advanced Guide panel.
pub fn agtpa_columns() -> Result<Vec<String>> {
    crate::read::parquet_bytes_names(bytes::Bytes::from_static(AGTPA))
}
