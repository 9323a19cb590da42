# COINr's ASEM example built with every method hallyu offers, one variant at a time, written
# out for a data-set-by-data-set comparison with `hallyu index build --dataset ...`.
#
#   Rscript bench/index/coinr/methods.R OUTDIR [DATADIR]
#
# OUTDIR   where the files go (created)
# DATADIR  crates/index/tests/data/coinr_asem (the iData/iMeta CSVs hallyu reads; the
#          iMeta copies with extra normalisation columns are written next to the results)
#
# Every variant starts from new_coin(ASEM_iData, ASEM_iMeta) and runs the example's steps
# (build_example_coin: Denominate, Impute i_mean_grp by EurAsia_group, Screen byNA 0.9,
# Treat winmax 5, Normalise n_minmax 0-100, Aggregate a_amean with the iMeta weights) with
# one step changed. Writes:
#   variants.tsv                 name, hallyu flags, iMeta file, note (one row per variant)
#   VARIANT/coinr_DSET.csv       uCode + columns, "%.17g" (DSET: Imputed, Screened, Treated,
#                                Normalised, Aggregated; only the data sets the variant made)
#   VARIANT/coinr_effw.csv       iCode, EffWeight (get_eff_weights of the weights used)
#   VARIANT/coinr_weights.csv    iCode, Weight (PCA variants: get_PCA's loadings as returned)
#   VARIANT/error.txt            COINr's error, where it failed
#   iMeta_norm.csv               ASEM_iMeta + goalpost_*, scaled_* columns (see below)
#   summary.csv                  key, value
#
# COINr is loaded from R_LIBS / .libPaths() (methods.sh sets R_LIBS=/tmp/coinr-lib).
suppressPackageStartupMessages(library(COINr))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) stop("usage: methods.R OUTDIR [DATADIR]")
outdir <- args[1]
datadir <- if (length(args) >= 2) args[2] else "crates/index/tests/data/coinr_asem"
dir.create(outdir, showWarnings = FALSE, recursive = TRUE)
num17 <- function(df) {
  df[] <- lapply(df, function(v) if (is.numeric(v)) sprintf("%.17g", v) else v)
  df
}
wcsv <- function(df, f) utils::write.csv(num17(df), f, row.names = FALSE, na = "NA")

# iMeta copies ------------------------------------------------------------------------------
# Per-indicator goalposts: the 10th and 90th percentiles of the indicator in the example's
# Treated data set (so that truncation bites at both ends), scale 100, truncated; scaled_*:
# the indicator's min and max there (times 1, in its own units), factor 10.
imeta0 <- COINr::ASEM_iMeta
treated_ex <- get_dset(build_example_coin(up_to = "Treat", quietly = TRUE), "Treated")
is_ind <- imeta0$Type == "Indicator"
q <- function(code, p) {
  if (is.na(code) || !(code %in% names(treated_ex))) return(NA_real_)
  unname(stats::quantile(treated_ex[[code]], p, na.rm = TRUE))
}
imeta_n <- imeta0
imeta_n$goalpost_lower <- ifelse(is_ind, sapply(imeta0$iCode, q, p = 0.1), NA)
imeta_n$goalpost_upper <- ifelse(is_ind, sapply(imeta0$iCode, q, p = 0.9), NA)
imeta_n$goalpost_scale <- ifelse(is_ind, 100, NA)
imeta_n$goalpost_trunc2posts <- ifelse(is_ind, TRUE, NA)
imeta_n$scaled_lower <- ifelse(is_ind, sapply(imeta0$iCode, q, p = 0), NA)
imeta_n$scaled_upper <- ifelse(is_ind, sapply(imeta0$iCode, q, p = 1), NA)
imeta_n$scale_factor <- ifelse(is_ind, 10, NA)
imeta_n_file <- file.path(outdir, "iMeta_norm.csv")
utils::write.csv(num17(imeta_n), imeta_n_file, row.names = FALSE, na = "NA")
# The same goalposts / scaling for every indicator (as goalposts:LO,HI,SCALE and
# scaled:LO,HI,FACTOR give them), through iMeta: COINr flips them for direction -1 there.
imeta_g <- imeta0
imeta_g$goalpost_lower <- ifelse(is_ind, 0, NA)
imeta_g$goalpost_upper <- ifelse(is_ind, 50, NA)
imeta_g$goalpost_scale <- ifelse(is_ind, 100, NA)
imeta_g$goalpost_trunc2posts <- ifelse(is_ind, TRUE, NA)
imeta_g$scaled_lower <- ifelse(is_ind, -5, NA)
imeta_g$scaled_upper <- ifelse(is_ind, 50, NA)
imeta_g$scale_factor <- ifelse(is_ind, 10, NA)
imeta_g_file <- file.path(outdir, "iMeta_global.csv")
utils::write.csv(num17(imeta_g), imeta_g_file, row.names = FALSE, na = "NA")
# Every direction 1: fracmax on ASEM's direction -1 indicators divides by max(-x) <= 0.
imeta_d <- imeta0
imeta_d$Direction[is_ind] <- 1
imeta_d_file <- file.path(outdir, "iMeta_dir1.csv")
utils::write.csv(num17(imeta_d), imeta_d_file, row.names = FALSE, na = "NA")
imeta_files <- list(plain = file.path(datadir, "ASEM_iMeta.csv"), norm = imeta_n_file,
                    global = imeta_g_file, dir1 = imeta_d_file)
