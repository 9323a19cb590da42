//! The native framework format, TOML: the index, its aggregates and indicators, the unit
//! data's group and denominator columns, and the steps of the build in the order given.
//!
//! ```toml
//! groups = ["bloc"]              # unit groupings (for group-wise imputation)
//! denominators = ["gdp"]         # denominator columns of the data
//!
//! [index]
//! code = "Index"
//! name = "Creative-trade scoreboard"
//!
//! [[aggregate]]
//! code = "Performance"
//! parent = "Index"
//!
//! [[indicator]]
//! code = "growth"
//! name = "Export growth, % a year"
//! parent = "Performance"
//! direction = 1                  # -1 when less is better; default 1
//! weight = 1                     # relative to its siblings; default 1
//! target = 5                     # optional: for `dist2targ`; also goalpost_lower,
//!                                # goalpost_upper, goalpost_scale, goalpost_trunc2posts,
//!                                # dist2targ_cap_max, scaled_lower, scaled_upper,
//!                                # scale_factor (COINr's iMeta names)
//!
//! [[step]]                      # the steps, in order, one per table (all optional)
//! impute = "group-mean:bloc"
//! [[step]]
//! treat = "default"
//! [[step]]
//! normalise = "minmax:0,100"
//! ```
//!
//! Levels follow from the tree: indicators are level 1, an aggregate one above its highest
//! child.

use crate::framework::{Framework, Node};
use crate::{IndexError, Result};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

/// A step of a build that produces a data set, or one of the aggregation's settings.
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
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// Division by denominators (data set `Denominated`).
    Denominate,
    /// Imputation (`Imputed`).
    Impute,
    /// Screening of units by data availability (`Screened`).
    Screen,
    /// Outlier treatment (`Treated`).
    Treat,
    /// Normalisation (`Normalised`).
    Normalise,
    /// Where the weights come from (no data set).
    Weights,
    /// Aggregation (`Aggregated`, always last).
    Aggregate,
}

impl Step {
    /// Every step, in COINr's default order.
    pub const ALL: [Step; 7] = [
        Step::Denominate,
        Step::Impute,
        Step::Screen,
        Step::Treat,
        Step::Normalise,
        Step::Weights,
        Step::Aggregate,
    ];

    /// The steps that produce a data set before aggregation, in COINr's default order.
    pub const DATA: [Step; 5] = [
        Step::Denominate,
        Step::Impute,
        Step::Screen,
        Step::Treat,
        Step::Normalise,
    ];

    /// The step's key in a framework file (`normalise`).
    pub fn key(self) -> &'static str {
        match self {
            Step::Denominate => "denominate",
            Step::Impute => "impute",
            Step::Screen => "screen",
            Step::Treat => "treat",
            Step::Normalise => "normalise",
            Step::Weights => "weights",
            Step::Aggregate => "aggregate",
        }
    }

    /// The data set the step produces (`Normalised`).
    pub fn dataset(self) -> &'static str {
        match self {
            Step::Denominate => "Denominated",
            Step::Impute => "Imputed",
            Step::Screen => "Screened",
            Step::Treat => "Treated",
            Step::Normalise => "Normalised",
            Step::Weights => "Weights",
            Step::Aggregate => "Aggregated",
        }
    }
}

/// One step as a framework file gives it: the step and its method, written as on the
/// command line (`group-mean:bloc`, `0.9`, `minmax:0,100`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct StepSetting {
    /// The step.
    pub step: Step,
    /// Its method.
    pub method: String,
}

/// A framework file: the framework and the steps it asks for, in its order.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameworkFile {
    /// The tree.
    pub framework: Framework,
    /// The steps, in the order given (possibly none).
    pub steps: Vec<StepSetting>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    index: IndexEntry,
    #[serde(default)]
    aggregate: Vec<Entry>,
    #[serde(default)]
    indicator: Vec<Entry>,
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    denominators: Vec<String>,
    /// `[[step]]` tables, one step each, in order.
    #[serde(default, rename = "step")]
    steps: Vec<toml::Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexEntry {
    code: String,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    code: String,
    #[serde(default)]
    name: Option<String>,
    parent: String,
    #[serde(default)]
    weight: Option<f64>,
    #[serde(default)]
    direction: Option<f64>,
    #[serde(default)]
    denominator: Option<String>,
    // Parameters of the normalisations that read them per indicator (COINr's iMeta names).
    #[serde(default)]
    target: Option<f64>,
    #[serde(default)]
    dist2targ_cap_max: Option<bool>,
    #[serde(default)]
    goalpost_lower: Option<f64>,
    #[serde(default)]
    goalpost_upper: Option<f64>,
    #[serde(default)]
    goalpost_scale: Option<f64>,
    #[serde(default)]
    goalpost_trunc2posts: Option<bool>,
    #[serde(default)]
    scaled_lower: Option<f64>,
    #[serde(default)]
    scaled_upper: Option<f64>,
    #[serde(default)]
    scale_factor: Option<f64>,
}

