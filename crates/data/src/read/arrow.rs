//! Arrow record batches into a [`Table`]: the batches of a Parquet file, or of an Arrow
//! stream handed over through the C data interface (a pandas, polars or pyarrow frame).
//!
//! A `Float64` column without nulls that arrives in one batch is kept as it lies (its buffer
//! is shared, not copied); other numeric types are converted to `f64` with nulls as `NaN`,
//! and text becomes dictionary codes.

use super::{resolve_columns, ReadOptions};
use crate::table::{Numbers, StrColumnBuilder};
use crate::{Column, DataError, Result, Table};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type,
    UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Schema};
use std::path::Path;

/// Reads Arrow batches of `schema` into a table, keeping the columns `options` selects (all
/// when none). `source` names the data in messages (a file, `the DataFrame`).
pub fn table_from_batches(
    source: &Path,
    schema: &Schema,
    batches: impl IntoIterator<Item = std::result::Result<RecordBatch, ArrowError>>,
    options: &ReadOptions,
) -> Result<Table> {
    let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let selected = resolve_columns(source, &names, &options.selection(&names))?;
    check_types(schema, &selected)?;
    let mut builders: Vec<ColumnBuilder> = selected
        .iter()
        .map(|&i| ColumnBuilder::new(schema.field(i).data_type()))
        .collect();
    for batch in batches {
        let batch = batch.map_err(|e| DataError::Arrow {
            origin: source.display().to_string(),
            message: e.to_string(),
        })?;
        for (b, &i) in builders.iter_mut().zip(&selected) {
            b.append(batch.column(i));
        }
    }
    let mut table = Table::new();
    for (b, &i) in builders.into_iter().zip(&selected) {
        table.push(names[i].clone(), b.finish())?;
    }
    Ok(table)
}

/// Refuses a selected column of a type the table cannot hold, naming it.
pub(crate) fn check_types(schema: &Schema, selected: &[usize]) -> Result<()> {
    for &i in selected {
        let field = schema.field(i);
        if !supported(field.data_type()) {
            return Err(DataError::UnsupportedType {
                name: field.name().clone(),
                data_type: field.data_type().to_string(),
            });
        }
    }
    Ok(())
}

fn supported(dt: &DataType) -> bool {
    match dt {
        DataType::Boolean
        | DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64
        | DataType::Float32
        | DataType::Float64
        | DataType::Date32
        | DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Null => true,
        DataType::Dictionary(_, v) => {
            matches!(
                **v,
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
            )
        }
        _ => false,
    }
}

/// Accumulates one column over batches.
pub(crate) enum ColumnBuilder {
    /// Numbers: the first batch's buffer while it can be shared, copied otherwise.
    Num {
        shared: Option<Numbers>,
        owned: Vec<f64>,
        batches: usize,
    },
    /// Text, as dictionary codes.
    Str(StrColumnBuilder),
}

impl ColumnBuilder {
    /// A builder for a column of this Arrow type.
    pub(crate) fn new(dt: &DataType) -> ColumnBuilder {
        match dt {
            DataType::Utf8
            | DataType::LargeUtf8
            | DataType::Utf8View
            | DataType::Dictionary(..) => ColumnBuilder::Str(StrColumnBuilder::default()),
            _ => ColumnBuilder::Num {
                shared: None,
                owned: Vec::new(),
                batches: 0,
            },
        }
    }

    /// Appends one batch's array.
    pub(crate) fn append(&mut self, array: &ArrayRef) {
        match self {
            ColumnBuilder::Num {
                shared,
                owned,
                batches,
            } => {
                *batches += 1;
                if *batches == 1
                    && array.data_type() == &DataType::Float64
                    && array.null_count() == 0
                {
                    *shared = Some(array.as_primitive::<Float64Type>().values().clone());
                    return;
                }
                if let Some(first) = shared.take() {
                    owned.extend_from_slice(&first);
                }
                append_num(owned, array);
            }
            ColumnBuilder::Str(b) => append_str(b, array),
        }
    }

    /// The column.
    pub(crate) fn finish(self) -> Column {
        match self {
            ColumnBuilder::Num {
                shared: Some(values),
                ..
            } => Column::shared_numbers(values),
            ColumnBuilder::Num { owned, .. } => Column::numbers(owned),
            ColumnBuilder::Str(b) => Column::Str(b.finish()),
        }
    }
}

