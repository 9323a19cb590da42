//! Row selection: the `--where` mini-language.
//!
//! ```text
//! expr       := term ("or" term)*
//! term       := factor ("and" factor)*
//! factor     := "not" factor | "(" expr ")" | comparison
//! comparison := operand ("==" | "!=" | "<" | "<=" | ">" | ">=") operand
//!             | operand ["not"] "in" "(" literal ("," literal)* ")"
//! operand    := column | number | 'text' | "text"
//! ```
//! Bare words are column names; text values are quoted. A comparison involving a missing
//! value is false (as in SQL), so `x != 1` does not select rows where `x` is missing.
//!
//! Parentheses and `not` nest at most [`MAX_NESTING`] levels deep: the parser and the
//! evaluator recurse once per level, and an expression nested thousands of levels deep
//! would otherwise overflow the stack instead of being refused.

use crate::{Column, DataError, Result, Table};

/// How deep parentheses and `not` may nest.
pub const MAX_NESTING: usize = 100;

/// A parsed row-selection expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Predicate {
    /// Every part true. A chain `a and b and c` is one node, so a long chain does not
    /// make a deep tree.
    And(Vec<Predicate>),
    /// At least one part true.
    Or(Vec<Predicate>),
    /// The inner expression false.
    Not(Box<Predicate>),
    /// `left op right`.
    Compare {
        /// Left operand.
        left: Operand,
        /// Comparison.
        op: CompareOp,
        /// Right operand.
        right: Operand,
    },
    /// `operand in (values)`.
    In {
        /// Tested operand.
        operand: Operand,
        /// Allowed values.
        values: Vec<Operand>,
    },
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A column, by name, with its position in the expression.
    Column(String, usize),
    /// A number.
    Number(f64),
    /// Quoted text.
    Text(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Number(f64),
    Text(String),
    Op(CompareOp),
    LParen,
    RParen,
    Comma,
    And,
    Or,
    Not,
    In,
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<(Tok, usize)>,
    pos: usize,
    /// Parentheses and `not` open around the current position.
    depth: usize,
}

impl Predicate {
    /// Parses an expression; errors point at the offending position.
    pub fn parse(src: &str) -> Result<Predicate> {
        let toks = tokenize(src)?;
        let mut p = Parser {
            src,
            toks,
            pos: 0,
            depth: 0,
        };
        if p.toks.is_empty() {
            return Err(p.error(0, "empty expression"));
        }
        let e = p.or()?;
        if let Some((_, at)) = p.toks.get(p.pos) {
            return Err(p.error(*at, "unexpected text after a complete expression"));
        }
        Ok(e)
    }

    /// Columns the expression refers to.
    pub fn columns(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .column_positions()
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        out.sort();
        out
    }

    /// Columns the expression refers to, with the position of their first mention.
    pub fn column_positions(&self) -> Vec<(String, usize)> {
        let mut out: Vec<(String, usize)> = Vec::new();
        let mut add = |o: &Operand| {
            if let Operand::Column(c, at) = o {
                if !out.iter().any(|(n, _)| n == c) {
                    out.push((c.clone(), *at));
                }
            }
        };
        let mut stack = vec![self];
        while let Some(p) = stack.pop() {
            match p {
                Predicate::And(parts) | Predicate::Or(parts) => {
                    stack.extend(parts.iter().rev());
                }
                Predicate::Not(a) => stack.push(a),
                Predicate::Compare { left, right, .. } => {
                    add(left);
                    add(right);
                }
                Predicate::In { operand, values } => {
                    add(operand);
                    values.iter().for_each(&mut add);
                }
            }
        }
        out
    }

    /// Checks the referenced columns against the names a data source has, suggesting the
    /// nearest one, or reminding that text values are quoted.
    pub fn check_columns(&self, expression: &str, available: &[String]) -> Result<()> {
        for (name, at) in self.column_positions() {
            if !available.contains(&name) {
                let hint = match crate::nearest(&name, available.iter().map(String::as_str)) {
                    Some(s) => format!("unknown column `{name}` (did you mean `{s}`?)"),
                    None => format!(
                        "unknown column `{name}` (the columns are {}); quote text values: '{name}'",
                        crate::suggest::list(available)
                    ),
                };
                return Err(filter_error(expression, at, hint));
            }
        }
        Ok(())
    }