/// Most nodes a framework file may hold: far above any real framework, it bounds what a
/// file can make the build allocate.
const MAX_NODES: usize = 100_000;

impl FrameworkFile {
    /// Reads a framework file.
    pub fn read(path: &Path) -> Result<FrameworkFile> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| IndexError::Framework(format!("cannot read {}: {e}", path.display())))?;
        FrameworkFile::parse(&text)
            .map_err(|e| IndexError::Framework(format!("{}: {}", path.display(), message(&e))))
    }

    /// Parses a framework file's text.
    pub fn parse(text: &str) -> Result<FrameworkFile> {
        let file: File = toml::from_str(text)
            .map_err(|e| IndexError::Framework(e.to_string().trim_end().to_string()))?;
        let n = file.aggregate.len() + file.indicator.len();
        if n > MAX_NODES {
            return Err(IndexError::Framework(format!(
                "{n} aggregates and indicators: at most {MAX_NODES}"
            )));
        }
        let steps = steps(&file.steps)?;
        let framework = framework(file)?;
        Ok(FrameworkFile { framework, steps })
    }
}

fn message(e: &IndexError) -> String {
    match e {
        IndexError::Framework(m) => m.clone(),
        other => other.to_string(),
    }
}

fn steps(tables: &[toml::Table]) -> Result<Vec<StepSetting>> {
    let mut out: Vec<StepSetting> = Vec::new();
    for (i, t) in tables.iter().enumerate() {
        let mut keys = t.iter();
        let (Some((key, value)), None) = (keys.next(), keys.next()) else {
            return Err(IndexError::Framework(format!(
                "[[step]] number {}: one step per table, e.g. impute = \"mean\"; this one has {}",
                i + 1,
                t.len()
            )));
        };
        let step = Step::ALL
            .into_iter()
            .find(|s| s.key() == key)
            .ok_or_else(|| {
                let hint = hallyu_data::nearest(key, Step::ALL.iter().map(|s| s.key()))
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                IndexError::Framework(format!(
                    "[[step]] number {}: `{key}` is not a step{hint}; the steps are {}",
                    i + 1,
                    Step::ALL.map(Step::key).join(", ")
                ))
            })?;
        let method = match value {
            toml::Value::String(s) => s.clone(),
            toml::Value::Float(x) => x.to_string(),
            toml::Value::Integer(x) => x.to_string(),
            toml::Value::Boolean(b) if step == Step::Denominate => {
                if *b { "meta" } else { "none" }.to_string()
            }
            other => {
                return Err(IndexError::Framework(format!(
                    "[[step]] number {}: `{key}` holds a TOML {}, not a method; write it as on the command line, e.g. {key} = \"{}\"",
                    i + 1,
                    other.type_str(),
                    example(step)
                )))
            }
        };
        if out.iter().any(|s| s.step == step) {
            return Err(IndexError::Framework(format!(
                "[[step]] number {}: `{key}` is given twice",
                i + 1
            )));
        }
        if out.iter().any(|s| s.step == Step::Aggregate) {
            return Err(IndexError::Framework(format!(
                "[[step]] number {}: `{key}` comes after `aggregate`, which is the last step",
                i + 1
            )));
        }
        out.push(StepSetting { step, method });
    }
    Ok(out)
}

fn example(step: Step) -> &'static str {
    match step {
        Step::Denominate => "meta",
        Step::Impute => "group-mean:bloc",
        Step::Screen => "0.9",
        Step::Treat => "default",
        Step::Normalise => "minmax:0,100",
        Step::Weights => "equal",
        Step::Aggregate => "amean",
    }
}

