//! fixest-style model formulas.
//!
//! ```text
//! formula  := lhs "~" rhs ["|" fixef ("+" fixef)*]
//! rhs      := term (("+" | "-") term)*       "1" / "0" / "-1" control the intercept
//! term     := factor (":" factor)*            product of numeric factors
//! factor   := column | func "(" column ")" | "i(" column ["," column] ["," "ref" "=" value] ")"
//! func     := log | exp | sqrt | abs
//! fixef    := column ("^" column)*            interactions of categorical columns
//! ```
//! The intercept is included only when there are no fixed effects and it is not removed
//! with `-1` or `+0` (fixed effects absorb it).

use crate::{EstimateError, Result};
use serde::{Deserialize, Serialize};

/// A numeric expression on one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Expr {
    /// The column itself.
    Column(String),
    /// A function applied to a column.
    Call(Func, String),
}

/// Element-wise functions allowed in formulas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Func {
    /// Natural logarithm; zero and negative values become missing.
    Log,
    /// Exponential.
    Exp,
    /// Square root; negative values become missing.
    Sqrt,
    /// Absolute value.
    Abs,
}

impl Func {
    fn from_name(s: &str) -> Option<Func> {
        match s {
            "log" | "ln" => Some(Func::Log),
            "exp" => Some(Func::Exp),
            "sqrt" => Some(Func::Sqrt),
            "abs" => Some(Func::Abs),
            _ => None,
        }
    }

    /// Name as written in term labels.
    pub fn name(self) -> &'static str {
        match self {
            Func::Log => "log",
            Func::Exp => "exp",
            Func::Sqrt => "sqrt",
            Func::Abs => "abs",
        }
    }

    /// Applies the function; values outside its domain give NaN (treated as missing).
    pub fn apply(self, x: f64) -> f64 {
        match self {
            Func::Log if x > 0.0 => x.ln(),
            Func::Log => f64::NAN,
            Func::Exp => x.exp(),
            Func::Sqrt if x >= 0.0 => x.sqrt(),
            Func::Sqrt => f64::NAN,
            Func::Abs => x.abs(),
        }
    }
}

impl Expr {
    /// The column the expression reads.
    pub fn column(&self) -> &str {
        match self {
            Expr::Column(c) | Expr::Call(_, c) => c,
        }
    }

    /// Label as fixest writes it.
    pub fn label(&self) -> String {
        match self {
            Expr::Column(c) => c.clone(),
            Expr::Call(f, c) => format!("{}({c})", f.name()),
        }
    }
}

/// One right-hand-side term.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Term {
    /// A product of numeric expressions (`x`, `log(x)`, `x:z`).
    Product(Vec<Expr>),
    /// `i(factor)` dummies, or `i(factor, var)` slopes of `var` per level of `factor`.
    Categorical {
        /// The categorical column.
        factor: String,
        /// Optional numeric variable interacted with the dummies.
        var: Option<Expr>,
        /// Reference level left out (default: the first level when `var` is absent).
        reference: Option<String>,
    },
}

/// A parsed formula. Serialises as its text; deserialising parses it (a formula that does
/// not parse is a serde error carrying the parser's message).
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    /// The text as given.
    pub text: String,
    /// The outcome.
    pub outcome: Expr,
    /// Right-hand-side terms, in order.
    pub terms: Vec<Term>,
    /// Whether an intercept column `(Intercept)` is estimated.
    pub intercept: bool,
    /// Fixed-effect dimensions, each a list of interacted columns (`a^b` → `[a, b]`).
    pub fixed_effects: Vec<Vec<String>>,
    /// Terms and fixed effects written more than once, as `(label, extra copies)`. Only the
    /// first copy is kept: a repeated regressor is perfectly collinear with itself, and
    /// thousands of copies would cost a demeaning each before being found collinear.
    pub repeated: Vec<(String, usize)>,
}

/// A string in fixest syntax (the text; whether it parses is checked when read).
impl schemars::JsonSchema for Formula {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Formula".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A formula in fixest syntax (`y ~ x1 + log(x2) | fe1 + a^b`).",
            "type": "string",
        })
    }
}

impl Serialize for Formula {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Formula {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Formula::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Formula {
    /// Parses fixest syntax.
    pub fn parse(text: &str) -> Result<Formula> {
        Parser::new(text)?.formula()
    }

    /// Every column the formula reads.
    pub fn columns(&self) -> Vec<String> {
        let mut out = vec![self.outcome.column().to_string()];
        for t in &self.terms {
            match t {
                Term::Product(es) => out.extend(es.iter().map(|e| e.column().to_string())),
                Term::Categorical { factor, var, .. } => {
                    out.push(factor.clone());
                    if let Some(v) = var {
                        out.push(v.column().to_string());
                    }
                }
            }
        }
        for fe in &self.fixed_effects {
            out.extend(fe.iter().cloned());
        }
        let mut seen = std::collections::HashSet::new();
        out.retain(|c| seen.insert(c.clone()));
        out
    }

