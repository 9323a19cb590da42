//! Concordance (correlation) tables between classifications, and the mapping of a list of
//! codes from one classification to another through them.
//!
//! A table links the codes of two classifications whose scopes overlap: `970110` of
//! HS 2017 (paintings) is linked to `970121` and `970191` of HS 2022 (paintings over 100
//! years old, and others). A link says nothing about shares, so mapping a list of codes
//! through a table is exact only where the codes correspond one to one; [`CodeMap`] keeps
//! the links so that the caller can say where it is not.
//!
//! Built in ([`Concordance::builtin`]): the six UNSD correlation tables between adjacent
//! HS editions, HS 1992 to HS 2022 (`crates/data/reference/hs_concordance/`, see the
//! README there for the source and licence). A user table ([`Concordance::add_file`]) is a
//! CSV whose header names the two classifications and whose rows are pairs of codes:
//!
//! ```text
//! HS2022,HS2017
//! 970121,970110
//! 970191,970110
//! ```
//!
//! Editions may be spelled as sources spell them (`HS17`, `H5`, `HS 2017`); any other
//! header is taken as the name of a classification as the data's `classification` column
//! writes it. A user table replaces a built-in one between the same two classifications.
//! Mapping between classifications that no table links directly chains tables along the
//! shortest path (HS 2002 → HS 2007 → HS 2012 → HS 2017).

use super::editions::{classification_name, HsEdition};
use crate::error::DataError;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The built-in tables: (newer edition, older edition, gzipped CSV).
static BUILTIN: [(&str, &str, &[u8]); 6] = [
    (
        "HS1996",
        "HS1992",
        include_bytes!("../../reference/hs_concordance/HS1996_HS1992.csv.gz"),
    ),
    (
        "HS2002",
        "HS1996",
        include_bytes!("../../reference/hs_concordance/HS2002_HS1996.csv.gz"),
    ),
    (
        "HS2007",
        "HS2002",
        include_bytes!("../../reference/hs_concordance/HS2007_HS2002.csv.gz"),
    ),
    (
        "HS2012",
        "HS2007",
        include_bytes!("../../reference/hs_concordance/HS2012_HS2007.csv.gz"),
    ),
    (
        "HS2017",
        "HS2012",
        include_bytes!("../../reference/hs_concordance/HS2017_HS2012.csv.gz"),
    ),
    (
        "HS2022",
        "HS2017",
        include_bytes!("../../reference/hs_concordance/HS2022_HS2017.csv.gz"),
    ),
];

/// Where the built-in tables come from, as shown with a mapping.
const UNSD: &str = "UNSD correlation table";

/// The links between the codes of two classifications.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkTable {
    /// Classification of the first column (`HS2022`).
    pub from: String,
    /// Classification of the second column (`HS2017`).
    pub to: String,
    /// Where the table comes from: `UNSD correlation table HS2022–HS2017`, or the user's
    /// file.
    pub source: String,
    /// `(from code, to code)` pairs, sorted, without duplicates.
    pub links: Vec<(String, String)>,
    forward: HashMap<String, Vec<String>>,
    backward: HashMap<String, Vec<String>>,
}

impl LinkTable {
    fn new(from: String, to: String, source: String, mut links: Vec<(String, String)>) -> Self {
        links.sort_unstable();
        links.dedup();
        let mut forward: HashMap<String, Vec<String>> = HashMap::new();
        let mut backward: HashMap<String, Vec<String>> = HashMap::new();
        for (a, b) in &links {
            forward.entry(a.clone()).or_default().push(b.clone());
            backward.entry(b.clone()).or_default().push(a.clone());
        }
        LinkTable {
            from,
            to,
            source,
            links,
            forward,
            backward,
        }
    }

    /// Codes of `classification` linked to `code` of the other side (empty when `code`
    /// is not in the table).
    fn linked(&self, code: &str, towards: &str) -> &[String] {
        let side = if towards == self.to {
            &self.forward
        } else {
            &self.backward
        };
        side.get(code).map_or(&[], Vec::as_slice)
    }

    /// Every code of one side of the table.
    fn codes(&self, classification: &str) -> impl Iterator<Item = &String> {
        let side = if classification == self.from {
            &self.forward
        } else {
            &self.backward
        };
        side.keys()
    }

    fn joins(&self, a: &str, b: &str) -> bool {
        (self.from == a && self.to == b) || (self.from == b && self.to == a)
    }
}

/// A set of tables that codes can be mapped through.
#[derive(Debug, Clone, Default)]
pub struct Concordance {
    /// User tables first: on paths of equal length they are preferred.
    tables: Vec<Arc<LinkTable>>,
}