imetas <- list(plain = imeta0, norm = imeta_n, global = imeta_g, dir1 = imeta_d)

# One build ---------------------------------------------------------------------------------
# impute: NULL (none) or list(f_i =, use_group =); treat: list (global_specs) or "none";
# norm: global_specs; agg: list(f_ag =, f_ag_para =, by_df =); weights: NULL (iMeta), "equal",
# or list(dset =, Level =) for get_PCA; orient: flip each PCA group so its loadings sum > 0.
build <- function(imeta = "plain", impute = list(f_i = "i_mean_grp", use_group = "EurAsia_group"),
                  screen = 0.9, treat = list(f1_para = list(winmax = 5)),
                  norm = list(f_n = "n_minmax", f_n_para = list(c(0, 100))),
                  agg = list(f_ag = "a_amean"), weights = NULL, orient = FALSE,
                  dat_thresh = NULL, ref_unit = NULL) {
  coin <- new_coin(COINr::ASEM_iData, imetas[[imeta]],
                   level_names = c("Indicator", "Pillar", "Sub-index", "Index"), quietly = TRUE)
  coin <- Denominate(coin, dset = "Raw")
  d <- "Denominated"
  if (!is.null(impute)) {
    coin <- Impute(coin, dset = d, f_i = impute$f_i, use_group = impute$use_group)
    d <- "Imputed"
  }
  if (!is.null(screen)) {
    coin <- Screen(coin, dset = d, dat_thresh = screen, unit_screen = "byNA")
    d <- "Screened"
  }
  if (!identical(treat, "none")) {
    coin <- Treat(coin, dset = d, global_specs = treat)
    d <- "Treated"
  }
  if (!is.null(ref_unit)) {
    # n_dist2ref names the reference by its row: the unit's row in the data set normalised.
    iref <- which(get_dset(coin, d)$uCode == ref_unit)
    stopifnot(length(iref) == 1)
    norm$f_n_para$iref <- iref
  }
  coin <- Normalise(coin, dset = d, global_specs = norm)
  w <- NULL
  pca_w <- NULL
  if (identical(weights, "equal")) {
    w <- coin$Meta$Ind[c("iCode", "Weight")]
    w <- w[!is.na(w$Weight), ]
    w$Weight <- 1
  } else if (is.list(weights)) {
    if (weights$dset == "Aggregated") {
      coin <- Aggregate(coin, dset = "Normalised", f_ag = agg$f_ag, f_ag_para = agg$f_ag_para,
                        by_df = isTRUE(agg$by_df), dat_thresh = dat_thresh)
    }
    p <- get_PCA(coin, dset = weights$dset, Level = weights$Level, by_groups = TRUE,
                 nowarnings = TRUE)
    w <- p$Weights
    codes_l <- coin$Meta$Ind$iCode[coin$Meta$Ind$Level %in% weights$Level]
    pca_w <- w[w$iCode %in% codes_l, c("iCode", "Weight")]
    if (orient) {
      for (g in p$PCAresults) {
        i <- match(g$iCodes, w$iCode)
        if (sum(w$Weight[i]) < 0) w$Weight[i] <- -w$Weight[i]
      }
    }
  }
  coin <- Aggregate(coin, dset = "Normalised", f_ag = agg$f_ag, f_ag_para = agg$f_ag_para,
                    by_df = isTRUE(agg$by_df), dat_thresh = dat_thresh,
                    w = w)
  # Effective weights of the weights used.
  if (!is.null(w)) {
    coin$Meta$Ind$Weight[match(w$iCode, coin$Meta$Ind$iCode)] <- w$Weight
  }
  list(coin = coin, effw = get_eff_weights(coin)[c("iCode", "EffWeight")], pca_w = pca_w)
}

