# COINr's sensitivity analysis of its ASEM example, written out for a run-by-run comparison
# with `hallyu index sensitivity --replay`.
#
#   Rscript bench/index/coinr/sensitivity.R OUTDIR [N] [SEED] [IMPUTE]
#
# OUTDIR  where the files go (created)
# N       Saltelli base sample; N·(d + 2) = 6N runs (default 100)
# SEED    set.seed before the weights and the design are drawn (default 1)
# IMPUTE  "plain": i_mean vs i_median (the group of the nominal build's i_mean_grp dropped
#         from the runs' log, since i_mean/i_median take no group); "group": i_mean_grp vs
#         i_median_grp by EurAsia_group (the nominal among the alternatives). Default plain.
#
# COINr is loaded from R_LIBS / .libPaths() (compare.sh sets R_LIBS=/tmp/coinr-lib).
#
# The uncertain inputs, in this order (the vignette's, with imputation in place of winmax,
# which hallyu's replay has no column for):
#   Imputation    $Log$Impute$f_i
#   Normalisation $Log$Normalise$global_specs: n_minmax c(1, 100) | n_zscore c(10, 2)
#   Weights       $Log$Aggregate$w: get_noisy_weights(levels 2 and 3, ±25%, Nrep = 100)
#   Aggregation   $Log$Aggregate$f_ag: a_amean | a_gmean
#
# Writes to OUTDIR:
#   runs.csv          hallyu replay file: impute, normalise, w:CODE..., aggregate (Saltelli order)
#   coinr_ranks.csv   uCode, Nominal, r_1..r_NT (SA_res$Ranks)
#   coinr_scores.csv  uCode, Nominal, r_1..r_NT (SA_res$Scores)
#   coinr_rankstats.csv  SA_res$RankStats
#   coinr_sensitivity.csv  SA_res$Sensitivity (Si, STi, bootstrap q5/q95)
#   coinr_summary.csv  key, value: N, d, runs, failed runs, output variance, nominal check
suppressPackageStartupMessages(library(COINr))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) stop("usage: sensitivity.R OUTDIR [N] [SEED] [IMPUTE]")
outdir <- args[1]
N <- if (length(args) >= 2) as.integer(args[2]) else 100L
seed <- if (length(args) >= 3) as.integer(args[3]) else 1L
impute_mode <- if (length(args) >= 4) args[4] else "plain"
stopifnot(impute_mode %in% c("plain", "group"))
dir.create(outdir, showWarnings = FALSE, recursive = TRUE)
here <- function(f) file.path(outdir, f)
wcsv <- function(df, f) utils::write.csv(df, here(f), row.names = FALSE)
num17 <- function(df) {
  df[] <- lapply(df, function(v) if (is.numeric(v)) sprintf("%.17g", v) else v)
  df
}

# The example coin, as the vignettes build it.
coin <- build_example_coin(quietly = TRUE)

# Check: its index is the default build of crates/index/tests/data/coinr_asem/default.
ref_file <- Sys.getenv("HALLYU_COINR_SCORES",
                       "crates/index/tests/data/coinr_asem/default/results_scores.csv")
nominal_diff <- NA_real_
if (file.exists(ref_file)) {
  ref <- utils::read.csv(ref_file)
  agg <- get_data(coin, dset = "Aggregated", iCodes = "Index")
  m <- merge(ref[c("uCode", "Index")], agg, by = "uCode", suffixes = c(".ref", ".coin"))
  stopifnot(nrow(m) == nrow(ref), nrow(m) == nrow(agg))
  nominal_diff <- max(abs(m$Index.ref - m$Index.coin))
  message("example coin vs ", ref_file, ": ", nrow(m), " units, max |Index diff| = ",
          format(nominal_diff, digits = 3))
}

# SA_specs --------------------------------------------------------------------------
if (impute_mode == "plain") {
  # i_mean/i_median take no group: drop use_group from the runs' Impute log (the nominal
  # results are the coin's own, group means, and are not regenerated).
  coin$Log$Impute$use_group <- NULL
  imp_alts <- c("i_mean", "i_median")
} else {
  imp_alts <- c("i_mean_grp", "i_median_grp")
}
l_imp <- list(Address = "$Log$Impute$f_i", Distribution = imp_alts, Type = "discrete")

norm_alts <- list(
  list(f_n = "n_minmax", f_n_para = list(c(1, 100))),
  list(f_n = "n_zscore", f_n_para = list(c(10, 2)))
)
l_norm <- list(Address = "$Log$Normalise$global_specs", Distribution = norm_alts,
               Type = "discrete")

