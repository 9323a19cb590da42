//! `hallyu synth`: synthetic gravity panels.

use crate::args::SynthArgs;
use crate::commands::data::write_table;
use anyhow::Result;
use hallyu_data::synth::{generate, SynthOptions};

/// Runs the command.
pub fn run(a: SynthArgs) -> Result<u8> {
    let options = SynthOptions {
        countries: a.countries,
        years: a.years,
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
            a.years,
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