/// A list of codes mapped from one classification to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeMap {
    /// The classification of the codes given (`HS2022`).
    pub from: String,
    /// The classification mapped to (`HS2017`).
    pub to: String,
    /// The classifications passed through, `from` first and `to` last (`from` alone when
    /// they are the same).
    pub path: Vec<String>,
    /// The tables used, in order (empty when `from` and `to` are the same).
    pub tables: Vec<String>,
    /// For each code given, the codes of `to` linked to it (empty: no link).
    pub targets: BTreeMap<String, BTreeSet<String>>,
    /// For each code of `to` reached, every code of `from` linked to it, given or not.
    pub sources: BTreeMap<String, BTreeSet<String>>,
}

fn decompress(gz: &[u8]) -> std::io::Result<String> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(gz).read_to_string(&mut text)?;
    Ok(text)
}

fn builtin_tables() -> &'static [Arc<LinkTable>] {
    static TABLES: OnceLock<Vec<Arc<LinkTable>>> = OnceLock::new();
    TABLES.get_or_init(|| {
        BUILTIN
            .iter()
            .map(|(new, old, gz)| {
                // The embedded files are checked by this module's tests; an error here is
                // a defect of the build, never of the user's input.
                let name = format!("<built-in {new}_{old}.csv.gz>");
                let table = decompress(gz)
                    .map_err(|e| e.to_string())
                    .and_then(|text| {
                        parse_table(&text, Path::new(&name), format!("{UNSD} {new}–{old}"))
                            .map_err(|e| e.to_string())
                    })
                    .unwrap_or_else(|e| panic!("embedded concordance table is invalid: {e}"));
                Arc::new(table)
            })
            .collect()
    })
}

impl Concordance {
    /// The UNSD correlation tables between adjacent HS editions, HS 1992 to HS 2022.
    pub fn builtin() -> Concordance {
        Concordance {
            tables: builtin_tables().to_vec(),
        }
    }

    /// No table at all: only codes of the same classification map.
    pub fn empty() -> Concordance {
        Concordance::default()
    }