fn framework(file: File) -> Result<Framework> {
    let node = |e: &Entry, indicator: bool| -> Result<Node> {
        let weight = e.weight.unwrap_or(1.0);
        if !(weight.is_finite() && weight >= 0.0) {
            return Err(IndexError::Framework(format!(
                "`{}` has weight {weight}; weights are zero or positive",
                e.code
            )));
        }
        let direction = e.direction.unwrap_or(1.0);
        if direction != 1.0 && direction != -1.0 {
            return Err(IndexError::Framework(format!(
                "`{}` has direction {direction}; directions are 1 or -1",
                e.code
            )));
        }
        let per_indicator = e.direction.is_some()
            || e.denominator.is_some()
            || e.target.is_some()
            || e.goalpost_lower.is_some()
            || e.goalpost_upper.is_some()
            || e.scaled_lower.is_some()
            || e.scaled_upper.is_some();
        if !indicator && per_indicator {
            return Err(IndexError::Framework(format!(
                "aggregate `{}` has a direction, denominator, target, goalposts or scale: those belong to indicators",
                e.code
            )));
        }
        Ok(Node {
            code: e.code.clone(),
            name: e.name.clone().unwrap_or_else(|| e.code.clone()),
            level: 1,
            direction,
            weight,
            parent: Some(e.parent.clone()),
            denominator: e.denominator.clone(),
            target: e.target,
            dist2targ_cap_max: e.dist2targ_cap_max,
            goalpost_lower: e.goalpost_lower,
            goalpost_upper: e.goalpost_upper,
            goalpost_scale: e.goalpost_scale,
            goalpost_trunc2posts: e.goalpost_trunc2posts,
            scaled_lower: e.scaled_lower,
            scaled_upper: e.scaled_upper,
            scale_factor: e.scale_factor,
        })
    };
    let indicators: Vec<Node> = file
        .indicator
        .iter()
        .map(|e| node(e, true))
        .collect::<Result<_>>()?;
    let mut aggregates: Vec<Node> = file
        .aggregate
        .iter()
        .map(|e| node(e, false))
        .collect::<Result<_>>()?;
    aggregates.push(Node {
        code: file.index.code.clone(),
        name: file
            .index
            .name
            .clone()
            .unwrap_or_else(|| file.index.code.clone()),
        level: 1,
        direction: 1.0,
        weight: 1.0,
        parent: None,
        ..Default::default()
    });
    for d in indicators.iter().filter_map(|n| n.denominator.as_ref()) {
        if !file.denominators.contains(d) {
            return Err(IndexError::Framework(format!(
                "an indicator is divided by `{d}`, which is not in `denominators` ({})",
                if file.denominators.is_empty() {
                    "none listed".to_string()
                } else {
                    file.denominators.join(", ")
                }
            )));
        }
    }
    levels(&indicators, &mut aggregates)?;
    aggregates.sort_by_key(|n| n.level);
    let fw = Framework {
        indicators,
        aggregates,
        groups: file.groups,
        denominators: file.denominators,
    };
    fw.validate()?;
    Ok(fw)
}