# The variants ------------------------------------------------------------------------------
base <- "--denominate meta --impute group-mean:EurAsia_group --screen 0.9 --treat default"
v <- list()
add <- function(name, flags, imeta = "plain", note = "", ...) {
  v[[length(v) + 1]] <<- list(name = name, flags = flags, imeta = imeta, note = note,
                              args = list(imeta = imeta, ...))
}
n <- function(f_n, f_n_para = NULL) list(f_n = f_n, f_n_para = f_n_para)
add("default", paste(base, "--normalise minmax:0,100 --aggregate amean"))
# Normalisations
add("norm-zscore", paste(base, "--normalise zscore"), norm = n("n_zscore"))
add("norm-zscore-10-2", paste(base, "--normalise zscore:10,2"), norm = n("n_zscore", list(c(10, 2))))
add("norm-minmax-1-100", paste(base, "--normalise minmax:1,100"), norm = n("n_minmax", list(c(1, 100))))
add("norm-rank", paste(base, "--normalise rank"), norm = n("n_rank"))
add("norm-borda", paste(base, "--normalise borda"), norm = n("n_borda"))
add("norm-prank", paste(base, "--normalise prank"), norm = n("n_prank"))
add("norm-scaled-global", paste(base, "--normalise scaled:-5,50,10"),
    note = "COINr global_specs n_scaled npara c(-5,50), scale_factor 10",
    norm = n("n_scaled", list(npara = c(-5, 50), scale_factor = 10)))
add("norm-scaled-imeta-same", paste(base, "--normalise scaled:-5,50,10"), imeta = "global",
    note = "COINr use_iMeta with scaled_lower -5, scaled_upper 50, scale_factor 10 on every indicator",
    norm = n("n_scaled", "use_iMeta"))
add("norm-scaled-imeta", paste(base, "--normalise scaled"), imeta = "norm",
    note = "per-indicator scaled_* columns (Treated min, max; factor 10) in both",
    norm = n("n_scaled", "use_iMeta"))
add("norm-fracmax", paste(base, "--normalise fracmax"), norm = n("n_fracmax"))
add("norm-fracmax-dir1", paste(base, "--normalise fracmax"), imeta = "dir1",
    note = "every Direction set to 1 in both", norm = n("n_fracmax"))
add("norm-dist2max", paste(base, "--normalise dist2max"), norm = n("n_dist2max"))
add("norm-dist2ref-CHE", paste(base, "--normalise dist2ref:CHE"),
    norm = n("n_dist2ref", list(cap_max = FALSE)), ref_unit = "CHE")
add("norm-dist2ref-DEU", paste(base, "--normalise dist2ref:DEU"),
    norm = n("n_dist2ref", list(cap_max = FALSE)), ref_unit = "DEU")
add("norm-dist2ref-DEU-cap", paste(base, "--normalise dist2ref:DEU,true"),
    norm = n("n_dist2ref", list(cap_max = TRUE)), ref_unit = "DEU")
add("norm-dist2targ", paste(base, "--normalise dist2targ"), norm = n("n_dist2targ", "use_iMeta"))
add("norm-goalposts-global", paste(base, "--normalise goalposts:0,50,100"),
    note = "COINr global_specs n_goalposts gposts c(0,50,100)",
    norm = n("n_goalposts", list(gposts = c(0, 50, 100))))
add("norm-goalposts-imeta-same", paste(base, "--normalise goalposts:0,50,100"), imeta = "global",
    note = "COINr use_iMeta with goalposts 0, 50, scale 100 on every indicator",
    norm = n("n_goalposts", "use_iMeta"))
add("norm-goalposts-imeta", paste(base, "--normalise goalposts"), imeta = "norm",
    note = "per-indicator goalpost_* columns (Treated 10th/90th percentiles, 100, TRUE) in both",
    norm = n("n_goalposts", "use_iMeta"))
# Aggregations
mm1 <- n("n_minmax", list(c(1, 100)))
add("agg-gmean", paste(base, "--normalise minmax:1,100 --aggregate gmean"), norm = mm1,
    agg = list(f_ag = "a_gmean"))
add("agg-hmean", paste(base, "--normalise minmax:1,100 --aggregate hmean"), norm = mm1,
    agg = list(f_ag = "a_hmean"))
