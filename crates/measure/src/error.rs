/// Everything that can make a measurement request invalid.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MeasureError {
    /// A request that cannot be answered as asked (bad years, missing inputs, values out
    /// of range); the message says which argument and why.
    #[error("{0}")]
    InvalidRequest(String),
    /// Data that cannot be used as trade flows (a negative value, a year that is not a
    /// year); the message names the column and the row.
    #[error("{0}")]
    InvalidData(String),
    /// The data does not have what the request needs (a column, a type, a year).
    #[error(transparent)]
    Data(#[from] hallyu_data::DataError),
}

impl MeasureError {
    /// The error's category.
    pub fn category(&self) -> hallyu_data::ErrorCategory {
        match self {
            MeasureError::InvalidRequest(_) => hallyu_data::ErrorCategory::Input,
            MeasureError::InvalidData(_) => hallyu_data::ErrorCategory::Data,
            MeasureError::Data(e) => e.category(),
        }
    }
}