    /// One flag per row of `table`: whether the row is selected.
    pub fn evaluate(&self, table: &Table, expression: &str) -> Result<Vec<bool>> {
        let n = table.nrows();
        Ok(match self {
            Predicate::And(parts) => {
                let mut acc = vec![true; n];
                for p in parts {
                    let x = p.evaluate(table, expression)?;
                    acc.iter_mut().zip(x).for_each(|(a, v)| *a &= v);
                }
                acc
            }
            Predicate::Or(parts) => {
                let mut acc = vec![false; n];
                for p in parts {
                    let x = p.evaluate(table, expression)?;
                    acc.iter_mut().zip(x).for_each(|(a, v)| *a |= v);
                }
                acc
            }
            Predicate::Not(a) => a
                .evaluate(table, expression)?
                .into_iter()
                .map(|v| !v)
                .collect(),
            Predicate::Compare { left, op, right } => {
                let l = resolve(left, table, expression, n)?;
                let r = resolve(right, table, expression, n)?;
                compare(&l, *op, &r, n, expression)?
            }
            Predicate::In { operand, values } => {
                let l = resolve(operand, table, expression, n)?;
                let mut acc = vec![false; n];
                for v in values {
                    let r = resolve(v, table, expression, n)?;
                    let hit = compare(&l, CompareOp::Eq, &r, n, expression)?;
                    acc.iter_mut().zip(hit).for_each(|(a, h)| *a |= h);
                }
                acc
            }
        })
    }
}

/// Parses `expression` and evaluates it on `table`.
pub fn select(table: &Table, expression: &str) -> Result<Vec<bool>> {
    Predicate::parse(expression)?.evaluate(table, expression)
}

enum Value<'a> {
    Col(&'a Column, &'a str),
    Num(f64),
    Text(&'a str),
}

fn resolve<'a>(o: &'a Operand, t: &'a Table, expr: &str, _n: usize) -> Result<Value<'a>> {
    Ok(match o {
        Operand::Column(c, at) => match t.column(c) {
            Ok(col) => Value::Col(col, c),
            Err(DataError::UnknownColumn {
                suggestion,
                available,
                ..
            }) => {
                let hint = match suggestion {
                    Some(s) => format!(
                        "unknown column `{c}` (did you mean `{s}`?); quote text values: '{c}'"
                    ),
                    None => format!(
                        "unknown column `{c}` (the columns are {}); quote text values: '{c}'",
                        crate::suggest::list(&available)
                    ),
                };
                return Err(filter_error(expr, *at, hint));
            }
            Err(e) => return Err(e),
        },
        Operand::Number(x) => Value::Num(*x),
        Operand::Text(s) => Value::Text(s),
    })
}

fn apply(op: CompareOp, o: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        CompareOp::Eq => o == Equal,
        CompareOp::Ne => o != Equal,
        CompareOp::Lt => o == Less,
        CompareOp::Le => o != Greater,
        CompareOp::Gt => o == Greater,
        CompareOp::Ge => o != Less,
    }
}

fn cmp_num(a: f64, op: CompareOp, b: f64) -> bool {
    a.partial_cmp(&b).is_some_and(|o| apply(op, o))
}