    /// Name of a fixed-effect dimension as written (`exporter^year`).
    pub fn fe_name(fe: &[String]) -> String {
        fe.join("^")
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Number(String),
    Text(String),
    Tilde,
    Plus,
    Minus,
    Colon,
    Caret,
    Bar,
    LParen,
    RParen,
    Comma,
    Equals,
    End,
}

struct Parser<'a> {
    text: &'a str,
    toks: Vec<(Tok, usize)>,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Result<Self> {
        let mut toks = Vec::new();
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut i = 0;
        let col = |byte: usize| text[..byte].chars().count();
        while i < chars.len() {
            let (b, c) = chars[i];
            let single = match c {
                '~' => Some(Tok::Tilde),
                '+' => Some(Tok::Plus),
                '-' => Some(Tok::Minus),
                ':' => Some(Tok::Colon),
                '^' => Some(Tok::Caret),
                '|' => Some(Tok::Bar),
                '(' => Some(Tok::LParen),
                ')' => Some(Tok::RParen),
                ',' => Some(Tok::Comma),
                '=' => Some(Tok::Equals),
                _ => None,
            };
            if let Some(t) = single {
                toks.push((t, col(b)));
                i += 1;
            } else if c.is_whitespace() {
                i += 1;
            } else if c == '\'' || c == '"' {
                let start = i;
                i += 1;
                while i < chars.len() && chars[i].1 != c {
                    i += 1;
                }
                if i >= chars.len() {
                    return Err(error(text, col(b), "unterminated quoted text"));
                }
                let s: String = chars[start + 1..i].iter().map(|x| x.1).collect();
                toks.push((Tok::Text(s), col(b)));
                i += 1;
            } else if c.is_ascii_digit() || c == '.' {
                let start = i;
                while i < chars.len() && (chars[i].1.is_ascii_alphanumeric() || chars[i].1 == '.') {
                    i += 1;
                }
                let s: String = chars[start..i].iter().map(|x| x.1).collect();
                if s.chars().all(|ch| ch.is_ascii_digit() || ch == '.') {
                    toks.push((Tok::Number(s), col(b)));
                } else {
                    toks.push((Tok::Ident(s), col(b)));
                }
            } else if c.is_alphanumeric() || c == '_' {
                let start = i;
                while i < chars.len()
                    && (chars[i].1.is_alphanumeric() || chars[i].1 == '_' || chars[i].1 == '.')
                {
                    i += 1;
                }
                let s: String = chars[start..i].iter().map(|x| x.1).collect();
                toks.push((Tok::Ident(s), col(b)));
            } else if c == '`' {
                let start = i;
                i += 1;
                while i < chars.len() && chars[i].1 != '`' {
                    i += 1;
                }
                if i >= chars.len() {
                    return Err(error(text, col(b), "unterminated `quoted` column name"));
                }
                let s: String = chars[start + 1..i].iter().map(|x| x.1).collect();
                toks.push((Tok::Ident(s), col(b)));
                i += 1;
            } else {
                return Err(error(text, col(b), &format!("unexpected character `{c}`")));
            }
        }
        toks.push((Tok::End, text.chars().count()));
        Ok(Parser { text, toks, pos: 0 })
    }

    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }

    fn peek2(&self) -> &Tok {
        self.toks.get(self.pos + 1).map_or(&Tok::End, |t| &t.0)
    }

    fn at(&self) -> usize {
        self.toks[self.pos].1
    }

    fn bump(&mut self) -> Tok {
        let t = self.toks[self.pos].0.clone();
        if t != Tok::End {
            self.pos += 1;
        }
        t
    }

    fn fail<T>(&self, msg: &str) -> Result<T> {
        Err(error(self.text, self.at(), msg))
    }

    fn expect(&mut self, t: Tok, what: &str) -> Result<()> {
        if *self.peek() == t {
            self.bump();
            Ok(())
        } else {
            self.fail(&format!("expected {what}"))
        }
    }

    fn ident(&mut self, what: &str) -> Result<String> {
        match self.peek().clone() {
            Tok::Ident(s) => {
                self.bump();
                Ok(s)
            }
            _ => self.fail(&format!("expected {what}")),
        }
    }