for (p in c(2, 0.5, -1, -2.5)) {
  add(paste0("agg-genmean-", p), paste0(base, " --normalise minmax:1,100 --aggregate genmean:", p),
      norm = mm1, agg = list(f_ag = "a_genmean", f_ag_para = list(p = p)))
}
add("agg-copeland", paste(base, "--normalise minmax:0,100 --aggregate copeland"),
    agg = list(f_ag = "a_copeland_x", by_df = TRUE))
noimp <- "--denominate meta --impute none --screen 0.9 --treat default"
add("agg-noimpute", paste(noimp, "--normalise minmax:0,100 --aggregate amean"), impute = NULL,
    note = "no imputation, no threshold")
add("agg-dat-thresh-0.8", paste(noimp, "--normalise minmax:0,100 --aggregate amean --data-threshold 0.8"),
    impute = NULL, dat_thresh = 0.8, note = "no imputation")
add("agg-dat-thresh-0.95-gmean",
    paste(noimp, "--normalise minmax:1,100 --aggregate gmean --data-threshold 0.95"),
    impute = NULL, dat_thresh = 0.95, norm = mm1, agg = list(f_ag = "a_gmean"),
    note = "no imputation")
add("agg-genmean-2-noimpute", paste(noimp, "--normalise minmax:1,100 --aggregate genmean:2"),
    impute = NULL, norm = mm1, agg = list(f_ag = "a_genmean", f_ag_para = list(p = 2)),
    note = "no imputation: missing children")
add("agg-copeland-noimpute", paste(noimp, "--normalise minmax:0,100 --aggregate copeland"),
    impute = NULL, agg = list(f_ag = "a_copeland_x", by_df = TRUE),
    note = "no imputation: missing children")
# Diagnostics (not COINr's functions): COINr's a_genmean and a_copeland with missing children
# done the way hallyu does them, to confirm the cause of the differences above.
add("diag-genmean-2-noimpute-narm", paste(noimp, "--normalise minmax:1,100 --aggregate genmean:2"),
    impute = NULL, norm = mm1, agg = list(f_ag = "a_genmean_narm", f_ag_para = list(p = 2)),
    note = "a_genmean with na.rm = TRUE in both sums (not COINr's code)")
add("diag-copeland-noimpute-pairwise", paste(noimp, "--normalise minmax:0,100 --aggregate copeland"),
    impute = NULL, agg = list(f_ag = "a_copeland_pairwise", by_df = TRUE),
    note = "outranking over the children present for both units (not COINr's code)")
add("diag-pca1-noimpute-positive", paste(noimp, "--normalise minmax:0,100 --weights pca"),
    impute = NULL, weights = list(dset = "Normalised", Level = 1), orient = TRUE,
    agg = list(f_ag = "a_amean_positive"),
    note = "a_amean returning NA where the weights present sum to <= 0 (not COINr's code)")
# Imputation
add("imp-mean", "--denominate meta --impute mean --screen 0.9 --treat default --normalise minmax:0,100",
    impute = list(f_i = "i_mean"))
add("imp-median", "--denominate meta --impute median --screen 0.9 --treat default --normalise minmax:0,100",
    impute = list(f_i = "i_median"))
add("imp-group-median",
    "--denominate meta --impute group-median:EurAsia_group --screen 0.9 --treat default --normalise minmax:0,100",
    impute = list(f_i = "i_median_grp", use_group = "EurAsia_group"))
add("imp-group-median-GDP",
    "--denominate meta --impute group-median:GDP_group --screen 0.9 --treat default --normalise minmax:0,100",
    impute = list(f_i = "i_median_grp", use_group = "GDP_group"))
add("imp-group-mean-Pop",
    "--denominate meta --impute group-mean:Pop_group --screen 0.9 --treat default --normalise minmax:0,100",
    impute = list(f_i = "i_mean_grp", use_group = "Pop_group"))
# Treatment
tb <- "--denominate meta --impute group-mean:EurAsia_group --screen 0.9"
for (k in c(0, 1, 2, 3, 10)) {
  add(paste0("treat-winmax-", k), paste0(tb, " --treat winmax:", k, " --normalise minmax:0,100"),
      treat = list(f1_para = list(winmax = k)))
}
add("treat-none", paste(tb, "--treat none --normalise minmax:0,100"), treat = "none")
add("treat-winmax-2-noimpute", "--denominate meta --impute none --screen 0.9 --treat winmax:2 --normalise minmax:0,100",
    impute = NULL, treat = list(f1_para = list(winmax = 2)), note = "no imputation")
