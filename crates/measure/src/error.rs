//! Everything that can make a measurement fail, one variant per case.
//!
//! Messages speak in the request's terms (the source, the product group, products by
//! name, the perspective, the start and end year) and never in a front end's: the same
//! text reaches a command line, an HTTP client and Python.

use hallyu_data::ErrorCategory;

/// Everything that can make a measurement request invalid.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MeasureError {
    /// The data hold several sources and the request chose none: they measure trade
    /// differently and must not be added up.
    #[error(
        "the data hold {} sources ({}), which measure trade differently and must not be \
         added up; choose one as the source (e.g. the source `{}`)",
        .present.len(),
        list(.present, 12),
        .present.first().map_or("", String::as_str)
    )]
    SourceNotChosen {
        /// The sources present, sorted.
        present: Vec<String>,
    },
    /// The source asked for is not in the data.
    #[error(
        "the source `{asked}`: no such source in the data{}; sources present: {}",
        did_you_mean(.suggestion),
        list(.present, 12)
    )]
    UnknownSource {
        /// The source asked for.
        asked: String,
        /// The sources present, sorted.
        present: Vec<String>,
        /// The nearest source (or source prefix), when one is close.
        suggestion: Option<String>,
    },
    /// The source asked for is a prefix of several sources, which must not be added up.
    #[error(
        "the source `{asked}` matches {} sources ({}), which must not be added up; name one \
         of them",
        .matches.len(),
        list(.matches, 12)
    )]
    AmbiguousSource {
        /// The source asked for.
        asked: String,
        /// The sources it matches, sorted.
        matches: Vec<String>,
    },
    /// A source was asked for and the data has no source column.
    #[error(
        "the source `{asked}`: the data has no `{column}` column (datasets written by \
         `hallyu ingest` have one); ask for no source"
    )]
    NoSourceColumn {
        /// The source asked for.
        asked: String,
        /// The column sources are read from.
        column: String,
    },
    /// Products were chosen (by name or by group) and the data has no product column.
    #[error("{option}: the data has no product column (aggregate flows); leave {option} out")]
    NoProductColumn {
        /// How the products were chosen, in the request's terms ("products by name
        /// (product)", "the product group `creative`").
        option: String,
    },
    /// Products were chosen by name and the product column holds numeric (HS) codes.
    #[error(
        "products by name (product) match product names, but column `{column}` holds \
         numeric codes; select HS codes with a product group instead (group, e.g. `3304`)"
    )]
    ProductNamesOnCodes {
        /// The product column.
        column: String,
    },
    /// No product was chosen and the rows hold an aggregate product next to its
    /// components: adding them up would count the same trade twice.
    #[error(
        "the rows{} have a product `{whole}` and its components ({}): adding them up would \
         count the same trade twice; choose the product `{whole}` (product), or a list of \
         components such as `{}`",
        of_source(.source_name),
        list(.parts, 8),
        .finest.join(",")
    )]
    AggregateWithComponents {
        /// The source of the rows, when one was chosen.
        source_name: Option<String>,
        /// The aggregate product.
        whole: String,
        /// Its components present in the rows.
        parts: Vec<String>,
        /// A few of the finest components, to suggest.
        finest: Vec<String>,
    },
    /// A product asked for by name is not in the rows.
    #[error(
        "the product `{name}`: no such product in the rows{}{}; products present: {}",
        of_source(.source_name),
        did_you_mean(.suggestion),
        list(.present, 20)
    )]
    UnknownProduct {
        /// The product asked for.
        name: String,
        /// The source of the rows, when one was chosen.
        source_name: Option<String>,
        /// The products present, sorted.
        present: Vec<String>,
        /// The nearest product, when one is close.
        suggestion: Option<String>,
    },
    /// Products by name were asked for, but every name was empty.
    #[error("products by name (product): no product name given")]
    NoProductNamed,
    /// The products asked for include an aggregate and some of its components.
    #[error(
        "the products `{}`: `{whole}` already counts the trade of {}; adding them up would \
         count the same trade twice; name `{whole}` alone or leave it out",
        .named.join(","),
        list(.parts, 8)
    )]
    AggregateNamedWithComponents {
        /// The products asked for.
        named: Vec<String>,
        /// The aggregate among them.
        whole: String,
        /// Its components among them.
        parts: Vec<String>,
    },
    /// A product group the reference tables do not have.
    #[error("unknown product group `{name}`{}", did_you_mean(.suggestion))]
    UnknownGroup {
        /// The group asked for.
        name: String,
        /// The nearest group, when one is close.
        suggestion: Option<String>,
    },
    /// A group of HS codes asked for on data that has no classification column.
    #[error(
        "the product group `{group}` is a list of {} codes, and the data has no \
         `classification` column saying which HS edition its product codes are in (a code \
         can mean another product in another edition): add a column `classification` (e.g. \
         HS17 on every row of HS 2017 data), or ingest the file with `hallyu ingest`",
        and_list(.editions)
    )]
    GroupNeedsClassification {
        /// The group asked for.
        group: String,
        /// The HS editions it is defined in.
        editions: Vec<String>,
    },
    /// Some rows with a product have no classification, so a group of HS codes cannot
    /// know their edition.
    #[error(
        "the product group `{group}`: some rows with a product have no classification; the \
         group's codes are {} codes and need to know each row's edition",
        and_list(.editions)
    )]
    RowsWithoutClassification {
        /// The group asked for.
        group: String,
        /// The HS editions it is defined in.
        editions: Vec<String>,
    },
    /// The data is in an HS classification that no concordance table links to the
    /// editions the group is defined in.
    #[error(
        "the product group `{group}` is defined in {}; the data is classified \
         `{classification}`, which no concordance table links to {}: use data in {} (e.g. \
         BACI's {} release), in another HS edition (HS1992 to HS2022, through the built-in \
         UNSD tables), or give a concordance table (concordance: a CSV file with the header \
         `{classification},{}` and one line per pair of linked codes)",
        and_list(.editions),
        if .editions.len() > 1 { "any of them" } else { "it" },
        .editions.join(" or "),
        .releases.join(" or "),
        .editions.first().map_or("HS2022", String::as_str)
    )]
    GroupUnreachable {
        /// The group asked for.
        group: String,
        /// The HS editions it is defined in.
        editions: Vec<String>,
        /// The BACI releases in those editions.
        releases: Vec<String>,
        /// The data's classification no table reaches.
        classification: String,
    },
    /// A group of HS codes asked for on data classified otherwise (UNCTADstat's groups,
    /// a series' sectors).
    #[error(
        "the product group `{group}` selects HS codes, and the data is classified {}, not \
         by HS code: {}",
        .classifications.join(", "),
        not_hs_hint(.classifications)
    )]
    GroupOnOtherClassification {
        /// The group asked for.
        group: String,
        /// The data's classifications.
        classifications: Vec<String>,
    },
    /// A number that is not written in plain decimal notation.
    #[error("`{text}` is not a number in plain decimal notation (e.g. 8.1 or 20)")]
    NotADecimal {
        /// The text given.
        text: String,
    },
    /// A year and value that is not `YEAR` or `YEAR:VALUE`.
    #[error("expected YEAR or YEAR:VALUE (e.g. 2021:8.1), got `{text}`")]
    NotAYearValue {
        /// The text given.
        text: String,
    },
    /// `YEAR:VALUE` whose value is not a plain decimal number.
    #[error(
        "in `{text}` (YEAR:VALUE): `{value}` is not a number in plain decimal notation (e.g. \
         8.1 or 20)"
    )]
    YearValueNumber {
        /// The whole text given.
        text: String,
        /// Its value part.
        value: String,
    },
    /// A projection whose end year is not after its start year.
    #[error("the end year ({end}) must be after the start year ({start})")]
    EndNotAfterStart {
        /// The start year.
        start: i32,
        /// The end year.
        end: i32,
    },
    /// A projection longer than the longest span projected.
    #[error(
        "the end year {end} is {years} years after the start year {start}; a projection \
         spans at most {max} years"
    )]
    ProjectionSpan {
        /// The start year.
        start: i32,
        /// The end year.
        end: i32,
        /// Years between them.
        years: i32,
        /// The most years a projection spans.
        max: i32,
    },
    /// A start or end value that is zero or negative.
    #[error(
        "the {which} value must be positive (got {value}); growth rates are undefined for \
         zero or negative values"
    )]
    NotPositive {
        /// `start` or `end`.
        which: &'static str,
        /// The value given.
        value: f64,
    },
    /// The whole of a share claim ("X is p% of Y") that is not a positive number.
    #[error("the whole of a share must be a positive number (got {value})")]
    ShareWhole {
        /// The whole given.
        value: f64,
    },
    /// A growth rate at or below −100%.
    #[error("a growth rate of {value}% is impossible: it must be above -100%")]
    RateTooLow {
        /// The rate given, in percent.
        value: f64,
    },
    /// Fewer than two of start value, end value and growth rate.
    #[error(
        "give two of the start value, the end value and the growth rate (CAGR); all three \
         to check a claim"
    )]
    TooFewValues,
    /// A projection whose values overflow or underflow.
    #[error(
        "the result cannot be represented over {years} years (a value overflows or underflows)"
    )]
    Unrepresentable {
        /// Years projected.
        years: i32,
    },
    /// The data has no row with a year.
    #[error("the data has no row with a year (column `{column}`)")]
    NoYears {
        /// The year column.
        column: String,
    },
    /// A year range whose first year is after its last.
    #[error("the year range {first}:{last} is reversed; write FIRST:LAST")]
    ReversedYears {
        /// The first year given.
        first: i32,
        /// The last year given.
        last: i32,
    },
    /// A year range with no year in the data.
    #[error("no data in {}: the data covers {}", span_text(*.asked), span_text(*.covered))]
    YearsOutOfRange {
        /// The years asked for.
        asked: (i32, i32),
        /// The years of the data.
        covered: (i32, i32),
    },
    /// A subject with no flows in any year reported.
    #[error(
        "`{subject}` has no flows in the data in {}{}",
        span_text(*.years),
        if *.bloc { " (no member of the bloc appears as exporter or importer)" } else { "" }
    )]
    SubjectWithoutFlows {
        /// The subject's name.
        subject: String,
        /// The years reported.
        years: (i32, i32),
        /// Whether the subject is a bloc.
        bloc: bool,
    },
    /// A CAGR window that does not run forward.
    #[error("the CAGR window {first}:{last} must run from an earlier to a later year")]
    CagrWindowOrder {
        /// The first year.
        first: i32,
        /// The last year.
        last: i32,
    },
    /// A CAGR window with a year the data does not have.
    #[error(
        "the CAGR window {}:{} needs data for {year}; the data covers {}",
        .window.0,
        .window.1,
        span_text(*.covered)
    )]
    CagrWindowYear {
        /// The window.
        window: (i32, i32),
        /// The year without data.
        year: i32,
        /// The years of the data.
        covered: (i32, i32),
    },
    /// No flow between two countries is left for a gravity panel.
    #[error(
        "no flow between two countries is left for {products} under the `{perspective}` \
         perspective{}",
        other_side_hint(*.other_side)
    )]
    NoPairFlows {
        /// The products, named.
        products: String,
        /// The perspective.
        perspective: String,
        /// Rows left out because the other side reported them.
        other_side: u64,
    },
    /// A covariates table whose country column does not hold codes.
    #[error("covariates `{covariates}`: column `{column}` must hold ISO3 codes")]
    CovariateCodes {
        /// The covariates' name.
        covariates: String,
        /// The column.
        column: String,
    },
    /// A covariates column with the name of a column already in the panel.
    #[error(
        "covariates `{covariates}`: column `{column}` is already a column of the panel; \
         rename it in the covariates file"
    )]
    CovariateClash {
        /// The covariates' name.
        covariates: String,
        /// The column.
        column: String,
    },
    /// A trade value that is negative or infinite.
    #[error(
        "column `{column}`, data row {row}: {value} is not a valid trade value (values must \
         be finite and non-negative)"
    )]
    InvalidValue {
        /// The value column.
        column: String,
        /// The 1-based data row.
        row: usize,
        /// The value.
        value: f64,
    },
    /// A year that is not a whole number in range.
    #[error("column `{column}`, data row {row}: {value} is not a year")]
    NotAYear {
        /// The year column.
        column: String,
        /// The 1-based data row.
        row: usize,
        /// The value.
        value: f64,
    },
    /// A numeric product code that is not a whole, non-negative number.
    #[error("column `{column}`, data row {row}: {value} is not a product code")]
    NotAProductCode {
        /// The product column.
        column: String,
        /// The 1-based data row.
        row: usize,
        /// The value.
        value: f64,
    },
    /// A flow column value that names no flow.
    #[error(
        "column `{column}`: `{value}` is not a flow ({}){}",
        .valid.join(", "),
        .suggestion.as_ref().map(|n| format!("; did you mean `{n}`?")).unwrap_or_default()
    )]
    NotAFlow {
        /// The flow column.
        column: String,
        /// The value.
        value: String,
        /// The flows there are.
        valid: Vec<String>,
        /// The nearest flow, when one is close.
        suggestion: Option<String>,
    },
    /// The data does not have what the request needs (a column, a type, a year).
    #[error(transparent)]
    Data(#[from] hallyu_data::DataError),
}

