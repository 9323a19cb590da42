//! Stata `.dta` files, every release (102-119), through the `dta` crate.

use super::{resolve_columns, ReadOptions};
use crate::table::StrColumnBuilder;
use crate::{Column, DataError, Result, Table};
use ::dta::stata::dta::dta_reader::DtaReader;
use ::dta::stata::dta::value::Value;
use ::dta::stata::dta::variable_type::VariableType;
use ::dta::stata::stata_byte::StataByte;
use ::dta::stata::stata_double::StataDouble;
use ::dta::stata::stata_float::StataFloat;
use ::dta::stata::stata_int::StataInt;
use ::dta::stata::stata_long::StataLong;
use std::path::Path;

/// Reads a Stata file. Stata's missing values (`.`, `.a`-`.z`) become missing.
pub fn read_dta(path: &Path, options: &ReadOptions) -> Result<Table> {
    let err = |e: &dyn std::fmt::Display| dta_error(path, e);
    let mut characteristics = open(path)?;
    characteristics.skip_to_end().map_err(|e| err(&e))?;
    let mut records = characteristics.into_record_reader().map_err(|e| err(&e))?;
    let variables = records.schema().variables().to_vec();
    let names: Vec<String> = variables.iter().map(|v| v.name().to_string()).collect();
    let selected = resolve_columns(path, &names, &options.selection(&names))?;

    let mut builders: Vec<Builder> = Vec::with_capacity(selected.len());
    for &i in &selected {
        builders.push(match variables[i].variable_type() {
            VariableType::FixedString(_) => Builder::Str(StrColumnBuilder::default()),
            VariableType::LongString => {
                return Err(DataError::UnsupportedType {
                    name: names[i].clone(),
                    data_type: "strL".into(),
                })
            }
            _ => Builder::Num(Vec::new()),
        });
    }
    while let Some(record) = records.read_record().map_err(|e| err(&e))? {
        let values = record.values();
        for (b, &i) in builders.iter_mut().zip(&selected) {
            match b {
                Builder::Num(v) => v.push(number(&values[i])),
                Builder::Str(s) => match &values[i] {
                    Value::String(text) => s.push(Some(text.as_ref()).filter(|t| !t.is_empty())),
                    _ => s.push(None),
                },
            }
        }
    }
    let mut table = Table::new();
    for (b, &i) in builders.into_iter().zip(&selected) {
        let column = match b {
            Builder::Num(v) => Column::numbers(v),
            Builder::Str(s) => Column::Str(s.finish()),
        };
        table.push(names[i].clone(), column)?;
    }
    Ok(table)
}

type Characteristics = ::dta::stata::dta::characteristic_reader::CharacteristicReader<
    std::io::BufReader<std::fs::File>,
>;

fn dta_error(path: &Path, e: &dyn std::fmt::Display) -> DataError {
    DataError::Dta {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Opens a Stata file and reads its header and variable list.
fn open(path: &Path) -> Result<Characteristics> {
    if let Err(e) = std::fs::metadata(path) {
        return Err(super::io_error(path, e));
    }
    let err = |e: &dyn std::fmt::Display| dta_error(path, e);
    DtaReader::new()
        .from_path(path)
        .map_err(|e| err(&e))?
        .read_header()
        .map_err(|e| err(&e))?
        .read_schema()
        .map_err(|e| err(&e))
}

/// The variable names of a Stata file.
pub(crate) fn variable_names(path: &Path) -> Result<Vec<String>> {
    Ok(open(path)?
        .schema()
        .variables()
        .iter()
        .map(|v| v.name().to_string())
        .collect())
}

enum Builder {
    Num(Vec<f64>),
    Str(StrColumnBuilder),
}

fn number(v: &Value<'_>) -> f64 {
    match v {
        Value::Byte(StataByte::Present(x)) => f64::from(*x),
        Value::Int(StataInt::Present(x)) => f64::from(*x),
        Value::Long(StataLong::Present(x)) => f64::from(*x),
        Value::Float(StataFloat::Present(x)) => f64::from(*x),
        Value::Double(StataDouble::Present(x)) => *x,
        _ => f64::NAN,
    }
}
