//! `hallyu synth`: synthetic gravity panels.

use crate::args::SynthArgs;
use crate::commands::data::write_table;
use crate::exit::{usage, usage_bail};
use crate::output::write_atomic;
use anyhow::{Context, Result};
use hallyu_data::synth::{generate, SynthOptions};
use hallyu_data::synth_graph::{generate_graph, GraphKind};

/// Runs the command.
pub fn run(a: SynthArgs) -> Result<u8> {
    if a.baci {
        return baci(&a);
    }
    if let Some(kind) = &a.graph {
        return graph(&a, kind);
    }
    let years = match &a.years {
        None => 25,
        Some(y) => y
            .trim()
            .parse::<usize>()
            .map_err(|_| usage(format!("--years `{y}` is not a number of years")))?,
    };
    let options = SynthOptions {
        countries: a.countries,
        years,
        first_year: a.first_year,
        products: a.products,
        seed: a.seed,
        rta_effect: a.rta_effect,
        zero_share: a.zero_share,
        ..SynthOptions::default()
    };
    let spinner = crate::progress::Spinner::new("generating panel", a.quiet);
    let table = generate(&options)?;
    spinner.set(format!("writing {}", a.out.display()));
    write_table(&table, &a.out)?;
    drop(spinner);
    if !a.quiet {
        let zeros = table
            .num("trade")
            .map(|t| t.iter().filter(|v| **v == 0.0).count())
            .unwrap_or(0);
        eprintln!(
            "wrote {} rows ({} countries x {} countries x {} years{}; {:.1}% zero flows) to {}",
            table.nrows(),
            a.countries,
            a.countries,
            years,
            if a.products > 1 {
                format!(" x {} products", a.products)
            } else {
                String::new()
            },
            100.0 * zeros as f64 / table.nrows().max(1) as f64,
            a.out.display()
        );
    }
    Ok(0)
}

/// The years of `--years` with `--baci`: `2021`, `2019-2021` or `2019,2021`.
fn baci_years(text: Option<&str>) -> Result<Vec<i32>> {
    let text = text.unwrap_or("2021").trim();
    let year = |s: &str| -> Result<i32> {
        s.trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (1900..=2100).contains(y))
            .ok_or_else(|| {
                usage(format!(
                    "--years: `{s}` is not a year (e.g. 2021, 2019-2021, 2019,2021)"
                ))
            })
    };
    let years: Vec<i32> = if let Some((a, b)) = text.split_once('-') {
        let (a, b) = (year(a)?, year(b)?);
        if a > b {
            usage_bail!("--years: {a}-{b} runs backwards");
        }
        (a..=b).collect()
    } else {
        text.split(',').map(year).collect::<Result<_>>()?
    };
    Ok(years)
}

/// `hallyu synth --baci`: a BACI-format release folder.
fn baci(a: &SynthArgs) -> Result<u8> {
    use hallyu_data::synth_baci::{
        universe, write_country_codes, write_product_codes, write_year, BaciSynthOptions,
    };
    let years = baci_years(a.years.as_deref())?;
    let options = BaciSynthOptions {
        rows: a.rows.unwrap_or(11_000_000),
        countries: a.countries,
        // The panel's default of one product means "BACI's usual ~5,000" here.
        products: if a.products == 1 { 5_000 } else { a.products },
        seed: a.seed,
    };
    let u = universe(&options)?;
    std::fs::create_dir_all(&a.out)
        .with_context(|| format!("cannot create {}", a.out.display()))?;
    let release = "V202401";
    write_atomic(&a.out.join(format!("country_codes_{release}.csv")), |f| {
        Ok(write_country_codes(&u, std::io::BufWriter::new(f))?)
    })?;
    write_atomic(
        &a.out.join(format!("product_codes_HS17_{release}.csv")),
        |f| Ok(write_product_codes(&u, std::io::BufWriter::new(f))?),
    )?;
    for year in years {
        let name = format!("BACI_HS17_Y{year}_{release}.csv");
        let spinner = crate::progress::Spinner::new(&format!("writing {name}"), a.quiet);
        let mut rows = 0;
        write_atomic(&a.out.join(&name), |f| {
            rows = write_year(
                &u,
                &options,
                year,
                std::io::BufWriter::with_capacity(1 << 20, f),
            )?;
            Ok(())
        })?;
        drop(spinner);
        if !a.quiet {
            eprintln!("wrote {rows} flows to {}", a.out.join(&name).display());
        }
    }
    Ok(0)
}

/// `--graph KIND`: a panel on a hard fixed-effect graph.
fn graph(a: &SynthArgs, kind: &str) -> Result<u8> {
    let Some(k) = GraphKind::from_name(kind) else {
        let names: Vec<&str> = GraphKind::ALL.iter().map(|k| k.name()).collect();
        usage_bail!(
            "--graph {kind}: not a graph; the graphs are {}",
            names.join(", ")
        );
    };
    let rows = a.rows.unwrap_or(1_000_000);
    let spinner = crate::progress::Spinner::new("generating panel", a.quiet);
    let table = generate_graph(k, rows, a.seed)?;
    spinner.set(format!("writing {}", a.out.display()));
    write_table(&table, &a.out)?;
    drop(spinner);
    if !a.quiet {
        eprintln!(
            "wrote {} rows on the {} graph to {} (fit y ~ x | fe1 + fe2; true coefficient 0.3)",
            table.nrows(),
            k.name(),
            a.out.display()
        );
    }
    Ok(0)
}