# Screening (not asked for, but cheap): 0.95 without imputation
add("screen-0.95-noimpute", "--denominate meta --impute none --screen 0.95 --treat default",
    impute = NULL, screen = 0.95)
# Weights
add("w-equal", paste(base, "--normalise minmax:0,100 --weights equal"), weights = "equal")
for (orient in c(FALSE, TRUE)) {
  sfx <- if (orient) "-oriented" else "-raw"
  note <- if (orient) "COINr's loadings flipped per group to sum > 0 (hallyu's orientation)" else
    "COINr's loadings as prcomp returns them"
  add(paste0("w-pca1", sfx), paste(base, "--normalise minmax:0,100 --weights pca"),
      weights = list(dset = "Normalised", Level = 1), orient = orient, note = note)
  add(paste0("w-pca2", sfx), paste(base, "--normalise minmax:0,100 --weights pca:2"),
      weights = list(dset = "Aggregated", Level = 2), orient = orient, note = note)
  add(paste0("w-pca3", sfx), paste(base, "--normalise minmax:0,100 --weights pca:3"),
      weights = list(dset = "Aggregated", Level = 3), orient = orient, note = note)
}
add("w-pca1-noimpute", paste(noimp, "--normalise minmax:0,100 --weights pca"), impute = NULL,
    weights = list(dset = "Normalised", Level = 1), orient = TRUE,
    note = "no imputation: PCA on complete rows; COINr's loadings oriented")

# COINr's Aggregate calls f_ag(x = ...), but a_copeland's argument is X (R/aggregate.R), so
# Aggregate(f_ag = "a_copeland", by_df = TRUE) fails with "unused argument (x = ...)"; this
# wrapper (found on the search path by Aggregate's do.call) passes the same data on.
a_copeland_x <- function(x, w = NULL) COINr::a_copeland(x, w)
# Diagnostics: hallyu's rules written in R (aggregate.rs unit_mean / copeland).
a_genmean_narm <- function(x, w, p) {
  k <- !is.na(x)
  if (!any(k)) return(NA)
  (sum(w[k] * x[k]^p) / sum(w[k]))^(1 / p)
}
a_copeland_pairwise <- function(x, w) {
  X <- as.matrix(x)
  n <- nrow(X)
  s <- rep(0, n)
  for (i in seq_len(n)) for (j in seq_len(n)) if (i != j) {
    a <- sum(w[X[i, ] > X[j, ]], na.rm = TRUE)
    b <- sum(w[X[i, ] < X[j, ]], na.rm = TRUE)
    s[i] <- s[i] + sign(a - b)
  }
  s
}
a_amean_positive <- function(x, w) {
  k <- !is.na(x)
  if (!any(k) || sum(w[k]) <= 0) return(NA)
  sum(w[k] * x[k]) / sum(w[k])
}

# Run ---------------------------------------------------------------------------------------
start <- Sys.time()
rows <- list()
for (x in v) {
  d <- file.path(outdir, x$name)
  dir.create(d, showWarnings = FALSE)
  unlink(list.files(d, full.names = TRUE))
  res <- tryCatch(suppressMessages(suppressWarnings(do.call(build, x$args))),
                  error = function(e) e)
  if (inherits(res, "error")) {
    writeLines(conditionMessage(res), file.path(d, "error.txt"))
  } else {
    for (ds in c("Imputed", "Screened", "Treated", "Normalised", "Aggregated")) {
      if (!is.null(res$coin$Data[[ds]])) wcsv(get_dset(res$coin, ds), file.path(d, paste0("coinr_", ds, ".csv")))
    }
    wcsv(res$effw, file.path(d, "coinr_effw.csv"))
    if (!is.null(res$pca_w)) wcsv(res$pca_w, file.path(d, "coinr_weights.csv"))
  }
  rows[[length(rows) + 1]] <- data.frame(name = x$name, flags = x$flags,
                                         meta = imeta_files[[x$imeta]], note = x$note)
}
utils::write.table(do.call(rbind, rows), file.path(outdir, "variants.tsv"), sep = "\t",
                   row.names = FALSE, quote = FALSE)
utils::write.csv(data.frame(
  key = c("coinr_version", "R_version", "variants", "elapsed_s"),
  value = c(as.character(utils::packageVersion("COINr")), R.version.string, length(v),
            format(as.numeric(difftime(Sys.time(), start, units = "secs")), digits = 3))),
  file.path(outdir, "summary.csv"), row.names = FALSE)
message("COINr: ", length(v), " variants in ", format(Sys.time() - start, digits = 3))