    fn formula(mut self) -> Result<Formula> {
        if *self.peek() == Tok::Tilde {
            return self.fail("the outcome is missing before `~`");
        }
        let outcome = self.expr()?;
        if *self.peek() != Tok::Tilde {
            return self.fail("expected `~` after the outcome");
        }
        self.bump();
        let mut terms = Vec::new();
        let mut intercept = true;
        let mut first = true;
        loop {
            let negative = match self.peek() {
                Tok::Plus if !first => {
                    self.bump();
                    false
                }
                Tok::Minus => {
                    self.bump();
                    true
                }
                _ if first => false,
                _ => break,
            };
            first = false;
            match self.peek().clone() {
                Tok::Number(n) if n == "1" || n == "0" => {
                    self.bump();
                    if n == "0" || negative {
                        intercept = false;
                    }
                }
                Tok::Number(_) => {
                    return self.fail("only 1 and 0 (intercept on/off) are allowed as numbers")
                }
                _ if negative => return self.fail("only the intercept (`-1`) can be removed"),
                _ => terms.push(self.term()?),
            }
        }
        let mut fixed_effects = Vec::new();
        if *self.peek() == Tok::Bar {
            self.bump();
            loop {
                let mut fe = vec![self.ident("a fixed-effect column")?];
                while *self.peek() == Tok::Caret {
                    self.bump();
                    fe.push(self.ident("a column after `^`")?);
                }
                fixed_effects.push(fe);
                if *self.peek() == Tok::Plus {
                    self.bump();
                } else {
                    break;
                }
            }
        }
        match self.peek() {
            Tok::End => {}
            Tok::Bar => return self.fail("only one `|` part (fixed effects) is supported"),
            _ => return self.fail("unexpected text; terms are joined with `+`"),
        }
        if terms.is_empty() && fixed_effects.is_empty() && !intercept {
            return Err(error(
                self.text,
                0,
                "the model has no regressors, no intercept and no fixed effects",
            ));
        }
        if !fixed_effects.is_empty() {
            intercept = false;
        }
        let mut repeated = Vec::new();
        let terms = first_copies(terms, term_key, &mut repeated);
        let fixed_effects = first_copies(
            fixed_effects,
            |fe| {
                let mut cols = fe.clone();
                cols.sort();
                format!("fixed effect {}", cols.join("^"))
            },
            &mut repeated,
        );
        Ok(Formula {
            text: self.text.to_string(),
            outcome,
            terms,
            intercept,
            fixed_effects,
            repeated,
        })
    }

    fn expr(&mut self) -> Result<Expr> {
        let name = self.ident("a column name")?;
        if *self.peek() == Tok::LParen {
            let Some(f) = Func::from_name(&name) else {
                let at = self.toks[self.pos - 1].1;
                return Err(error(
                    self.text,
                    at,
                    &format!("unknown function `{name}`; available: log, exp, sqrt, abs, i"),
                ));
            };
            self.bump();
            let col = self.ident("a column name inside the parentheses")?;
            self.expect(Tok::RParen, "`)`")?;
            Ok(Expr::Call(f, col))
        } else {
            Ok(Expr::Column(name))
        }
    }

    fn term(&mut self) -> Result<Term> {
        if let (Tok::Ident(name), Tok::LParen) = (self.peek().clone(), self.peek2().clone()) {
            if name == "i" {
                return self.categorical();
            }
        }
        let mut factors = vec![self.expr()?];
        while *self.peek() == Tok::Colon {
            self.bump();
            factors.push(self.expr()?);
        }
        Ok(Term::Product(factors))
    }