fn compare(l: &Value<'_>, op: CompareOp, r: &Value<'_>, n: usize, expr: &str) -> Result<Vec<bool>> {
    let mismatch = |a: &str, b: &str| {
        DataError::Usage(format!(
            "invalid row selection `{expr}`: cannot compare {a} with {b}"
        ))
    };
    Ok(match (l, r) {
        (Value::Col(Column::Num(a), _), Value::Num(b)) => {
            a.iter().map(|x| cmp_num(*x, op, *b)).collect()
        }
        (Value::Num(a), Value::Col(Column::Num(b), _)) => {
            b.iter().map(|x| cmp_num(*a, op, *x)).collect()
        }
        (Value::Col(Column::Num(a), _), Value::Col(Column::Num(b), _)) => a
            .iter()
            .zip(b.iter())
            .map(|(x, y)| cmp_num(*x, op, *y))
            .collect(),
        (Value::Col(Column::Str(s), _), Value::Text(t)) => {
            let outcome: Vec<Option<bool>> = s
                .levels
                .iter()
                .map(|lv| Some(apply(op, lv.as_str().cmp(t))))
                .collect();
            s.codes
                .iter()
                .map(|&c| outcome.get(c as usize).copied().flatten().unwrap_or(false))
                .collect()
        }
        (Value::Text(t), Value::Col(Column::Str(s), _)) => {
            let outcome: Vec<bool> = s
                .levels
                .iter()
                .map(|lv| apply(op, (*t).cmp(lv.as_str())))
                .collect();
            s.codes
                .iter()
                .map(|&c| outcome.get(c as usize).copied().unwrap_or(false))
                .collect()
        }
        (Value::Col(Column::Str(a), _), Value::Col(Column::Str(b), _)) => (0..n)
            .map(|i| match (a.get(i), b.get(i)) {
                (Some(x), Some(y)) => apply(op, x.cmp(y)),
                _ => false,
            })
            .collect(),
        (Value::Num(a), Value::Num(b)) => vec![cmp_num(*a, op, *b); n],
        (Value::Text(a), Value::Text(b)) => vec![apply(op, a.cmp(b)); n],
        (Value::Col(Column::Num(_), name), Value::Text(t))
        | (Value::Text(t), Value::Col(Column::Num(_), name)) => {
            return Err(mismatch(
                &format!("numeric column `{name}`"),
                &format!("text '{t}'"),
            ))
        }
        (Value::Col(Column::Str(_), name), Value::Num(x))
        | (Value::Num(x), Value::Col(Column::Str(_), name)) => {
            return Err(mismatch(
                &format!("text column `{name}`"),
                &format!("number {x} (quote it: '{x}')"),
            ))
        }
        (Value::Col(Column::Num(_), a), Value::Col(Column::Str(_), b))
        | (Value::Col(Column::Str(_), a), Value::Col(Column::Num(_), b)) => {
            return Err(mismatch(
                &format!("column `{a}`"),
                &format!("column `{b}` of another type"),
            ))
        }
        _ => return Err(mismatch("a number", "text")),
    })
}

/// The single part itself, or the parts joined by `join`.
fn one_or(mut parts: Vec<Predicate>, join: fn(Vec<Predicate>) -> Predicate) -> Predicate {
    if parts.len() == 1 {
        if let Some(p) = parts.pop() {
            return p;
        }
    }
    join(parts)
}

fn filter_error(expr: &str, at: usize, message: impl Into<String>) -> DataError {
    DataError::Filter {
        expression: expr.to_string(),
        position: expr[..at.min(expr.len())].chars().count(),
        message: message.into(),
    }
}

fn tokenize(src: &str) -> Result<Vec<(Tok, usize)>> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'(' => {
                out.push((Tok::LParen, i));
                i += 1;
            }
            b')' => {
                out.push((Tok::RParen, i));
                i += 1;
            }
            b',' => {
                out.push((Tok::Comma, i));
                i += 1;
            }
            b'=' | b'!' | b'<' | b'>' => {
                let two = bytes.get(i + 1) == Some(&b'=');
                let op = match (c, two) {
                    (b'=', true) => CompareOp::Eq,
                    (b'!', true) => CompareOp::Ne,
                    (b'<', true) => CompareOp::Le,
                    (b'>', true) => CompareOp::Ge,
                    (b'<', false) if bytes.get(i + 1) == Some(&b'>') => {
                        i += 1;
                        CompareOp::Ne
                    }
                    (b'<', false) => CompareOp::Lt,
                    (b'>', false) => CompareOp::Gt,
                    (b'=', false) => CompareOp::Eq,
                    _ => return Err(filter_error(src, i, "expected `!=`")),
                };
                out.push((Tok::Op(op), start));
                i += if two { 2 } else { 1 };
            }
            b'&' | b'|' => {
                let tok = if c == b'&' { Tok::And } else { Tok::Or };
                i += if bytes.get(i + 1) == Some(&c) { 2 } else { 1 };
                out.push((tok, start));
            }
            b'\'' | b'"' => {
                let end = src[i + 1..]
                    .find(c as char)
                    .ok_or_else(|| filter_error(src, i, "unterminated quoted text"))?;
                out.push((Tok::Text(src[i + 1..i + 1 + end].to_string()), start));
                i += end + 2;
            }
            b'0'..=b'9' | b'.' | b'-' | b'+' => {
                i += 1;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || bytes[i] == b'.'
                        || ((bytes[i] == b'-' || bytes[i] == b'+')
                            && matches!(bytes[i - 1], b'e' | b'E')))
                {
                    i += 1;
                }
                let text = &src[start..i];
                let v: f64 = text
                    .parse()
                    .map_err(|_| filter_error(src, start, format!("`{text}` is not a number")))?;
                out.push((Tok::Number(v), start));
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'.')
                {
                    i += 1;
                }
                let word = &src[start..i];
                let tok = match word.to_ascii_lowercase().as_str() {
                    "and" => Tok::And,
                    "or" => Tok::Or,
                    "not" => Tok::Not,
                    "in" => Tok::In,
                    _ => Tok::Ident(word.to_string()),
                };
                out.push((tok, start));
            }
            b'`' => {
                let end = src[i + 1..]
                    .find('`')
                    .ok_or_else(|| filter_error(src, i, "unterminated `quoted` column name"))?;
                out.push((Tok::Ident(src[i + 1..i + 1 + end].to_string()), start));
                i += end + 2;
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or('?');
                return Err(filter_error(src, i, format!("unexpected character `{ch}`")));
            }
        }
    }
    Ok(out)
}

