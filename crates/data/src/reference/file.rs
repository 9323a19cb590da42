//! Reading reference files: blocs and product groups (TOML) and creative-goods
//! classifications (CSV), built in or the user's.

use super::blocs::{Bloc, Membership};
use super::countries::{countries, country_by_iso3};
use super::editions::HsEdition;
use super::groups::{CreativeCode, ProductGroup, CREATIVE_GROUPS};
use super::hs::check_hs_prefix;
use crate::error::DataError;
use crate::nearest;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    bloc: Vec<BlocDef>,
    #[serde(default)]
    product_group: Vec<GroupDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BlocDef {
    name: Spanned<String>,
    #[serde(default)]
    description: String,
    source: Option<String>,
    members: Vec<MemberDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberDef {
    iso3: Spanned<String>,
    from: Spanned<i32>,
    to: Option<Spanned<i32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupDef {
    name: Spanned<String>,
    #[serde(default)]
    description: String,
    source: Option<String>,
    hs_version: Option<String>,
    codes: Vec<Spanned<String>>,
}

/// Blocs and product groups of one file.
pub(crate) struct Parsed {
    pub blocs: Vec<Bloc>,
    pub groups: Vec<ProductGroup>,
}

struct Ctx<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Ctx<'_> {
    fn line(&self, byte: usize) -> u64 {
        let end = byte.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
            + 1
    }

    fn err(&self, byte: Option<usize>, message: String) -> DataError {
        DataError::Reference {
            path: self.path.to_path_buf(),
            line: byte.map(|b| self.line(b)),
            message,
        }
    }
}

/// Parses a blocs/product-groups TOML file; `path` names it in errors and is the default
/// `source` of what it defines.
pub(crate) fn parse_toml(text: &str, path: &Path) -> Result<Parsed, DataError> {
    let ctx = Ctx { path, text };
    let file: File = toml::from_str(text).map_err(|e| {
        ctx.err(
            e.span().map(|s| s.start),
            e.message().trim_end().to_string(),
        )
    })?;
    let default_source = format!("user file {}", path.display());
    let mut blocs = Vec::new();
    for b in file.bloc {
        let name = check_name(&ctx, &b.name, "bloc")?;
        if blocs.iter().any(|x: &Bloc| x.name == name) {
            return Err(ctx.err(
                Some(b.name.span().start),
                format!("bloc `{name}` is defined twice"),
            ));
        }
        let mut members = Vec::with_capacity(b.members.len());
        for m in b.members {
            let code = m.iso3.get_ref().trim();
            let Some(country) = country_by_iso3(code) else {
                return Err(ctx.err(
                    Some(m.iso3.span().start),
                    format!(
                        "bloc `{name}`: unknown ISO3 code `{code}`{}",
                        suggest_iso3(code)
                    ),
                ));
            };
            let from = *m.from.get_ref();
            let to = m.to.as_ref().map(|t| *t.get_ref());
            for (year, span) in std::iter::once((from, m.from.span()))
                .chain(m.to.as_ref().map(|t| (*t.get_ref(), t.span())))
            {
                if !(1800..=2200).contains(&year) {
                    return Err(ctx.err(
                        Some(span.start),
                        format!("bloc `{name}`, {code}: year {year} is out of range"),
                    ));
                }
            }
            if let Some(to) = to {
                if to < from {
                    return Err(ctx.err(
                        Some(m.from.span().start),
                        format!("bloc `{name}`, {code}: `to` ({to}) is before `from` ({from})"),
                    ));
                }
            }
            members.push(Membership {
                iso3: country.iso3.clone(),
                from,
                to,
            });
        }
        blocs.push(Bloc {
            name,
            description: b.description,
            source: b.source.unwrap_or_else(|| default_source.clone()),
            members,
        });
    }
    let mut groups = Vec::new();
    for g in file.product_group {
        let name = check_name(&ctx, &g.name, "product group")?;
        if groups.iter().any(|x: &ProductGroup| x.name == name) {
            return Err(ctx.err(
                Some(g.name.span().start),
                format!("product group `{name}` is defined twice"),
            ));
        }
        if g.codes.is_empty() {
            return Err(ctx.err(
                Some(g.name.span().start),
                format!("product group `{name}` has no codes"),
            ));
        }
        let mut codes = Vec::with_capacity(g.codes.len());
        for c in g.codes {
            let code = c.get_ref().trim();
            check_hs_prefix(code).map_err(|m| {
                ctx.err(Some(c.span().start), format!("product group `{name}`: {m}"))
            })?;
            codes.push(code.to_string());
        }
        let hs_version = match g.hs_version {
            Some(v) => Some(check_edition(&v).map_err(|m| {
                ctx.err(
                    Some(g.name.span().start),
                    format!("product group `{name}`: {m}"),
                )
            })?),
            None => None,
        };
        groups.push(ProductGroup {
            name,
            description: g.description,
            source: g.source.unwrap_or_else(|| default_source.clone()),
            hs_version,
            codes,
        });
    }
    Ok(Parsed { blocs, groups })
}

fn check_name(ctx: &Ctx, name: &Spanned<String>, kind: &str) -> Result<String, DataError> {
    let n = name.get_ref().trim().to_lowercase();
    let ok = !n.is_empty()
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+-.".contains(c));
    if ok {
        Ok(n)
    } else {
        Err(ctx.err(
            Some(name.span().start),
            format!(
                "{kind} name `{}`: use letters, digits and `_ + - .` only",
                name.get_ref()
            ),
        ))
    }
}

/// " (did you mean `KOR`?)" for a mistyped ISO3 code or a country name.
pub(crate) fn suggest_iso3(code: &str) -> String {
    let by_name = countries()
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case(code))
        .map(|c| c.iso3.clone());
    // Swapped letters (KRO for KOR) are the commonest slip with three-letter codes, and
    // plain edit distance ranks them behind unrelated codes one substitution away (FRO).
    let upper = code.trim().to_ascii_uppercase();
    let sorted = |s: &str| {
        let mut b = s.as_bytes().to_vec();
        b.sort_unstable();
        b
    };
    let anagram = || {
        countries()
            .iter()
            .find(|c| c.iso3 != upper && sorted(&c.iso3) == sorted(&upper))
            .map(|c| c.iso3.clone())
    };
    let guess = by_name
        .or_else(anagram)
        .or_else(|| nearest(code, countries().iter().map(|c| c.iso3.as_str())));
    match guess {
        Some(g) => format!(" (did you mean `{g}`?)"),
        None => String::new(),
    }
}