impl MeasureError {
    /// The error's category: [`ErrorCategory::Input`] for what the request asks (a name
    /// or a year the data does not have, a choice the request must make),
    /// [`ErrorCategory::Data`] for data that cannot be used as trade flows.
    pub fn category(&self) -> ErrorCategory {
        use MeasureError::*;
        match self {
            InvalidValue { .. }
            | NotAYear { .. }
            | NotAProductCode { .. }
            | NotAFlow { .. }
            | RowsWithoutClassification { .. } => ErrorCategory::Data,
            Data(e) => e.category(),
            _ => ErrorCategory::Input,
        }
    }
}

/// At most `n` names in backticks, then how many more.
fn list(names: &[String], n: usize) -> String {
    let shown: Vec<String> = names.iter().take(n).map(|s| format!("`{s}`")).collect();
    match names.len().saturating_sub(n) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn did_you_mean(suggestion: &Option<String>) -> String {
    suggestion
        .as_ref()
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

fn of_source(source: &Option<String>) -> String {
    source
        .as_ref()
        .map(|s| format!(" of source `{s}`"))
        .unwrap_or_default()
}

fn other_side_hint(other_side: u64) -> String {
    if other_side > 0 {
        format!(" ({other_side} row(s) are the other side's reports; try the perspective `mirror`)")
    } else {
        String::new()
    }
}

/// What to use instead of HS codes on data classified otherwise.
pub(crate) fn not_hs_hint(labels: &[String]) -> &'static str {
    if labels
        .iter()
        .any(|l| l.to_ascii_uppercase().starts_with("UNCTAD"))
    {
        "UNCTADstat data are already classified (UNCTAD's creative-goods and services groups \
         are their products, e.g. CG00 for all creative goods): choose them as products by \
         name (product)"
    } else {
        "choose the data's own products as products by name (product)"
    }
}

/// `2019` or `2019–2021`.
pub(crate) fn span_text((a, b): (i32, i32)) -> String {
    if a == b {
        a.to_string()
    } else {
        format!("{a}–{b}")
    }
}

#[cfg(test)]
mod tests;