impl Parser<'_> {
    fn error(&self, at: usize, msg: &str) -> DataError {
        filter_error(self.src, at, msg)
    }

    fn here(&self) -> usize {
        self.toks.get(self.pos).map_or(self.src.len(), |(_, p)| *p)
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    fn or(&mut self) -> Result<Predicate> {
        let mut parts = vec![self.and()?];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            parts.push(self.and()?);
        }
        Ok(one_or(parts, Predicate::Or))
    }

    fn and(&mut self) -> Result<Predicate> {
        let mut parts = vec![self.factor()?];
        while self.peek() == Some(&Tok::And) {
            self.pos += 1;
            parts.push(self.factor()?);
        }
        Ok(one_or(parts, Predicate::And))
    }

    /// Enters one more level of parentheses or `not`, refusing to go deeper than
    /// [`MAX_NESTING`].
    fn nest(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.error(
                self.here(),
                &format!(
                    "parentheses and `not` nest more than {MAX_NESTING} levels deep; simplify the expression"
                ),
            ));
        }
        Ok(())
    }

    fn factor(&mut self) -> Result<Predicate> {
        match self.peek() {
            Some(Tok::Not) => {
                self.nest()?;
                self.pos += 1;
                let inner = self.factor()?;
                self.depth -= 1;
                Ok(Predicate::Not(Box::new(inner)))
            }
            Some(Tok::LParen) => {
                self.nest()?;
                self.pos += 1;
                let e = self.or()?;
                if self.peek() != Some(&Tok::RParen) {
                    return Err(self.error(self.here(), "expected `)`"));
                }
                self.pos += 1;
                self.depth -= 1;
                Ok(e)
            }
            _ => self.comparison(),
        }
    }

    fn operand(&mut self) -> Result<Operand> {
        let at = self.here();
        let o = match self.peek() {
            Some(Tok::Ident(s)) => Operand::Column(s.clone(), at),
            Some(Tok::Number(v)) => Operand::Number(*v),
            Some(Tok::Text(s)) => Operand::Text(s.clone()),
            _ => return Err(self.error(at, "expected a column name, a number or 'quoted text'")),
        };
        self.pos += 1;
        Ok(o)
    }

    fn comparison(&mut self) -> Result<Predicate> {
        let left = self.operand()?;
        let negate = if self.peek() == Some(&Tok::Not) {
            self.pos += 1;
            if self.peek() != Some(&Tok::In) {
                return Err(self.error(self.here(), "expected `in` after `not`"));
            }
            true
        } else {
            false
        };
        match self.peek().cloned() {
            Some(Tok::Op(op)) => {
                self.pos += 1;
                let right = self.operand()?;
                Ok(Predicate::Compare { left, op, right })
            }
            Some(Tok::In) => {
                self.pos += 1;
                if self.peek() != Some(&Tok::LParen) {
                    return Err(self.error(self.here(), "expected `(` after `in`"));
                }
                self.pos += 1;
                let mut values = vec![self.operand()?];
                while self.peek() == Some(&Tok::Comma) {
                    self.pos += 1;
                    values.push(self.operand()?);
                }
                if self.peek() != Some(&Tok::RParen) {
                    return Err(self.error(self.here(), "expected `,` or `)`"));
                }
                self.pos += 1;
                let p = Predicate::In {
                    operand: left,
                    values,
                };
                Ok(if negate {
                    Predicate::Not(Box::new(p))
                } else {
                    p
                })
            }
            _ => Err(self.error(
                self.here(),
                "expected a comparison (==, !=, <, <=, >, >=) or `in (...)`",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::StrColumnBuilder;

    fn table() -> Table {
        let mut t = Table::new();
        t.push("trade", Column::numbers(vec![0.0, 5.0, f64::NAN, 2.0]))
            .unwrap();
        let mut b = StrColumnBuilder::default();
        for s in ["KOR", "JPN", "KOR", "CHN"] {
            b.push(Some(s));
        }
        t.push("exporter", Column::Str(b.finish())).unwrap();
        let mut b = StrColumnBuilder::default();
        for s in ["KOR", "KOR", "JPN", "KOR"] {
            b.push(Some(s));
        }
        t.push("importer", Column::Str(b.finish())).unwrap();
        t
    }

    #[test]
    fn and_or_in_and_column_comparisons() {
        let t = table();
        assert_eq!(select(&t, "trade > 0").unwrap(), [false, true, false, true]);
        assert_eq!(
            select(&t, "trade > 0 and exporter != importer").unwrap(),
            [false, true, false, true]
        );
        assert_eq!(
            select(&t, "exporter in ('KOR', 'CHN') or trade == 5").unwrap(),
            [true, true, true, true]
        );
        assert_eq!(
            select(&t, "exporter not in ('KOR')").unwrap(),
            [false, true, false, true]
        );
        assert_eq!(
            select(&t, "not (trade >= 2)").unwrap(),
            [true, false, true, false]
        );
    }

    #[test]
    fn missing_compares_false() {
        let t = table();
        assert_eq!(select(&t, "trade != 1").unwrap(), [true, true, false, true]);
    }

    #[test]
    fn errors_point_at_the_problem() {
        let t = table();
        let e = select(&t, "trade > 0 and exporter == KOR")
            .unwrap_err()
            .to_string();
        assert!(e.contains("quote text values"), "{e}");
        let e = Predicate::parse("trade > ").unwrap_err().to_string();
        assert!(e.contains("position 8"), "{e}");
        let e = select(&t, "trad > 0").unwrap_err().to_string();
        assert!(e.contains("did you mean `trade`"), "{e}");
        assert!(select(&t, "exporter > 3").is_err());
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let deep = format!("{}trade > 0{}", "(".repeat(10_000), ")".repeat(10_000));
        let e = Predicate::parse(&deep).unwrap_err().to_string();
        assert!(e.contains("nest more than 100 levels"), "{e}");
        let nots = format!("{}trade > 0", "not ".repeat(30_000));
        let e = Predicate::parse(&nots).unwrap_err().to_string();
        assert!(e.contains("nest more than 100 levels"), "{e}");
        // Up to the limit it works; `not` and parentheses count alike.
        let t = table();
        let ok = format!("{}trade > 0{}", "(".repeat(50), ")".repeat(50));
        let ok = format!("{}{ok}", "not not ".repeat(25));
        assert_eq!(select(&t, &ok).unwrap(), [false, true, false, true]);
    }

    #[test]
    fn long_chains_are_flat() {
        let t = table();
        let chain = vec!["trade > 0"; 20_000].join(" and ");
        let p = Predicate::parse(&chain).unwrap();
        assert!(matches!(&p, Predicate::And(parts) if parts.len() == 20_000));
        assert_eq!(p.evaluate(&t, &chain).unwrap(), [false, true, false, true]);
        let chain = vec!["trade == 5"; 20_000].join(" or ");
        assert_eq!(select(&t, &chain).unwrap(), [false, true, false, false]);
        assert_eq!(Predicate::parse(&chain).unwrap().columns(), ["trade"]);
    }
}