fn push_primitive<T, F>(out: &mut Vec<f64>, a: &arrow_array::PrimitiveArray<T>, f: F)
where
    T: arrow_array::ArrowPrimitiveType,
    F: Fn(T::Native) -> f64,
{
    if a.null_count() == 0 {
        out.extend(a.values().iter().map(|&x| f(x)));
    } else {
        out.extend((0..a.len()).map(|i| {
            if a.is_null(i) {
                f64::NAN
            } else {
                f(a.value(i))
            }
        }));
    }
}

pub(crate) fn append_num(out: &mut Vec<f64>, array: &ArrayRef) {
    match array.data_type() {
        DataType::Float64 => push_primitive(out, array.as_primitive::<Float64Type>(), |x| x),
        DataType::Float32 => push_primitive(out, array.as_primitive::<Float32Type>(), f64::from),
        DataType::Int64 => push_primitive(out, array.as_primitive::<Int64Type>(), |x| x as f64),
        DataType::Int32 => push_primitive(out, array.as_primitive::<Int32Type>(), f64::from),
        DataType::Int16 => push_primitive(out, array.as_primitive::<Int16Type>(), f64::from),
        DataType::Int8 => push_primitive(out, array.as_primitive::<Int8Type>(), f64::from),
        DataType::UInt64 => push_primitive(out, array.as_primitive::<UInt64Type>(), |x| x as f64),
        DataType::UInt32 => push_primitive(out, array.as_primitive::<UInt32Type>(), f64::from),
        DataType::UInt16 => push_primitive(out, array.as_primitive::<UInt16Type>(), f64::from),
        DataType::UInt8 => push_primitive(out, array.as_primitive::<UInt8Type>(), f64::from),
        DataType::Date32 => push_primitive(out, array.as_primitive::<Date32Type>(), f64::from),
        DataType::Boolean => {
            let a = array.as_boolean();
            out.extend((0..a.len()).map(|i| {
                if a.is_null(i) {
                    f64::NAN
                } else {
                    f64::from(u8::from(a.value(i)))
                }
            }));
        }
        _ => out.extend(std::iter::repeat_n(f64::NAN, array.len())),
    }
}