set.seed(seed)
w_nom <- coin$Meta$Weights$Original
noise_specs <- data.frame(Level = c(2, 3), NoiseFactor = c(0.25, 0.25))
noisy_wts <- get_noisy_weights(w = w_nom, noise_specs = noise_specs, Nrep = 100)
l_weights <- list(Address = "$Log$Aggregate$w", Distribution = noisy_wts, Type = "discrete")

l_agg <- list(Address = "$Log$Aggregate$f_ag", Distribution = c("a_amean", "a_gmean"),
              Type = "discrete")

SA_specs <- list(Imputation = l_imp, Normalisation = l_norm, Weights = l_weights,
                 Aggregation = l_agg)
d <- length(SA_specs)

t0 <- proc.time()[["elapsed"]]
SA_res <- get_sensitivity(coin, SA_specs = SA_specs, N = N, SA_type = "SA",
                          dset = "Aggregated", iCode = "Index", Nboot = 100,
                          quietly = TRUE, check_addresses = FALSE)
elapsed <- proc.time()[["elapsed"]] - t0
NT <- N * (d + 2)

# The replay file ---------------------------------------------------------------------
P <- SA_res$Para
imp_map <- c(i_mean = "mean", i_median = "median",
             i_mean_grp = "group-mean:EurAsia_group", i_median_grp = "group-median:EurAsia_group")
norm_name <- function(s) {
  p <- s$f_n_para[[1]]
  switch(s$f_n,
         n_minmax = sprintf("minmax:%.17g,%.17g", p[1], p[2]),
         n_zscore = sprintf("zscore:%.17g,%.17g", p[1], p[2]),
         stop("unmapped normalisation ", s$f_n))
}
agg_map <- c(a_amean = "amean", a_gmean = "gmean")
# every node under the index (the index's own weight is not an input of hallyu)
wcodes <- w_nom$iCode[w_nom$Level < max(w_nom$Level)]
wmat <- t(vapply(P$Weights, function(w) w$Weight[match(wcodes, w$iCode)], numeric(length(wcodes))))
colnames(wmat) <- paste0("w:", wcodes)
runs <- data.frame(impute = unname(imp_map[as.character(P$Imputation)]),
                   normalise = vapply(P$Normalisation, norm_name, ""),
                   stringsAsFactors = FALSE, check.names = FALSE)
runs <- cbind(runs, as.data.frame(wmat, check.names = FALSE),
              aggregate = unname(agg_map[as.character(P$Aggregation)]))
stopifnot(nrow(runs) == NT, !anyNA(runs))
# text columns quoted (minmax:1,100 has a comma), weights as bare numbers, 17 digits
utils::write.csv(num17(runs), here("runs.csv"), row.names = FALSE,
                quote = which(names(runs) %in% c("impute", "normalise", "aggregate")))

# COINr's results ------------------------------------------------------------------------
wcsv(SA_res$Ranks, "coinr_ranks.csv")
wcsv(num17(SA_res$Scores), "coinr_scores.csv")
wcsv(num17(SA_res$RankStats), "coinr_rankstats.csv")
wcsv(num17(SA_res$Sensitivity), "coinr_sensitivity.csv")

# The output COINr's indices are estimated from (get_sensitivity does not return the
# variance): mean absolute rank change per run, as in R/sensitivity.R.
rk <- SA_res$Ranks
rcols <- setdiff(names(rk), c("uCode", "Nominal"))
y <- vapply(rcols, function(cn) mean(abs(rk[[cn]] - rk$Nominal), na.rm = TRUE), 0)
est <- SA_estimate(y, N = N, d = d, Nboot = NULL)
failed <- sum(vapply(rcols, function(cn) all(is.na(SA_res$Scores[[cn]])), TRUE))
wcsv(data.frame(run = seq_along(y), y = sprintf("%.17g", y)), "coinr_outputs.csv")
summary <- data.frame(
  key = c("coinr_version", "R_version", "N", "d", "runs", "failed_runs", "variance",
          "nominal_max_abs_diff", "seed", "impute_mode", "elapsed_s", "inputs"),
  value = c(as.character(utils::packageVersion("COINr")), R.version.string, N, d, NT, failed,
            sprintf("%.17g", est$Variance), sprintf("%.3g", nominal_diff), seed, impute_mode,
            sprintf("%.1f", elapsed), paste(names(SA_specs), collapse = ";")))
wcsv(summary, "coinr_summary.csv")
message("COINr: ", NT, " runs in ", sprintf("%.1f", elapsed), " s, ", failed, " failed; files in ",
        outdir)