/// `HS2022`, `hs2017`, `HS 2002`, `HS17`, `H5` → `HS2022`, `HS2017`, `HS2002`, `HS2017`.
pub(crate) fn check_edition(v: &str) -> Result<String, String> {
    match HsEdition::parse(v) {
        Some(e) => Ok(e.name().to_string()),
        None => Err(format!(
            "unknown HS edition `{v}`: use one of {}",
            HsEdition::ALL.map(HsEdition::name).join(", ")
        )),
    }
}

/// Parses a classification CSV: header `hs6,group` and optionally `subgroup`,
/// `hs_version` (and, in the built-in file, `editions` and `basis`).
pub(crate) fn parse_classification(
    text: &str,
    path: &Path,
    builtin: bool,
) -> Result<Vec<CreativeCode>, DataError> {
    let err = |line: Option<u64>, message: String| DataError::Reference {
        path: PathBuf::from(path),
        line,
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| err(Some(1), e.to_string()))?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let allowed: &[&str] = if builtin {
        &["hs6", "group", "subgroup", "editions", "basis"]
    } else {
        &["hs6", "group", "subgroup", "hs_version"]
    };
    if let Some(h) = header.iter().find(|h| !allowed.contains(&h.as_str())) {
        return Err(err(
            Some(1),
            format!(
                "unknown column `{h}`: the columns are {}",
                allowed.join(", ")
            ),
        ));
    }
    let (Some(hs6_col), Some(group_col)) = (col("hs6"), col("group")) else {
        return Err(err(
            Some(1),
            "the header must name the columns `hs6` and `group`".to_string(),
        ));
    };
    let (sub_col, ver_col, ed_col, basis_col) = (
        col("subgroup"),
        col("hs_version"),
        col("editions"),
        col("basis"),
    );
    let mut out = Vec::new();
    for record in reader.records() {
        let r = record.map_err(|e| {
            let line = e.position().map(|p| p.line());
            err(line, e.to_string())
        })?;
        let line = r.position().map(|p| p.line());
        let get = |c: Option<usize>| c.and_then(|c| r.get(c)).unwrap_or("");
        let mut hs6 = get(Some(hs6_col)).to_string();
        if hs6.len() == 5 && hs6.bytes().all(|b| b.is_ascii_digit()) {
            hs6.insert(0, '0');
        }
        if hs6.len() != 6 || !hs6.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err(line, format!("`{hs6}` is not a six-digit HS code")));
        }
        let raw_group = get(Some(group_col)).to_ascii_lowercase();
        let group = raw_group
            .strip_prefix("creative.")
            .unwrap_or(&raw_group)
            .to_string();
        if group != "none" && !CREATIVE_GROUPS.iter().any(|(g, _)| *g == group) {
            let names = CREATIVE_GROUPS.iter().map(|(g, _)| *g);
            let hint = match nearest(&group, names) {
                Some(s) => format!(" (did you mean `{s}`?)"),
                None => String::new(),
            };
            return Err(err(
                line,
                format!(
                    "unknown creative-goods group `{raw_group}`{hint}; the groups are {}, or `none` to drop the code",
                    CREATIVE_GROUPS.map(|(g, _)| g).join(", ")
                ),
            ));
        }
        let subgroup = match get(sub_col).to_ascii_lowercase() {
            s if s.is_empty() => None,
            s => Some(s.replace([' ', '-'], "_")),
        };
        let editions = if builtin {
            get(ed_col).split_whitespace().map(str::to_string).collect()
        } else {
            match get(ver_col) {
                "" => vec![super::groups::DEFAULT_EDITION.to_string()],
                v => vec![check_edition(v).map_err(|m| err(line, m))?],
            }
        };
        let basis = if builtin {
            get(basis_col).to_string()
        } else {
            "user".to_string()
        };
        out.push(CreativeCode {
            hs6,
            group,
            subgroup,
            editions,
            basis,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Parsed, DataError> {
        parse_toml(text, Path::new("mine.toml"))
    }

    #[test]
    fn user_file_with_blocs_and_groups() {
        let p = parse(
            r#"
[[bloc]]
name = "My_Bloc"
description = "test"
members = [{ iso3 = "kor", from = 2006 }, { iso3 = "AGO", from = 2010, to = 2020 }]

[[product_group]]
name = "kbeauty"
codes = ["3304", "330510"]
"#,
        )
        .unwrap();
        assert_eq!(p.blocs.len(), 1);
        let b = &p.blocs[0];
        assert_eq!(b.name, "my_bloc");
        assert_eq!(b.source, "user file mine.toml");
        assert_eq!(b.members_in(2005), Vec::<&str>::new());
        assert_eq!(b.members_in(2010), vec!["AGO", "KOR"]);
        assert_eq!(b.members_in(2021), vec!["KOR"]);
        let g = &p.groups[0];
        assert_eq!((g.name.as_str(), g.hs_version.as_ref()), ("kbeauty", None));
        assert!(g.contains("330499") && g.contains("330510") && !g.contains("330520"));
    }

    #[test]
    fn unknown_iso3_names_file_line_bloc_and_nearest_code() {
        let e =
            parse("[[bloc]]\nname = \"x\"\nmembers = [\n  { iso3 = \"KRO\", from = 2000 },\n]\n")
                .err()
                .unwrap()
                .to_string();
        assert_eq!(
            e,
            "mine.toml, line 4: bloc `x`: unknown ISO3 code `KRO` (did you mean `KOR`?)"
        );
        let e = parse("[[bloc]]\nname = \"x\"\nmembers = [{ iso3 = \"Japan\", from = 2000 }]\n")
            .err()
            .unwrap()
            .to_string();
        assert!(
            e.ends_with("unknown ISO3 code `Japan` (did you mean `JPN`?)"),
            "{e}"
        );
    }

    #[test]
    fn invalid_files_are_errors_with_lines() {
        let cases = [
            (
                "[[bloc]]\nname = \"x\"\nmembers = [{ iso3 = \"KOR\", from = 2010, to = 2000 }]\n",
                "line 3: bloc `x`, KOR: `to` (2000) is before `from` (2010)",
            ),
            (
                "[[bloc]]\nname = \"x\"\nmembers = [{ iso3 = \"KOR\", since = 2010 }]\n",
                "line 3",
            ),
            ("[[blocs]]\nname = \"x\"\n", "line 1"),
            (
                "[[product_group]]\nname = \"g\"\ncodes = [\"330\"]\n",
                "line 3: product group `g`: `330` is not an HS code",
            ),
            (
                "[[product_group]]\nname = \"g\"\ncodes = []\n",
                "line 2: product group `g` has no codes",
            ),
            (
                "[[product_group]]\nname = \"g\"\nhs_version = \"HS2023\"\ncodes = [\"33\"]\n",
                "unknown HS edition `HS2023`",
            ),
            (
                "[[bloc]]\nname = \"a b\"\nmembers = []\n",
                "line 2: bloc name `a b`",
            ),
            (
                "[[bloc]]\nname = \"a\"\nmembers = []\n[[bloc]]\nname = \"A\"\nmembers = []\n",
                "line 5: bloc `a` is defined twice",
            ),
            ("name = ", "line 1"),
        ];
        for (text, want) in cases {
            let e = parse(text).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(e.starts_with("mine.toml"), "{text:?}: {e}");
            assert!(e.contains(want), "{text:?}: got {e:?}, want {want:?}");
        }
    }

    #[test]
    fn classification_csv_rows_and_errors() {
        let p = Path::new("c.csv");
        let rows = parse_classification(
            "hs6,group,subgroup,hs_version\n330499,design,K-beauty,\n10121,creative.art_crafts,,HS2017\n950300,none,,\n",
            p,
            false,
        )
        .unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].subgroup.as_deref(), Some("k_beauty"));
        assert_eq!(rows[0].editions, ["HS2022"]);
        assert_eq!(
            (rows[1].hs6.as_str(), rows[1].group.as_str()),
            ("010121", "art_crafts")
        );
        assert_eq!(rows[1].editions, ["HS2017"]);
        assert_eq!(rows[2].group, "none");
        let bad = [
            ("hs6,grp\n", "line 1: unknown column `grp`"),
            ("hs6\n", "line 1: the header must name"),
            ("group,subgroup\n", "line 1: the header must name"),
            (
                "hs6,group\n3304,design\n",
                "line 2: `3304` is not a six-digit HS code",
            ),
            (
                "hs6,group\n330499,desing\n",
                "line 2: unknown creative-goods group `desing` (did you mean `design`?)",
            ),
            (
                "hs6,group,hs_version\n330499,design,HS1\n",
                "line 2: unknown HS edition",
            ),
            ("hs6,group\n330499,design,extra\n", "line 2"),
        ];
        for (text, want) in bad {
            let e = parse_classification(text, p, false)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(
                e.starts_with("c.csv") && e.contains(want),
                "{text:?}: got {e:?}"
            );
        }
    }
}
