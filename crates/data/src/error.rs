use std::path::PathBuf;

/// Everything that can go wrong while bringing data in.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// The file's extension does not name a format we read.
    #[error("cannot tell the format of {path}: use a .csv, .parquet or .dta file")]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
    /// A column was asked for that the data does not have.
    #[error("unknown column `{name}`{}", column_hint(.suggestion, .available))]
    UnknownColumn {
        /// The name asked for.
        name: String,
        /// The closest existing name, when one is close enough.
        suggestion: Option<String>,
        /// The names the data has (listed when none is close).
        available: Vec<String>,
    },
    /// Two columns of a file have the same name, so a name does not say which one is meant.
    #[error("{path}: column `{name}` appears twice in the header (columns {first} and {second}); rename one of them")]
    DuplicateColumn {
        /// The file.
        path: PathBuf,
        /// The repeated name.
        name: String,
        /// 1-based position of its first occurrence.
        first: usize,
        /// 1-based position of its second occurrence.
        second: usize,
    },
    /// A column has the wrong type for the use asked of it.
    #[error("column `{name}` is {found}, but {expected} is needed")]
    ColumnType {
        /// The column.
        name: String,
        /// What was found (e.g. "text").
        found: String,
        /// What the use needs (e.g. "a number").
        expected: String,
    },
    /// A CSV file could not be parsed.
    #[error("{path}, line {line}: {message}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// What went wrong.
        message: String,
    },
    /// A Parquet file could not be parsed.
    #[error("{path}: invalid Parquet file: {message}")]
    Parquet {
        /// The file (or `<embedded>`).
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// Arrow data handed over in memory (a DataFrame) could not be read.
    #[error("{origin}: invalid Arrow data: {message}")]
    Arrow {
        /// What was read (`the DataFrame`).
        origin: String,
        /// What went wrong.
        message: String,
    },
    /// A Stata file could not be parsed.
    #[error("{path}: invalid Stata file: {message}")]
    Dta {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A column type we do not read.
    #[error("column `{name}` has type {data_type}, which hallyu does not read")]
    UnsupportedType {
        /// The column.
        name: String,
        /// The type as the file declares it.
        data_type: String,
    },
    /// A `--where` expression could not be parsed.
    #[error("invalid row selection at position {position}: {message}\n  {expression}\n  {}^", " ".repeat(*.position))]
    Filter {
        /// The expression as written.
        expression: String,
        /// 0-based character position of the problem.
        position: usize,
        /// What went wrong.
        message: String,
    },
    /// Writing a table failed.
    #[error("cannot write table: {0}")]
    Write(String),
    /// Input that cannot be used (a folder or archive that is not what it should be, a
    /// manifest that does not parse...).
    #[error("{0}")]
    InvalidArgument(String),
    /// A request that cannot be answered as given: an option value out of its range, a
    /// comparison of a text column with a number, a choice only the user can make (adding
    /// to a dataset or `--replace`). The message names the option. Front ends report it
    /// as a usage error.
    #[error("{0}")]
    Usage(String),
    /// A reference file (blocs, product groups, a classification) is invalid.
    #[error("{path}{}: {message}", line_text(.line))]
    Reference {
        /// The file (or `<built-in>`).
        path: PathBuf,
        /// 1-based line number, when known.
        line: Option<u64>,
        /// What went wrong.
        message: String,
    },
    /// A bloc, product group or country that the reference tables do not have.
    #[error("unknown {kind} `{name}`{}", suggestion_text(.suggestion))]
    UnknownReference {
        /// What was looked up ("bloc", "product group", "country").
        kind: String,
        /// The name asked for.
        name: String,
        /// The closest existing name, when one is close enough.
        suggestion: Option<String>,
    },
    /// A country name that is neither a code of the data nor a bloc.
    #[error("{role} `{name}` is neither a bloc nor a country code in the data{}", suggestion_text(.suggestion))]
    UnknownCountry {
        /// What the name is for ("subject", "partner", "change 1: country").
        role: String,
        /// The name as given.
        name: String,
        /// The closest code of the data or bloc: swapped letters first, then edit distance.
        suggestion: Option<String>,
    },
    /// A country that exists but that the data does not have.
    #[error("{role} `{name}` is not in the data ({countries} countries)")]
    CountryNotInData {
        /// What the name is for.
        role: String,
        /// The ISO3 code.
        name: String,
        /// How many countries the data has.
        countries: usize,
    },
    /// A bloc that has no member in the year asked for.
    #[error("{role}: bloc `{name}` has no members in {year}")]
    EmptyBloc {
        /// What the name is for.
        role: String,
        /// The bloc.
        name: String,
        /// The year.
        year: i32,
    },
    /// A bloc inside a comma-separated list of country codes.
    #[error("{role} `{list}`: `{name}` is a bloc, and a list takes country codes only")]
    BlocInList {
        /// What the list is for.
        role: String,
        /// The list as given.
        list: String,
        /// The bloc named in it.
        name: String,
    },
    /// A comma-separated list without a single code.
    #[error("{role} `{name}` names no country")]
    EmptyCountryList {
        /// What the list is for.
        role: String,
        /// The list as given.
        name: String,
    },
}

/// What kind of failure an error is. Every library error says its category, and each front
/// end maps the category to its own terms (an exit status, an HTTP status, an exception
/// class) instead of deciding per message.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCategory {
    /// The request cannot be answered as given: an unknown name (column, country, bloc,
    /// group), an option out of range, a formula that does not parse.
    Input,
    /// The data cannot be read or used: an unreadable or malformed file, values a model
    /// cannot take (negative flows, an outcome that is zero everywhere).
    Data,
    /// The computation ran but its result is not valid: no convergence, a singular system.
    Numerical,
    /// A defect of the program: please report it.
    Internal,
}

impl ErrorCategory {
    /// The category's name as front ends show it (`input`, `data`, `numerical`, `internal`).
    pub fn name(self) -> &'static str {
        match self {
            ErrorCategory::Input => "input",
            ErrorCategory::Data => "data",
            ErrorCategory::Numerical => "numerical",
            ErrorCategory::Internal => "internal",
        }
    }
}

impl DataError {
    /// The error's category.
    pub fn category(&self) -> ErrorCategory {
        match self {
            DataError::UnknownColumn { .. }
            | DataError::UnknownReference { .. }
            | DataError::UnknownCountry { .. }
            | DataError::CountryNotInData { .. }
            | DataError::EmptyBloc { .. }
            | DataError::BlocInList { .. }
            | DataError::EmptyCountryList { .. }
            | DataError::Filter { .. }
            | DataError::Usage(_) => ErrorCategory::Input,
            _ => ErrorCategory::Data,
        }
    }
}

fn line_text(line: &Option<u64>) -> String {
    match line {
        Some(l) => format!(", line {l}"),
        None => String::new(),
    }
}

/// " (did you mean `x`?)" when a name is close, else the list of names there are.
fn column_hint(suggestion: &Option<String>, available: &[String]) -> String {
    match suggestion {
        Some(_) => suggestion_text(suggestion),
        None if available.is_empty() => String::new(),
        None => format!("; the columns are {}", crate::suggest::list(available)),
    }
}

fn suggestion_text(s: &Option<String>) -> String {
    match s {
        Some(s) => format!(" (did you mean `{s}`?)"),
        None => String::new(),
    }
}

/// Result alias of this crate.
pub type Result<T> = std::result::Result<T, DataError>;