    fn categorical(&mut self) -> Result<Term> {
        self.bump();
        self.bump();
        let factor = self.ident("a categorical column in i()")?;
        let mut var = None;
        let mut reference = None;
        while *self.peek() == Tok::Comma {
            self.bump();
            if let (Tok::Ident(k), Tok::Equals) = (self.peek().clone(), self.peek2().clone()) {
                if k != "ref" {
                    return self.fail("the only named argument of i() is `ref`");
                }
                self.bump();
                self.bump();
                reference = Some(match self.bump() {
                    Tok::Number(n) => n,
                    Tok::Text(s) | Tok::Ident(s) => s,
                    _ => {
                        self.pos -= 1;
                        return self.fail("expected the reference level");
                    }
                });
            } else if var.is_none() {
                var = Some(self.expr()?);
            } else {
                return self.fail("i() takes a factor, an optional variable and `ref = level`");
            }
        }
        self.expect(Tok::RParen, "`)` closing i(")?;
        Ok(Term::Categorical {
            factor,
            var,
            reference,
        })
    }
}

/// What makes two terms the same regressor: a product does not depend on the order of its
/// factors (`x:z` is `z:x`).
fn term_key(t: &Term) -> String {
    match t {
        Term::Product(es) => {
            let mut labels: Vec<String> = es.iter().map(Expr::label).collect();
            labels.sort();
            labels.join(":")
        }
        Term::Categorical {
            factor,
            var,
            reference,
        } => {
            let mut s = format!("i({factor}");
            if let Some(v) = var {
                s.push_str(&format!(", {}", v.label()));
            }
            if let Some(r) = reference {
                s.push_str(&format!(", ref = {r}"));
            }
            s.push(')');
            s
        }
    }
}

/// Keeps the first copy of each item (by `key`), in order, and records how many extra
/// copies each repeated one had.
fn first_copies<T>(
    items: Vec<T>,
    key: impl Fn(&T) -> String,
    repeated: &mut Vec<(String, usize)>,
) -> Vec<T> {
    let mut seen = std::collections::HashSet::new();
    let mut kept = Vec::new();
    let start = repeated.len();
    for item in items {
        let k = key(&item);
        if seen.insert(k.clone()) {
            kept.push(item);
        } else if let Some(r) = repeated[start..].iter_mut().find(|(l, _)| *l == k) {
            r.1 += 1;
        } else {
            repeated.push((k, 1));
        }
    }
    kept
}

fn error(text: &str, position: usize, message: &str) -> EstimateError {
    EstimateError::Formula {
        formula: text.to_string(),
        position,
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_formula_is_written_and_read_as_its_text() {
        let text =
            "log(trade) ~ log(dist) + cntg + dist + dist + i(year, ref = 2000) | exporter^year";
        let f = Formula::parse(text).unwrap();
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(json, serde_json::to_string(text).unwrap());
        assert_eq!(serde_json::from_str::<Formula>(&json).unwrap(), f);
        let e = serde_json::from_str::<Formula>("\"y ~ x +\"").unwrap_err();
        assert!(e.to_string().contains("invalid formula"), "{e}");
    }

    #[test]
    fn parses_fixest_syntax() {
        let f = Formula::parse(
            "log(trade) ~ log(dist) + cntg + x4:x5 + i(year, log_dist) | exp_year + importer^year",
        )
        .unwrap();
        assert_eq!(f.outcome, Expr::Call(Func::Log, "trade".into()));
        assert_eq!(f.terms.len(), 4);
        assert!(!f.intercept);
        assert_eq!(
            f.fixed_effects,
            vec![
                vec!["exp_year".to_string()],
                vec!["importer".into(), "year".into()]
            ]
        );
        assert_eq!(
            f.columns(),
            ["trade", "dist", "cntg", "x4", "x5", "year", "log_dist", "exp_year", "importer"]
        );
    }

    #[test]
    fn intercept_rules() {
        assert!(Formula::parse("y ~ x").unwrap().intercept);
        assert!(!Formula::parse("y ~ x - 1").unwrap().intercept);
        assert!(!Formula::parse("y ~ 0 + x").unwrap().intercept);
        let f = Formula::parse("y ~ 1 | a + b").unwrap();
        assert!(f.terms.is_empty() && !f.intercept);
        let f = Formula::parse("y ~ i(g, ref = 'x')").unwrap();
        assert_eq!(
            f.terms[0],
            Term::Categorical {
                factor: "g".into(),
                var: None,
                reference: Some("x".into())
            }
        );
    }

    #[test]
    fn repeated_terms_are_kept_once_and_counted() {
        let text = format!(
            "y ~ rta{} + x:z + z:x | a^b + b^a + c",
            " + rta".repeat(1999)
        );
        let f = Formula::parse(&text).unwrap();
        assert_eq!(
            f.terms,
            [
                Term::Product(vec![Expr::Column("rta".into())]),
                Term::Product(vec![Expr::Column("x".into()), Expr::Column("z".into())]),
            ]
        );
        assert_eq!(f.fixed_effects.len(), 2);
        assert_eq!(
            f.repeated,
            [
                ("rta".to_string(), 1999),
                ("x:z".to_string(), 1),
                ("fixed effect a^b".to_string(), 1)
            ]
        );
        assert!(Formula::parse("y ~ x + log(x) | a")
            .unwrap()
            .repeated
            .is_empty());
    }

    #[test]
    fn errors_carry_a_caret_position() {
        let cases = [
            ("y ~ x +", 7),
            ("y x", 2),
            ("~ x", 0),
            ("y ~ x | a ^", 11),
            ("y ~ foo(x)", 4),
            ("y ~ x $ z", 6),
            ("y ~ x | a | b", 10),
        ];
        for (f, pos) in cases {
            match Formula::parse(f) {
                Err(EstimateError::Formula { position, .. }) => assert_eq!(position, pos, "{f}"),
                other => panic!("{f}: expected a formula error, got {other:?}"),
            }
        }
        let msg = Formula::parse("y ~ x +").unwrap_err().to_string();
        assert!(msg.ends_with("       ^"), "{msg}");
    }
}