/// Sets each aggregate's level to one above its highest child, bottom up; an aggregate
/// never reached is in a cycle, under one, or without children.
fn levels(indicators: &[Node], aggregates: &mut [Node]) -> Result<()> {
    let index_of: HashMap<String, usize> = aggregates
        .iter()
        .enumerate()
        .map(|(i, n)| (n.code.clone(), i))
        .collect();
    if index_of.len() != aggregates.len() {
        let mut seen = std::collections::HashSet::new();
        let twice = aggregates
            .iter()
            .find(|n| !seen.insert(n.code.as_str()))
            .map_or("", |n| n.code.as_str());
        return Err(IndexError::Framework(format!(
            "the code `{twice}` is used twice"
        )));
    }
    let parent_of = |n: &Node| -> Result<Option<usize>> {
        match &n.parent {
            None => Ok(None),
            Some(p) => match index_of.get(p) {
                Some(&i) => Ok(Some(i)),
                None => {
                    let hint = hallyu_data::nearest(p, index_of.keys().map(String::as_str))
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                    Err(IndexError::Framework(format!(
                        "`{}` has parent `{p}`, which is not an aggregate or the index{hint}",
                        n.code
                    )))
                }
            },
        }
    };
    // Children not yet placed, per aggregate; an aggregate is placed when none is left.
    let mut pending = vec![0usize; aggregates.len()];
    let mut level = vec![1u32; aggregates.len()];
    let mut ready: Vec<(usize, u32)> = Vec::new();
    for n in indicators {
        if let Some(p) = parent_of(n)? {
            pending[p] += 1;
        }
    }
    let parents: Vec<Option<usize>> = aggregates.iter().map(parent_of).collect::<Result<_>>()?;
    for p in parents.iter().flatten() {
        pending[*p] += 1;
    }
    if let Some(a) = (0..aggregates.len()).find(|&a| pending[a] == 0) {
        return Err(IndexError::Framework(format!(
            "aggregate `{}` has no children: give it indicators or aggregates (parent = \"{}\"), or remove it",
            aggregates[a].code, aggregates[a].code
        )));
    }
    for n in indicators {
        if let Some(p) = parent_of(n)? {
            ready.push((p, 1));
        }
    }
    let mut placed = vec![false; aggregates.len()];
    while let Some((a, child_level)) = ready.pop() {
        level[a] = level[a].max(child_level + 1);
        pending[a] -= 1;
        if pending[a] == 0 {
            placed[a] = true;
            if let Some(p) = parents[a] {
                ready.push((p, level[a]));
            }
        }
    }
    if let Some(a) = (0..aggregates.len()).find(|&a| !placed[a]) {
        // Every unplaced aggregate has an unplaced child aggregate (childless ones were
        // refused above), so walking down through them must come back: a cycle.
        let mut path = vec![a];
        loop {
            let at = path[path.len() - 1];
            let Some(child) = (0..aggregates.len()).find(|&c| !placed[c] && parents[c] == Some(at))
            else {
                return Err(IndexError::Framework(format!(
                    "aggregate `{}` cannot be placed in the tree",
                    aggregates[at].code
                )));
            };
            if let Some(start) = path.iter().position(|&x| x == child) {
                let cycle: Vec<&str> = path[start..]
                    .iter()
                    .chain(std::iter::once(&child))
                    .map(|&i| aggregates[i].code.as_str())
                    .collect();
                return Err(IndexError::Framework(format!(
                    "the aggregates form a cycle (each the parent of the next): {}",
                    cycle.join(" → ")
                )));
            }
            path.push(child);
        }
    }
    for (n, l) in aggregates.iter_mut().zip(level) {
        n.level = l;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const THREE_LEVELS: &str = r#"
groups = ["bloc"]
denominators = ["gdp"]

[index]
code = "Index"
name = "Scoreboard"

[[aggregate]]
code = "Pillar"
parent = "Index"
weight = 2

[[aggregate]]
code = "Sub"
parent = "Pillar"

[[indicator]]
code = "a"
parent = "Sub"
denominator = "gdp"

[[indicator]]
code = "b"
parent = "Sub"
direction = -1
weight = 0.5

[[indicator]]
code = "c"
parent = "Index"

[[step]]
treat = "none"
[[step]]
impute = "mean"
[[step]]
screen = 0.5
[[step]]
denominate = false
"#;

    fn error(text: &str) -> String {
        match FrameworkFile::parse(text) {
            Ok(_) => panic!("expected an error for:\n{text}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn levels_follow_the_tree_and_fields_their_defaults() {
        let f = FrameworkFile::parse(THREE_LEVELS).expect("parses");
        let fw = &f.framework;
        let level = |code: &str| {
            fw.aggregates
                .iter()
                .find(|n| n.code == code)
                .map(|n| n.level)
        };
        // Sub holds indicators (2), Pillar holds Sub (3), the index holds Pillar (4) and
        // an indicator directly.
        assert_eq!(level("Sub"), Some(2));
        assert_eq!(level("Pillar"), Some(3));
        assert_eq!(level("Index"), Some(4));
        assert_eq!(fw.index().code, "Index");
        assert_eq!(fw.index().name, "Scoreboard");
        let b = &fw.indicators[1];
        assert_eq!((b.direction, b.weight), (-1.0, 0.5));
        assert_eq!(fw.indicators[0].denominator.as_deref(), Some("gdp"));
        assert_eq!(fw.indicators[2].weight, 1.0);
        assert_eq!(fw.groups, vec!["bloc".to_string()]);
        let steps: Vec<(Step, &str)> = f
            .steps
            .iter()
            .map(|s| (s.step, s.method.as_str()))
            .collect();
        assert_eq!(
            steps,
            vec![
                (Step::Treat, "none"),
                (Step::Impute, "mean"),
                (Step::Screen, "0.5"),
                (Step::Denominate, "none")
            ]
        );
    }

    #[test]
    fn a_cycle_is_named_in_order() {
        let text = r#"
[index]
code = "I"
[[aggregate]]
code = "A"
parent = "B"
[[aggregate]]
code = "B"
parent = "A"
[[indicator]]
code = "x"
parent = "A"
[[indicator]]
code = "y"
parent = "I"
"#;
        let e = error(text);
        assert!(
            e.contains("cycle") && (e.contains("A → B → A") || e.contains("B → A → B")),
            "{e}"
        );
    }

    #[test]
    fn orphans_unknown_parents_and_childless_aggregates_are_refused() {
        let e =
            error("[index]\ncode = \"Index\"\n[[indicator]]\ncode = \"x\"\nparent = \"Idnex\"\n");
        assert!(
            e.contains("`Idnex`") && e.contains("did you mean `Index`"),
            "{e}"
        );
        let e = error(
            "[index]\ncode = \"I\"\n[[aggregate]]\ncode = \"Empty\"\nparent = \"I\"\n[[indicator]]\ncode = \"x\"\nparent = \"I\"\n",
        );
        assert!(e.contains("`Empty` has no children"), "{e}");
        let e = error("[index]\ncode = \"I\"\n[[indicator]]\ncode = \"x\"\n");
        assert!(e.contains("parent"), "{e}");
        let e = error(
            "[index]\ncode = \"I\"\n[[indicator]]\ncode = \"x\"\nparent = \"I\"\n[[indicator]]\ncode = \"y\"\nparent = \"x\"\n",
        );
        assert!(e.contains("`y` has parent `x`"), "{e}");
    }

    #[test]
    fn bad_fields_name_the_line_and_the_node() {
        let e = error(
            "[index]\ncode = \"I\"\n[[indicator]]\ncode = \"x\"\nparent = \"I\"\nwieght = 2\n",
        );
        assert!(e.contains("wieght") && e.contains("line 6"), "{e}");
        let e = error(
            "[index]\ncode = \"I\"\n[[indicator]]\ncode = \"x\"\nparent = \"I\"\ndirection = 2\n",
        );
        assert!(e.contains("`x` has direction 2"), "{e}");
        let e = error(
            "[index]\ncode = \"I\"\n[[indicator]]\ncode = \"x\"\nparent = \"I\"\nweight = -1\n",
        );
        assert!(e.contains("`x` has weight -1"), "{e}");
        let e = error("[index]\ncode = \"I\"\n[[indicator]]\ncode = \"x\"\nparent = \"I\"\ndenominator = \"pop\"\n");
        assert!(e.contains("`pop`") && e.contains("denominators"), "{e}");
        let e = error("[index]\ncode = \"I\"\n[[indicator]]\ncode = \"I\"\nparent = \"I\"\n");
        assert!(e.contains("`I` is used twice"), "{e}");
    }

    #[test]
    fn steps_are_one_per_entry_known_once_and_aggregation_last() {
        let base = "[index]\ncode = \"I\"\n[[indicator]]\ncode = \"x\"\nparent = \"I\"\n";
        // Each `{...}` becomes one `[[step]]` table.
        let with = |steps: &str| {
            let tables: String = steps
                .trim_matches(|c| c == '[' || c == ']')
                .split("}, {")
                .map(|t| {
                    let body = t.trim_matches(|c| c == '{' || c == '}' || c == ' ');
                    format!("[[step]]\n{}\n", body.replace(", ", "\n"))
                })
                .collect();
            format!("{base}{tables}")
        };
        let e = error(&with("[{ imptue = \"mean\" }]"));
        assert!(
            e.contains("`imptue` is not a step (did you mean `impute`?)"),
            "{e}"
        );
        let e = error(&with("[{ impute = \"mean\", treat = \"none\" }]"));
        assert!(e.contains("one step per table"), "{e}");
        let e = error(&with("[{ impute = \"mean\" }, { impute = \"median\" }]"));
        assert!(e.contains("`impute` is given twice"), "{e}");
        let e = error(&with("[{ aggregate = \"amean\" }, { treat = \"none\" }]"));
        assert!(e.contains("after `aggregate`"), "{e}");
        let e = error(&format!("{base}[[step]]\nimpute = [1]\n"));
        assert!(
            e.contains("`impute` holds a TOML array, not a method"),
            "{e}"
        );
    }
}