    /// Adds the table of a CSV file (see the module documentation); it replaces a table
    /// between the same two classifications.
    pub fn add_file(self, path: &Path) -> Result<Concordance, DataError> {
        let text = std::fs::read_to_string(path).map_err(|source| DataError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let table = parse_table(&text, path, format!("{}", path.display()))?;
        Ok(self.with_table(table))
    }

    /// Adds a table; it replaces a table between the same two classifications.
    pub fn with_table(mut self, table: LinkTable) -> Concordance {
        self.tables.retain(|t| !t.joins(&table.from, &table.to));
        self.tables.insert(0, Arc::new(table));
        self
    }

    /// The tables, user tables first.
    pub fn tables(&self) -> impl Iterator<Item = &LinkTable> {
        self.tables.iter().map(|t| t.as_ref())
    }

    /// Every classification some table links (canonical names, sorted).
    pub fn classifications(&self) -> BTreeSet<String> {
        self.tables
            .iter()
            .flat_map(|t| [t.from.clone(), t.to.clone()])
            .collect()
    }

    /// The codes of a classification as the tables know them: every code on its side of
    /// any table. Empty for a classification no table links.
    pub fn codes_of(&self, classification: &str) -> BTreeSet<String> {
        let c = classification_name(classification);
        self.tables
            .iter()
            .filter(|t| t.from == c || t.to == c)
            .flat_map(|t| t.codes(&c).cloned().collect::<Vec<_>>())
            .collect()
    }

    /// The shortest chain of tables from one classification to another: the tables'
    /// indexes and the classification each step arrives at. `Some(empty)` when they are
    /// the same; `None` when no chain links them.
    fn route(&self, from: &str, to: &str) -> Option<Vec<(usize, String)>> {
        if from == to {
            return Some(Vec::new());
        }
        // Breadth first over classifications; tables in order, so user tables win ties.
        let mut came_from: HashMap<String, (usize, String)> = HashMap::new();
        let mut queue = VecDeque::from([from.to_string()]);
        while let Some(at) = queue.pop_front() {
            for (i, t) in self.tables.iter().enumerate() {
                let next = if t.from == at {
                    &t.to
                } else if t.to == at {
                    &t.from
                } else {
                    continue;
                };
                if next == from || came_from.contains_key(next) {
                    continue;
                }
                came_from.insert(next.clone(), (i, at.clone()));
                if next == to {
                    let mut steps = vec![(i, to.to_string())];
                    let mut back = at.clone();
                    while back != from {
                        let (j, prev) = came_from.get(&back)?.clone();
                        steps.push((j, back));
                        back = prev;
                    }
                    steps.reverse();
                    return Some(steps);
                }
                queue.push_back(next.clone());
            }
        }
        None
    }

    /// Whether codes of `from` can be mapped to `to` (names as sources write them).
    pub fn links(&self, from: &str, to: &str) -> bool {
        self.route(&classification_name(from), &classification_name(to))
            .is_some()
    }

    /// Number of tables on the shortest chain from `from` to `to` (0: the same), or `None`.
    pub fn distance(&self, from: &str, to: &str) -> Option<usize> {
        self.route(&classification_name(from), &classification_name(to))
            .map(|r| r.len())
    }

    /// Maps `codes` of `from` to `to` along the shortest chain of tables; `None` when no
    /// chain links the two classifications.
    pub fn map(&self, codes: &[String], from: &str, to: &str) -> Option<CodeMap> {
        let (from, to) = (classification_name(from), classification_name(to));
        let route = self.route(&from, &to)?;
        let mut path = vec![from.clone()];
        path.extend(route.iter().map(|(_, c)| c.clone()));
        let tables = route
            .iter()
            .map(|(i, _)| self.tables[*i].source.clone())
            .collect();
        // Walks a set of codes along the route, forwards or backwards.
        let walk = |start: BTreeSet<String>, forwards: bool| -> BTreeSet<String> {
            let steps: Vec<(usize, &str)> = if forwards {
                route.iter().map(|(i, c)| (*i, c.as_str())).collect()
            } else {
                route
                    .iter()
                    .enumerate()
                    .rev()
                    .map(|(k, (i, _))| (*i, path[k].as_str()))
                    .collect()
            };
            steps.iter().fold(start, |set, (i, towards)| {
                set.iter()
                    .flat_map(|c| self.tables[*i].linked(c, towards).iter().cloned())
                    .collect()
            })
        };
        let mut targets = BTreeMap::new();
        let mut reached = BTreeSet::new();
        for code in codes {
            let t = walk(BTreeSet::from([code.clone()]), true);
            reached.extend(t.iter().cloned());
            targets.insert(code.clone(), t);
        }
        let sources = reached
            .into_iter()
            .map(|t| {
                let s = walk(BTreeSet::from([t.clone()]), false);
                (t, s)
            })
            .collect();
        Some(CodeMap {
            from,
            to,
            path,
            tables,
            targets,
            sources,
        })
    }
}

fn table_error(path: &Path, line: Option<u64>, message: String) -> DataError {
    DataError::Reference {
        path: PathBuf::from(path),
        line,
        message,
    }
}

/// A code as a table writes it: six digits for an HS edition (a five-digit number is a
/// code that lost its leading zero in a spreadsheet), any non-empty text otherwise.
fn table_code(raw: &str, hs: bool) -> Result<String, String> {
    let code = raw.trim();
    if !hs {
        return if code.is_empty() {
            Err("empty code".into())
        } else {
            Ok(code.to_string())
        };
    }
    let digits = code.bytes().all(|b| b.is_ascii_digit());
    match code.len() {
        6 if digits => Ok(code.to_string()),
        5 if digits => Ok(format!("0{code}")),
        _ => Err(format!("`{code}` is not a six-digit HS code")),
    }
}

/// Parses a concordance CSV: a header naming two classifications, then pairs of codes.
/// Errors name the file, the line and the value.
pub fn parse_table(text: &str, path: &Path, source: String) -> Result<LinkTable, DataError> {
    let err = |line: Option<u64>, m: String| table_error(path, line, m);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| err(Some(1), e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let [a, b] = header.as_slice() else {
        return Err(err(
            Some(1),
            format!(
                "a concordance table has two columns, named after the two classifications \
                 (e.g. `HS2022,HS2017`); found {} column(s): {}",
                header.len(),
                header.join(",")
            ),
        ));
    };
    if a.is_empty() || b.is_empty() {
        return Err(err(
            Some(1),
            "name both columns after their classification (e.g. `HS2022,HS2017`)".into(),
        ));
    }
    let (from, to) = (classification_name(a), classification_name(b));
    if from == to {
        return Err(err(
            Some(1),
            format!("both columns name the classification {from}"),
        ));
    }
    let hs = |c: &str| HsEdition::parse(c).is_some();
    let mut links = Vec::new();
    for record in reader.records() {
        let r = record.map_err(|e| err(e.position().map(|p| p.line()), e.to_string()))?;
        let line = r.position().map(|p| p.line());
        let code = |k: usize, class: &str| {
            table_code(r.get(k).unwrap_or(""), hs(class))
                .map_err(|m| err(line, format!("column {class}: {m}")))
        };
        links.push((code(0, &from)?, code(1, &to)?));
    }
    if links.is_empty() {
        return Err(err(None, "the table has no links".into()));
    }
    Ok(LinkTable::new(from, to, source, links))
}

#[cfg(test)]
mod tests;