pub(crate) fn append_str(b: &mut StrColumnBuilder, array: &ArrayRef) {
    match array.data_type() {
        DataType::Utf8 => {
            let a = array.as_string::<i32>();
            (0..a.len()).for_each(|i| b.push((!a.is_null(i)).then(|| a.value(i))));
        }
        DataType::LargeUtf8 => {
            let a = array.as_string::<i64>();
            (0..a.len()).for_each(|i| b.push((!a.is_null(i)).then(|| a.value(i))));
        }
        DataType::Utf8View => {
            let a = array.as_string_view();
            (0..a.len()).for_each(|i| b.push((!a.is_null(i)).then(|| a.value(i))));
        }
        DataType::Dictionary(_, _) => {
            let d = array.as_any_dictionary();
            let keys = d.normalized_keys();
            let values = d.values();
            let text: Vec<Option<String>> = match values.data_type() {
                DataType::Utf8View => {
                    let v = values.as_string_view();
                    (0..v.len())
                        .map(|i| (!v.is_null(i)).then(|| v.value(i).to_string()))
                        .collect()
                }
                DataType::LargeUtf8 => {
                    let v = values.as_string::<i64>();
                    (0..v.len())
                        .map(|i| (!v.is_null(i)).then(|| v.value(i).to_string()))
                        .collect()
                }
                _ => {
                    let v = values.as_string::<i32>();
                    (0..v.len())
                        .map(|i| (!v.is_null(i)).then(|| v.value(i).to_string()))
                        .collect()
                }
            };
            // Each distinct value is looked up once, at its first row (levels stay in order
            // of first appearance, unused categories add none).
            let mut codes: Vec<Option<u32>> = vec![None; text.len()];
            for (i, k) in keys.iter().enumerate() {
                match codes.get(*k) {
                    _ if array.is_null(i) => b.push(None),
                    Some(Some(code)) => b.push_code(*code),
                    Some(None) => codes[*k] = Some(b.push_value(text[*k].as_deref())),
                    None => b.push(None),
                }
            }
        }
        _ => (0..array.len()).for_each(|_| b.push(None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{
        DictionaryArray, Float64Array, Int64Array, StringArray, TimestampSecondArray,
    };
    use arrow_schema::Field;
    use std::sync::Arc;

    fn read(schema: Arc<Schema>, batches: Vec<RecordBatch>) -> Result<Table> {
        table_from_batches(
            Path::new("the DataFrame"),
            &schema,
            batches.into_iter().map(Ok),
            &ReadOptions::default(),
        )
    }

    #[test]
    fn a_float_column_in_one_batch_is_shared_not_copied() {
        let values = Float64Array::from(vec![1.5, 2.5, 3.5]);
        let address = values.values().as_ptr();
        let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Float64, false)]));
        let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(values)]).unwrap();
        let t = read(schema, vec![batch]).unwrap();
        let x = t.num("x").unwrap();
        assert_eq!(x, &[1.5, 2.5, 3.5]);
        assert_eq!(x.as_ptr(), address, "the buffer was copied");
    }

    #[test]
    fn batches_are_joined_and_nulls_become_nan() {
        let schema = Arc::new(Schema::new(vec![
            Field::new("x", DataType::Float64, true),
            Field::new("n", DataType::Int64, true),
            Field::new("s", DataType::Utf8, true),
        ]));
        let b1 = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Float64Array::from(vec![1.0, 2.0])),
                Arc::new(Int64Array::from(vec![Some(7), None])),
                Arc::new(StringArray::from(vec![Some("KOR"), None])),
            ],
        )
        .unwrap();
        let b2 = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Float64Array::from(vec![None, Some(4.0)])),
                Arc::new(Int64Array::from(vec![Some(9), Some(10)])),
                Arc::new(StringArray::from(vec![Some("JPN"), Some("KOR")])),
            ],
        )
        .unwrap();
        let t = read(schema, vec![b1, b2]).unwrap();
        let x = t.num("x").unwrap();
        assert_eq!(&x[..2], &[1.0, 2.0]);
        assert!(x[2].is_nan());
        assert_eq!(x[3], 4.0);
        let n = t.num("n").unwrap();
        assert!(n[1].is_nan());
        assert_eq!(n[3], 10.0);
        let s = t.text("s").unwrap();
        assert_eq!(s.get(0), Some("KOR"));
        assert_eq!(s.get(1), None);
        assert_eq!(s.get(3), Some("KOR"));
        assert_eq!(s.levels().len(), 2);
    }

    #[test]
    fn categorical_text_is_read_as_text() {
        let dict: DictionaryArray<arrow_array::types::Int8Type> =
            vec!["a", "b", "a"].into_iter().collect();
        let schema = Arc::new(Schema::new(vec![Field::new(
            "c",
            dict.data_type().clone(),
            false,
        )]));
        let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(dict)]).unwrap();
        let t = read(schema, vec![batch]).unwrap();
        let c = t.text("c").unwrap();
        assert_eq!(
            c.iter().collect::<Vec<_>>(),
            [Some("a"), Some("b"), Some("a")]
        );
    }

    #[test]
    fn categories_become_levels_in_order_of_first_row_and_unused_ones_none() {
        use arrow_array::{Int8Array, StringArray};
        // Categories c, b, a (a unused); rows b, null, c, b.
        let keys = Int8Array::from(vec![Some(1), None, Some(0), Some(1)]);
        let values = StringArray::from(vec!["c", "b", "a"]);
        let dict = DictionaryArray::try_new(keys, Arc::new(values)).unwrap();
        let schema = Arc::new(Schema::new(vec![Field::new(
            "c",
            dict.data_type().clone(),
            true,
        )]));
        let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(dict)]).unwrap();
        let t = read(schema, vec![batch]).unwrap();
        let c = t.text("c").unwrap();
        assert_eq!(
            c.iter().collect::<Vec<_>>(),
            [Some("b"), None, Some("c"), Some("b")]
        );
        assert_eq!(c.levels(), ["b", "c"]);
    }

    #[test]
    fn an_unsupported_type_is_named_only_when_selected() {
        let schema = Arc::new(Schema::new(vec![
            Field::new("x", DataType::Float64, false),
            Field::new(
                "when",
                DataType::Timestamp(arrow_schema::TimeUnit::Second, None),
                false,
            ),
        ]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Float64Array::from(vec![1.0])),
                Arc::new(TimestampSecondArray::from(vec![0])),
            ],
        )
        .unwrap();
        let err = read(schema.clone(), vec![batch.clone()]).unwrap_err();
        assert!(err.to_string().contains("`when`"), "{err}");
        let only_x = ReadOptions {
            columns: Some(vec!["x".into()]),
            ..Default::default()
        };
        let t =
            table_from_batches(Path::new("the DataFrame"), &schema, [Ok(batch)], &only_x).unwrap();
        assert_eq!(t.names(), ["x"]);
    }
}
